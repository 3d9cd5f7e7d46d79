from html import escape

import django_tables2 as tables
from django.db.models import F
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workplan.models import Activity
from workplan.periods import planned_field

# What a cell with no value shows, as django-tables2 writes it.
NO_VALUE = "—"


class QuarterColumn(tables.Column):
    """The heading of one quarter of the Gantt-like timeframe."""

    def __init__(self, quarter: int):
        super().__init__(
            accessor=planned_field(quarter),
            verbose_name=f"Q{quarter}",
            attrs={"th": {"class": "gantt"}},
            orderable=False,
        )


class ActivityTable(tables.Table):
    """Activities grouped by output: whatever column is sorted, the output groups stay together.

    The table heads the columns, sorts and pages; `head_row` and `body_rows` write its heading and the rows of
    the page."""

    code = tables.Column(verbose_name=_("Code"), order_by=("sort_key",))
    title = tables.Column(verbose_name=_("Activity"))
    agency = tables.Column(verbose_name=_("UN agency"), accessor="agency__code")
    responsible_party = tables.Column(verbose_name=_("Responsible party"), accessor="responsible_party__code")
    q1 = QuarterColumn(1)
    q2 = QuarterColumn(2)
    q3 = QuarterColumn(3)
    q4 = QuarterColumn(4)
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = Activity
        fields = ["code", "title", "agency", "responsible_party", "q1", "q2", "q3", "q4", "status"]
        template_name = "workplan/activity_table.html"
        attrs = {"class": "activities"}
        empty_text = _("No activity matches these filters.")

    def head_row(self) -> SafeString:
        """The columns' headings, each a link that sorts by it (or reverses its order) with the filters kept, as
        django-tables2's template writes them, in one pass rather than a template tag per column."""
        cells = []
        for column in self.columns:
            heading = conditional_escape(column.header)
            if column.orderable:
                query = {**dict(self.request.GET), self.prefixed_order_by_field: column.order_by_alias.next}
                heading = f'<a href="{escape("?" + urlencode(query, doseq=True))}">{heading}</a>'
            cells.append(f"<th {column.attrs['th'].as_html()}>{heading}</th>")
        return mark_safe(f"<tr>{''.join(cells)}</tr>")  # every value above went through escape()

    def body_rows(self) -> SafeString:
        """The rows of the page, a heading row before each output's: one format string per row rather
        than a template rendering each cell through its column, which took most of the page's time (the
        report's activity table is written the same way). The cells are those of the columns above."""
        # An activity's address ends in its id (`workplan/urls.py`): the rest is resolved once for the page.
        activity_urls = reverse("workplan:activity", args=[self.request.programme.mptf_project_id, 0]).removesuffix(
            "0/"
        )
        status_labels = {status: escape(str(label)) for status, label in Activity.Status.choices}
        planned = escape(gettext("planned"))
        planned_mark = (
            f'<td class="gantt"><span class="planned" title="{planned}">'
            f'<span class="visually-hidden">{planned}</span></span></td>'
        )
        not_planned = '<td class="gantt"></td>'
        html = []
        output_id = object()
        for row in self.paginated_rows:
            activity = row.record
            if activity.output_id != output_id:
                output_id = activity.output_id
                html.append(self._output_heading(activity.output))
            url = escape(f"{activity_urls}{activity.pk}/")
            code = f'<a href="{url}">{escape(activity.code)}</a>' if activity.code else NO_VALUE
            title = f'<a href="{url}">{escape(activity.title)}</a>' if activity.title else NO_VALUE
            party = escape(activity.responsible_party.code) if activity.responsible_party else NO_VALUE
            quarters = "".join(
                planned_mark if planned_in else not_planned
                for planned_in in (activity.planned_q1, activity.planned_q2, activity.planned_q3, activity.planned_q4)
            )
            status, status_label = escape(activity.status), status_labels[activity.status]
            html.append(
                f'<tr data-status="{status}" class="{row.get_even_odd_css_class()}"><td>{code}</td><td>{title}</td>'
                f"<td>{escape(activity.agency.code)}</td><td>{party}</td>{quarters}"
                f'<td class="status"><span class="badge status-{status}">{status_label}</span></td></tr>'
            )
        if not html:
            html.append(f'<tr><td colspan="{len(self.columns)}">{escape(str(self.empty_text))}</td></tr>')
        return mark_safe("\n".join(html))  # every value above went through escape()

    def _output_heading(self, output) -> str:
        if output is None:
            heading = escape(gettext("Other"))
        else:
            heading = escape(gettext("JP Output %(code)s") % {"code": output.code})
            heading += f' <span class="output-title">{escape(output.display_title)}</span>'
        return f'<tr class="group"><th colspan="{len(self.columns)}" scope="rowgroup">{heading}</th></tr>'

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
