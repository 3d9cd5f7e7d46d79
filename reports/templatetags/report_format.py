"""How the report writes its figures on the page; the workbook writes the same values as numbers.

Both filters write nothing for a missing value (None, or the empty string a template passes
for a lookup through a missing result)."""

from decimal import Decimal

from django import template

from outcomes.models import plain_number
from reports.charts import format_number

register = template.Library()


@register.filter
def amount(value: Decimal | None) -> str:
    """1234.5 as "1,234.50"."""
    return format_number(value) if isinstance(value, Decimal) else ""


@register.filter
def figure(value: Decimal | None) -> str:
    """An indicator value as people write it: 809.00 as "809", 18.50 as "18.5"."""
    return plain_number(value) if isinstance(value, Decimal) else ""
