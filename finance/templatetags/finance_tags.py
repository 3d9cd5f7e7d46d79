from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
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
    """One row's cells of a table of key figures, each labelled for narrow screens: written in one
    pass, not by a template per row."""
    cells = [(_("Approved"), money(values.approved))]
    if with_transfers:
        cells.append((_("Transferred"), money(values.transferred)))
    cells += [(_("Committed"), money(values.committed)), (_("Disbursed"), money(values.disbursed))]
    if with_transfers:
        cells.append((_("Delivery rate"), percent(values.delivery_rate) or NO_VALUE))
    cells.append((_("Budget use"), percent(values.budget_use) or NO_VALUE))
    return format_html_join("", '<td class="num" data-label="{}">{}</td>', cells)
