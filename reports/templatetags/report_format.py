"""How the report writes its figures on the page; the workbook writes the same values as numbers.

Both filters write nothing for a missing value (None, or the empty string a template passes
for a lookup through a missing result)."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from html import escape

from django import template
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from budgets.selectors import NO_OUTPUT_LABEL, BudgetFigures
from finance.spending import SpendingRow
from outcomes.models import indicator_value_text
from reports.charts import format_number
from reports.selectors import RESULT_PARTS, ActivityRow, IndicatorRow, OutputGroup
from workplan.numbers import format_figure, format_percent
from workplan.periods import QUARTERS
from workplan.selectors import NO_VALUE

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


# The tags below write the report's other tables in one pass, as `activity_rows` does: each row in one
# format string, where the template engine resolved and filtered every cell apart. Their columns are those
# of the table heads in `reports/report.html` and `finance/_key_figures_report.html`.


@register.simple_tag
def budget_rows(rows: Iterable[tuple[str, BudgetFigures]]) -> SafeString:
    """(label, figures) rows: the label, then direct, Mgt support and total."""
    return mark_safe("\n".join(_budget_row(label, figures) for label, figures in rows))  # escaped in _budget_row


@register.simple_tag
def budget_output_groups(
    outputs: list[tuple[OutputGroup, list[tuple[str, BudgetFigures]], BudgetFigures]],
) -> SafeString:
    """A body per JP output (`BudgetSection.outputs`): its heading, a row per agency, its total."""
    html = []
    for group, agencies, total in outputs:
        total_label = _("Total %(output)s") % {"output": group.code} if group.code else _("Total Other")
        rows = [_budget_row(agency, figures) for agency, figures in agencies]
        html.append(
            f'<tbody>\n<tr class="group"><th colspan="4">{escape(group.heading)}</th></tr>\n'
            + "\n".join([*rows, _budget_row(total_label, total, row_class="total")])
            + "\n</tbody>"
        )
    return mark_safe("\n".join(html))  # escaped here and in _budget_row


def _budget_row(label: str, figures: BudgetFigures, *, row_class: str = "") -> str:
    opening = f'<tr class="{row_class}">' if row_class else "<tr>"
    return (
        f'{opening}<td>{escape(label)}</td><td class="num">{amount(figures.direct)}</td>'
        f'<td class="num">{amount(figures.indirect)}</td><td class="num">{amount(figures.total)}</td></tr>'
    )


@register.simple_tag
def category_rows(lines: list[tuple[str, Decimal, Decimal | None, Decimal | None]], not_stated: str) -> SafeString:
    """The budget lines against the TOTAL row as printed (`BudgetSection.category_lines`); the last is the Total."""
    not_stated_html = f'<span class="muted">{escape(not_stated)}</span>'
    html = []
    for position, (label, listed, stated, difference) in enumerate(lines, start=1):
        row_class = ' class="total"' if position == len(lines) else ""
        stated_html = not_stated_html if stated is None else amount(stated)
        html.append(
            f'<tr{row_class}><td>{escape(label)}</td><td class="num">{amount(listed)}</td>'
            f'<td class="num">{stated_html}</td>'
            f'<td class="num{" differs" if difference else ""}">{amount(difference)}</td></tr>'
        )
    return mark_safe("\n".join(html))  # every value is escaped or a formatted number


@register.simple_tag
def indicator_rows(rows: list[IndicatorRow]) -> SafeString:
    """The indicators of one outcome: code, statement, unit, baseline, target, value in the period, latest
    value, its period and date, percent of target, and the latest result's disaggregation."""
    html = []
    # Translated and written once for the table: the parts' labels, and each date (results share a few).
    part_labels = {part: escape(str(label)) for part, label in RESULT_PARTS}
    dates: dict[date, str] = {}
    for row in rows:
        baseline_year = f" ({row.baseline_year})" if row.baseline_year else ""
        target_year = f" ({row.target_year})" if row.target_year else ""
        latest = row.latest
        in_period_value = indicator_figure(row.in_period.value, row.unit) if row.in_period else ""
        if latest:
            latest_value = indicator_figure(latest.value, row.unit)
            if latest.as_of not in dates:
                dates[latest.as_of] = escape(date_format(latest.as_of, "SHORT_DATE_FORMAT"))
            latest_period = f"{escape(latest.period_label)} ({dates[latest.as_of]})"
            parts = ", ".join(f"{label} {number}" for label, number in latest.labelled_parts(part_labels))
        else:
            latest_value = latest_period = parts = ""
        percent = row.percent_of_target
        html.append(
            f"<tr><td>{escape(row.code)}</td><td>{escape(row.statement)}</td><td>{escape(row.unit_label)}</td>"
            f'<td class="num">{escape(indicator_figure(row.baseline, row.unit))}{baseline_year}</td>'
            f'<td class="num">{escape(indicator_figure(row.target, row.unit))}{target_year}</td>'
            f'<td class="num">{escape(in_period_value)}</td><td class="num">{escape(latest_value)}</td>'
            f'<td>{latest_period}</td><td class="num">{figure(percent)}</td><td>{parts}</td></tr>'
        )
    return mark_safe("\n".join(html))  # every value is escaped or a formatted number


@register.simple_tag
def spending_rows(rows: list[SpendingRow], other: str) -> SafeString:
    """Planned against spent, a row per JP output and agency (`finance.spending.work_plan_spending`);
    `other` names the activities outside any output."""
    html = []
    for row in rows:
        output = other if row.output == NO_OUTPUT_LABEL else row.output
        budget_use = format_percent(row.budget_use) if row.budget_use is not None else NO_VALUE
        html.append(
            f'<tr><td>{escape(output)} · {escape(row.agency)}</td><td class="num">{amount(row.planned)}</td>'
            f'<td class="num">{amount(row.quarter.committed)}</td><td class="num">{amount(row.quarter.disbursed)}</td>'
            f'<td class="num">{amount(row.year_to_date.committed)}</td>'
            f'<td class="num">{amount(row.year_to_date.disbursed)}</td><td class="num">{budget_use}</td></tr>'
        )
    return mark_safe("\n".join(html))  # every value is escaped or a formatted number
