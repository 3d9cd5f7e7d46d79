"""Numbers as people read them, in the format of the language in use (Django's formats, with
ours in `cisp/formats/`). Money goes through `budgets.money.format_money`; counts, indicator
figures and percentages through here, so a page, a chart, a report and a message write a
number the same way. Machine-readable output (JSON, data attributes) uses none of this."""

from decimal import Decimal
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language


def groups_as_english() -> bool:
    """Whether the language in use writes numbers as English does (1,234.5): then Python's own grouping
    writes the same text as Django's `number_format`, several times faster, which matters on pages of
    hundreds of numbers. Every language of the app does (cisp/formats)."""
    return _groups_as_english(get_language())


@lru_cache
def _groups_as_english(language: str | None) -> bool:
    # Read once per language: the formats do not change while the app runs, only in tests that change them.
    return (get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR"), get_format("NUMBER_GROUPING")) == (
        ".",
        ",",
        3,
    )


@receiver(setting_changed)
def _forget_formats(**kwargs) -> None:
    _groups_as_english.cache_clear()


def format_count(value: int) -> str:
    """5000 as "5,000"."""
    if groups_as_english():
        return f"{value:,}"
    return number_format(value, use_l10n=True, force_grouping=True)


def format_figure(value: Decimal | int) -> str:
    """A figure as people write it, with no trailing zeros: 809.00 as "809", 18.50 as "18.5",
    12000 as "12,000"."""
    value = Decimal(value)
    decimals = max(-value.normalize().as_tuple().exponent, 0)
    if groups_as_english():
        return f"{value or 0:,.{decimals}f}"  # number_format writes a negative zero as 0
    return number_format(value, decimals, use_l10n=True, force_grouping=True)


def format_percent(value: Decimal | int) -> str:
    """45.50 as "45.5%"."""
    return f"{format_figure(value)}%"
