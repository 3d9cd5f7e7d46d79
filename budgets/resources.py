from import_export import fields

from budgets.models import BudgetCategory, BudgetLine, FundingSource
from workplan.admin_import_export import CachedForeignKeyWidget, HistoryModelResource
from workplan.models import Activity
from workplan.resources import work_plan_key, work_plan_widget
from workplan.services import mark_changed


class ActivityWidget(CachedForeignKeyWidget):
    """An activity by its code (or title, when it has none) within the row's work plan."""

    def __init__(self):
        super().__init__(
            Activity,
            key=lambda activity: f"{work_plan_key(activity.work_plan)}|{activity.code or activity.title}",
            queryset=Activity.objects.select_related("work_plan__programme"),
        )

    def lookup(self, text: str, row=None):
        return super().lookup(f"{(row or {}).get('work_plan', '')}|{text}".strip())

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.code or value.title


class BudgetLineResource(HistoryModelResource):
    work_plan = fields.Field("activity__work_plan", "work_plan", widget=work_plan_widget(), readonly=True)
    activity = fields.Field("activity", "activity", widget=ActivityWidget())
    category = fields.Field("category", "category", widget=CachedForeignKeyWidget(BudgetCategory))
    source = fields.Field("source", "source", widget=CachedForeignKeyWidget(FundingSource))

    class Meta(HistoryModelResource.Meta):
        model = BudgetLine
        fields = ["work_plan", "activity", "category", "source", "amount"]
        import_id_fields = ["activity", "category", "source"]

    def get_queryset(self):
        return BudgetLine.objects.select_related("activity__work_plan__programme", "category", "source")

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        mark_changed(activity_ids=[instance.activity_id])
