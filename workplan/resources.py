from import_export import fields

from workplan.admin_import_export import CachedForeignKeyWidget, HistoryModelResource
from workplan.models import Activity, Agency, Output, Partner, WorkPlan
from workplan.services import raise_versions


def work_plan_key(work_plan: WorkPlan) -> str:
    """A work plan in a cell: "MDGF-1838-G-KHM/1" (programme code / year)."""
    return f"{work_plan.programme.code}/{work_plan.year}"


def work_plan_widget() -> CachedForeignKeyWidget:
    return CachedForeignKeyWidget(WorkPlan, key=work_plan_key, queryset=WorkPlan.objects.select_related("programme"))


class ActivityResource(HistoryModelResource):
    work_plan = fields.Field("work_plan", "work_plan", widget=work_plan_widget())
    output = fields.Field("output", "output", widget=CachedForeignKeyWidget(Output))
    agency = fields.Field("agency", "agency", widget=CachedForeignKeyWidget(Agency))
    responsible_party = fields.Field("responsible_party", "responsible_party", widget=CachedForeignKeyWidget(Partner))
    # Exported to read; only the quarterly progress sets them (workplan.services.report_progress), never an import.
    status = fields.Field("status", "status", readonly=True)
    implementation_comment = fields.Field("implementation_comment", "implementation_comment", readonly=True)

    class Meta(HistoryModelResource.Meta):
        model = Activity
        fields = [
            "work_plan", "output", "code", "title", "annual_target", "agency", "responsible_party",
            "planned_q1", "planned_q2", "planned_q3", "planned_q4", "status", "implementation_comment",
        ]  # fmt: skip
        import_id_fields = ["work_plan", "code"]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._activities_by_key: dict[int, dict[str, Activity]] = {}

    def get_queryset(self):
        return Activity.objects.select_related("work_plan__programme", "output", "agency", "responsible_party")

    def get_instance(self, instance_loader, row):
        """By code within the work plan; activities without a code (under "Other") by title.
        Each work plan's activities are read once per import, not once per row."""
        work_plan = self.fields["work_plan"].clean(row)
        if work_plan is None:
            return None
        if work_plan.pk not in self._activities_by_key:
            self._activities_by_key[work_plan.pk] = {
                activity.code or activity.title: activity
                for activity in self.get_queryset().filter(work_plan=work_plan)
            }
        key = (row.get("code") or "").strip() or (row.get("title") or "").strip()
        return self._activities_by_key[work_plan.pk].get(key)

    def before_save_instance(self, instance, row, **kwargs):
        # The browser app's optimistic lock: an edit based on the version before this import is refused.
        if instance.pk:
            raise_versions([instance])
        super().before_save_instance(instance, row, **kwargs)
