from django.db import migrations

from workplan.role_grants import grant, revoke

VIEW = ["outcomes.view_indicator", "outcomes.view_indicatorresult"]
ROLE_PERMISSIONS = {
    "PMC member": VIEW,
    "Agency focal point": [*VIEW, "outcomes.add_indicatorresult", "outcomes.change_indicatorresult"],
    "Coordinator": VIEW,
}


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial"), ("workplan", "0003_role_groups")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: grant(apps, ROLE_PERMISSIONS),
            lambda apps, schema_editor: revoke(apps, ROLE_PERMISSIONS),
        )
    ]
