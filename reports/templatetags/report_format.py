"""How the report writes its figures on the page; the workbook writes the same values as numbers.

Both filters write nothing for a missing value (None, or the empty string a template passes
for a lookup through a missing result)."""

from decimal import Decimal
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from outcomes.models import indicator_value_text
from reports.charts import format_number
from reports.selectors import ActivityRow
from workplan.numbers import format_figure
from workplan.periods import QUARTERS

register = template.Library()


@register.filter
def amount(value: Decimal | None) -> str:
    """1234.5 as "1,234.50"."""
    return format_number(value) if isinstance(value, Decimal) else ""


@register.filter
def figure(value: Decimal | None) -> str:
    """An indicator value as people write it: 809.00 as "809", 18.50 as "18.5"."""
    return format_figure(value) if isinstance(value, Decimal) else ""


@register.filter
def indicator_figure(value: Decimal | None, unit: str) -> str:
    """An indicator's value: "Yes" or "No" for a yes/no indicator, else as `figure` writes it."""
    return indicator_value_text(value, unit) if isinstance(value, Decimal) else ""


@register.simple_tag
def activity_rows(rows: list[ActivityRow], quarter: int, late_label: str, none_given: str) -> SafeString:
    """The body rows of the activity table, for the rows of one output.

    Written here in one format string per row rather than in a template loop: a report may list
    thousands of activities, and the template engine takes ten times longer for the same markup.
    (The standard library's `escape` escapes the same characters as Django's, without its lazy-string
    wrapper.)
    The columns are those of the table head in `reports/report.html`."""
    late_flag = f'<strong class="late-flag">{escape(late_label)}</strong>'
    late_class = ' class="late"'
    none_given_html = f'<span class="muted">{escape(none_given)}</span>'
    html = []
    for row in rows:
        marks = "".join(f'<td class="q">{"x" if q in row.planned_quarters else ""}</td>' for q in QUARTERS)
        if row.comment:
            prefix = f"(Q{row.comment_quarter}) " if row.comment_quarter != quarter else ""
            comment = prefix + escape(row.comment).replace("\n", "<br>")
        else:
            comment = none_given_html
        html.append(
            f"<tr{late_class if row.late else ''}><td>{escape(row.code)}</td><td>{escape(row.title)}</td>"
            f"<td>{escape(row.agency)}</td><td>{escape(row.responsible_party)}</td>{marks}"
            f"<td>{escape(row.status_label)}</td><td>{late_flag if row.late else ''}</td><td>{comment}</td></tr>"
        )
    return mark_safe("\n".join(html))  # every value above went through escape()
