"""django-import-export's admin import asks for "import_<model>" (IMPORT_EXPORT_IMPORT_PERMISSION_CODE):
created here for indicators and their results. No role gets them: an admin import
checks no agency, so only administrators, and staff they grant them to, import there."""

from django.db import migrations

from workplan.role_grants import create_custom_permissions, delete_custom_permissions

PERMISSIONS = {
    "outcomes.import_indicator": "Can import indicators in the admin",
    "outcomes.import_indicatorresult": "Can import indicator results in the admin",
}


def forwards(apps, schema_editor):
    create_custom_permissions(apps, PERMISSIONS)


def backwards(apps, schema_editor):
    delete_custom_permissions(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0002_role_permissions"), ("workplan", "0003_role_groups")]

    operations = [migrations.RunPython(forwards, backwards)]
