"""Counts, figures and percentages in templates, through `workplan.numbers` (amounts: the `money`
filter of `budget_tags`). Each writes nothing for no value, so `|default` can follow."""

from decimal import Decimal

from django import template

from workplan.numbers import format_count, format_figure, format_percent

register = template.Library()


def _given(value) -> bool:
    return value is not None and value != ""


@register.filter
def count(value) -> str:
    return format_count(int(value)) if _given(value) else ""


@register.filter
def figure(value) -> str:
    return format_figure(Decimal(value)) if _given(value) else ""


@register.filter
def percent(value) -> str:
    return format_percent(Decimal(value)) if _given(value) else ""
