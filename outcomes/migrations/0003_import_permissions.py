"""django-import-export's admin import asks for "import_<model>" (IMPORT_EXPORT_IMPORT_PERMISSION_CODE):
created here for indicators and their results, and given to coordinators."""

from django.db import migrations

from workplan.role_grants import create_custom_permissions, delete_custom_permissions, grant, revoke

PERMISSIONS = {
    "outcomes.import_indicator": "Can import indicators in the admin",
    "outcomes.import_indicatorresult": "Can import indicator results in the admin",
}
ROLE_PERMISSIONS = {"Coordinator": list(PERMISSIONS)}


def forwards(apps, schema_editor):
    create_custom_permissions(apps, PERMISSIONS)
    grant(apps, ROLE_PERMISSIONS)


def backwards(apps, schema_editor):
    revoke(apps, ROLE_PERMISSIONS)
    delete_custom_permissions(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0002_role_permissions"), ("workplan", "0003_role_groups")]

    operations = [migrations.RunPython(forwards, backwards)]
