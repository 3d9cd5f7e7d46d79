from django.db import migrations

from workplan.role_grants import grant, revoke

VIEW = [
    f"budgets.view_{model}"
    for model in ["budgetcategory", "fundingsource", "budgetline", "statedbudget", "statedcategorytotal"]
]
ROLE_PERMISSIONS = {
    "PMC member": VIEW,
    "Agency focal point": [*VIEW, "budgets.add_budgetline", "budgets.change_budgetline", "budgets.delete_budgetline"],
    "Coordinator": VIEW,
}


class Migration(migrations.Migration):
    dependencies = [("budgets", "0001_initial"), ("workplan", "0003_role_groups")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: grant(apps, ROLE_PERMISSIONS),
            lambda apps, schema_editor: revoke(apps, ROLE_PERMISSIONS),
        )
    ]
