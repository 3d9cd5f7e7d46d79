"""The programme's money rules. Every amount the app shows or writes goes through here."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BigIntegerField, Expression, ExpressionWrapper, F, Sum, Value
from django.db.models.functions import Cast, Round
from django.utils.formats import number_format
from django.utils.translation import gettext_noop

from workplan.numbers import groups_as_english

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# The indirect cost line as the programme's work plans name it: the key of machine-readable output
# (JSON, the TOTAL row as printed) in English; pages, workbooks and reports show gettext(MGT_SUPPORT).
MGT_SUPPORT = gettext_noop("Mgt support")


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


# What people type inside a number to group its digits ("1,234.50", "1 234.50"), spaces of every width
# included; the decimal separator is the point, as in the programme's documents.
GROUPING = str.maketrans("", "", " \u00a0\u2009\u202f,")


def parse_amount(text: str) -> Decimal:
    """An amount typed as text, thousands separators and spaces ignored: the one way pages, forms and
    workbooks read money from text. Raises InvalidOperation when it is not a number."""
    return Decimal(text.strip().translate(GROUPING))


def format_amount(amount: Decimal) -> str:
    """Two decimals, no thousands separator: for JSON and machine-readable output."""
    return f"{round_to_cent(amount):.2f}"


def format_money(amount: Decimal) -> str:
    """For people: to the cent, grouped with the separators of the language in use
    (1,234.50 in English)."""
    cents = round_to_cent(amount)
    if groups_as_english():
        return f"{cents or ZERO:,.2f}"  # number_format writes a negative zero as 0.00
    return number_format(cents, 2, use_l10n=True, force_grouping=True)


def indirect_cost_in_cents(direct_cents: Expression, rate: Decimal | Expression) -> Expression:
    """`indirect_cost` for the database, on an amount in whole cents: a query can then take the indirect
    cost per activity before it adds activities up. The rate has at most four decimals (as stored), so in
    ten-thousandths it is a whole number and rounding half-up to the cent is integer arithmetic, exact on
    every database: (cents x rate in ten-thousandths + 5,000) / 10,000, truncated (amounts are never
    negative). tests/test_key_figures.py checks it against `indirect_cost` to the cent."""
    whole_cents = Cast(direct_cents, BigIntegerField())
    if isinstance(rate, Decimal):
        # Known to the query: a whole number, so that the database groups by nothing more.
        ten_thousandths = Value(int(rate.scaleb(4).to_integral_exact()))
    else:
        ten_thousandths = Cast(Round(rate * 10000), BigIntegerField())
    return ExpressionWrapper(
        (whole_cents * ten_thousandths + Value(5000)) / Value(10000), output_field=BigIntegerField()
    )


def sum_in_cents(amount_field: str, **options) -> Sum:
    """The sum of an amount column in whole cents, added up as integers: exact on every database,
    where SQLite keeps decimals as binary floating point and a sum of thousands of them could drift.
    `options` go to `Sum` (`filter=`)."""
    return Sum(Cast(Round(F(amount_field) * 100), BigIntegerField()), **options)


def from_cents(cents: int | Decimal | None) -> Decimal:
    return Decimal(int(cents or 0)).scaleb(-2)
