"""The programme's money rules. Every amount the app shows or writes goes through here."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def round_to_cent(amount: Decimal) -> Decimal:
    """Round half-up to the cent, as the programme's budgets are printed."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be a Decimal, not {type(amount).__name__}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def indirect_cost(direct_total: Decimal, rate: Decimal) -> Decimal:
    """The "Mgt support" line: the programme's rate on an activity's direct lines.

    Computed per activity and rounded to the cent there; the indirect cost of a group of
    activities is the sum of theirs, so every printed total adds up.
    """
    if not isinstance(rate, Decimal):
        raise TypeError(f"the indirect cost rate must be a Decimal, not {type(rate).__name__}")
    return round_to_cent(direct_total * rate)


def format_amount(amount: Decimal) -> str:
    """Two decimals, no thousands separator: for JSON and machine-readable output."""
    return f"{round_to_cent(amount):.2f}"
