"""An indicator's values in templates: a filter rather than an included template per value, which cost a
list of indicators most of its time."""

from django import template
from django.utils.translation import gettext

from outcomes.models import Indicator
from workplan.templatetags.numbers import figure, percent

register = template.Library()


@register.filter
def indicator_value(value, indicator: Indicator) -> str:
    """A baseline, target or result of the indicator: "Yes" or "No" for a yes/no indicator (stored as 1
    and 0), a percentage for a percent one, else the number as people write it."""
    if indicator.unit == Indicator.Unit.YES_NO:
        return gettext("Yes") if value else gettext("No")
    if indicator.unit == Indicator.Unit.PERCENT:
        return percent(value)
    return figure(value)
