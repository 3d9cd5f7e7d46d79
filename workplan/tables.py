import django_tables2 as tables
from django.db.models import F
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from workplan.models import Activity
from workplan.periods import planned_field


class QuarterColumn(tables.Column):
    """One cell of the Gantt-like timeframe: filled where the activity is planned."""

    def __init__(self, quarter: int, **kwargs):
        self.quarter = quarter
        super().__init__(
            accessor=planned_field(quarter),
            verbose_name=f"Q{quarter}",
            attrs={"th": {"class": "gantt"}, "td": {"class": "gantt"}},
            orderable=False,
            **kwargs,
        )

    def render(self, value):
        if value:
            return format_html(
                '<span class="planned" title="{0}"><span class="visually-hidden">{0}</span></span>', _("planned")
            )
        return ""


class ActivityTable(tables.Table):
    """Activities grouped by output: whatever column is sorted, the output groups stay together."""

    code = tables.Column(verbose_name=_("Code"), linkify=True, order_by=("sort_key",))
    title = tables.Column(verbose_name=_("Activity"), linkify=True)
    agency = tables.Column(verbose_name=_("UN agency"), accessor="agency__code")
    responsible_party = tables.Column(verbose_name=_("Responsible party"), accessor="responsible_party__code")
    q1 = QuarterColumn(1)
    q2 = QuarterColumn(2)
    q3 = QuarterColumn(3)
    q4 = QuarterColumn(4)
    status = tables.Column(verbose_name=_("Status"), attrs={"td": {"class": "status"}})

    class Meta:
        model = Activity
        fields = ["code", "title", "agency", "responsible_party", "q1", "q2", "q3", "q4", "status"]
        template_name = "workplan/activity_table.html"
        attrs = {"class": "activities"}
        row_attrs = {"data-status": lambda record: record.status}
        empty_text = _("No activity matches these filters.")

    def render_status(self, record):
        return format_html('<span class="badge status-{}">{}</span>', record.status, record.get_status_display())

    def _within_output_groups(self, queryset, is_descending, *fields):
        by_output = F("output__sort_key").asc(nulls_last=True)
        ordering = [F(field).desc(nulls_last=True) if is_descending else F(field).asc() for field in fields]
        return queryset.order_by(by_output, *ordering, "sort_key"), True

    def order_code(self, queryset, is_descending):
        return self._within_output_groups(queryset, is_descending, "sort_key")

    def order_title(self, queryset, is_descending):
        return self._within_output_groups(queryset, is_descending, "title")

    def order_agency(self, queryset, is_descending):
        return self._within_output_groups(queryset, is_descending, "agency__code")

    def order_responsible_party(self, queryset, is_descending):
        return self._within_output_groups(queryset, is_descending, "responsible_party__code")

    def order_status(self, queryset, is_descending):
        return self._within_output_groups(queryset, is_descending, "status")
