"""Numbers as people read them, in the format of the language in use (Django's formats, with
ours in `cisp/formats/`). Money goes through `budgets.money.format_money`; counts, indicator
figures and percentages through here, so a page, a chart, a report and a message write a
number the same way. Machine-readable output (JSON, data attributes) uses none of this."""

from decimal import Decimal

from django.utils.formats import number_format


def format_count(value: int) -> str:
    """5000 as "5,000"."""
    return number_format(value, use_l10n=True, force_grouping=True)


def format_figure(value: Decimal | int) -> str:
    """A figure as people write it, with no trailing zeros: 809.00 as "809", 18.50 as "18.5",
    12000 as "12,000"."""
    value = Decimal(value)
    decimals = max(-value.normalize().as_tuple().exponent, 0)
    return number_format(value, decimals, use_l10n=True, force_grouping=True)


def format_percent(value: Decimal | int) -> str:
    """45.50 as "45.5%"."""
    return f"{format_figure(value)}%"
