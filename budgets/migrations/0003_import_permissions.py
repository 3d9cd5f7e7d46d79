"""django-import-export's admin import asks for "import_<model>" (IMPORT_EXPORT_IMPORT_PERMISSION_CODE):
created here for activities (whose admin this app registers) and budget lines. No role gets them: an admin import
checks no agency, so only administrators, and staff they grant them to, import there."""

from django.db import migrations

from workplan.role_grants import create_custom_permissions, delete_custom_permissions

PERMISSIONS = {
    "workplan.import_activity": "Can import activities in the admin",
    "budgets.import_budgetline": "Can import budget lines in the admin",
}


def forwards(apps, schema_editor):
    create_custom_permissions(apps, PERMISSIONS)


def backwards(apps, schema_editor):
    delete_custom_permissions(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("budgets", "0002_role_permissions"), ("workplan", "0003_role_groups")]

    operations = [migrations.RunPython(forwards, backwards)]
