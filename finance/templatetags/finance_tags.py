from django import template

from workplan.permissions import can_enter_expenditure

register = template.Library()


@register.filter
def may_enter_expenditure(user, activity) -> bool:
    return can_enter_expenditure(user, activity)
