from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from budgets.templatetags.budget_tags import money
from finance.key_figures import KeyFigures
from workplan.permissions import can_enter_expenditure
from workplan.selectors import NO_VALUE
from workplan.templatetags.numbers import percent

register = template.Library()


@register.filter
def may_enter_expenditure(user, activity) -> bool:
    return can_enter_expenditure(user, activity)


@register.simple_tag
def key_figure_cells(values: KeyFigures, with_transfers: bool) -> SafeString:
    """One row's cells of a table of key figures, each labelled for narrow screens."""
    return mark_safe(_cells(values, _labels(with_transfers), with_transfers))  # escaped in _cells


@register.simple_tag
def key_figure_table_rows(rows: dict[str, KeyFigures], total: KeyFigures | None, with_transfers: bool) -> SafeString:
    """The body of a table of key figures: a row per group (agency or output), then the total row. Written
    in one pass, the labels translated once for every row, not by a template per row."""
    labels = _labels(with_transfers)
    html = [
        f'<tr><th scope="row">{escape(code)}</th>{_cells(values, labels, with_transfers)}</tr>'
        for code, values in rows.items()
    ]
    if total:
        html.append(
            f'<tr class="total"><th scope="row">{escape(_("Total"))}</th>{_cells(total, labels, with_transfers)}</tr>'
        )
    return mark_safe("\n".join(html))  # escaped here and in _cells


def _labels(with_transfers: bool) -> list[str]:
    """Each cell's label, which narrow screens show beside its figure (the columns of `_key_figures_table.html`)."""
    labels = [_("Approved")]
    if with_transfers:
        labels.append(_("Transferred"))
    labels += [_("Committed"), _("Disbursed")]
    if with_transfers:
        labels.append(_("Delivery rate"))
    labels.append(_("Budget use"))
    return [escape(label) for label in labels]


def _cells(values: KeyFigures, escaped_labels: list[str], with_transfers: bool) -> str:
    figures = [money(values.approved)]
    if with_transfers:
        figures.append(money(values.transferred))
    figures += [money(values.committed), money(values.disbursed)]
    if with_transfers:
        figures.append(percent(values.delivery_rate) or NO_VALUE)
    figures.append(percent(values.budget_use) or NO_VALUE)
    return "".join(
        f'<td class="num" data-label="{label}">{escape(figure)}</td>'
        for label, figure in zip(escaped_labels, figures, strict=True)
    )
