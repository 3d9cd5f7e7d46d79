"""The three roles of the browser app as auth groups, with the work plan's permissions.
The budgets and outcomes apps add theirs in their own migrations."""

from django.db import migrations

from workplan.role_grants import grant, revoke

VIEW = [
    f"workplan.view_{model}"
    for model in ["programme", "agency", "partner", "outcome", "output", "workplan", "activity", "activityprogress"]
]
ROLE_PERMISSIONS = {
    "PMC member": [*VIEW, "workplan.report_progress", "workplan.export_reports"],
    "Agency focal point": [
        *VIEW,
        "workplan.report_progress",
        "workplan.change_activity",
        "workplan.import_work_plan",
        "workplan.export_reports",
    ],
    "Coordinator": [*VIEW, "workplan.import_work_plan", "workplan.export_reports"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("workplan", "0002_progress_and_focal_points"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: grant(apps, ROLE_PERMISSIONS),
            lambda apps, schema_editor: revoke(apps, ROLE_PERMISSIONS),
        )
    ]
