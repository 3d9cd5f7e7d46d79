from django import template

from budgets.money import ZERO, format_money
from budgets.selectors import budget_figures, budget_line_changes_since
from workplan.permissions import can_edit_budget, can_plan_next_year

register = template.Library()
# How many budget line changes the activity page lists, newest first.
BUDGET_CHANGES_SHOWN = 30


@register.inclusion_tag("budgets/activity_budget_panel.html", takes_context=True)
def activity_budget_panel(context, activity):
    """An activity's budget lines with Mgt support and total, for pages of the work plan app."""
    lines = list(activity.budget_lines.select_related("category", "source").order_by("category__position"))
    rate = activity.work_plan.programme.indirect_cost_rate
    user = context["request"].user
    return {
        "activity": activity,
        "lines": lines,
        "figures": budget_figures(sum((line.amount for line in lines), ZERO), rate),
        "rate_percent": rate * 100,
        "changes": budget_line_changes_since(activity, since=None)[::-1][:BUDGET_CHANGES_SHOWN],
        "may_edit": can_edit_budget(user, activity),
    }


@register.filter
def money(amount) -> str:
    """An amount to the cent, as people read it in their language; nothing for no amount."""
    return "" if amount is None or amount == "" else format_money(amount)


@register.inclusion_tag("budgets/work_plan_links.html", takes_context=True)
def work_plan_budget_links(context, work_plan, years):
    """The work plan page's links to its budget revisions and, for coordinators, to planning the next year
    while there is none (`years`: the programme's work plan years)."""
    user = context["request"].user
    return {
        "work_plan": work_plan,
        "programme": work_plan.programme,
        "next_year": work_plan.year + 1,
        "may_plan_next_year": work_plan.year + 1 not in years and can_plan_next_year(user, work_plan.programme),
    }
