"""The layout of the work plan workbook, shared by the export and the import so that what
one writes the other reads."""

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from budgets.money import MGT_SUPPORT
from workplan.numbers import format_percent

WORK_PLAN_SHEET = _("Work plan")
BUDGET_LINES_SHEET = _("Budget lines")
READ_ME_SHEET = _("Read me")
# Written only for a work plan whose budget was revised; never read on import.
REVISIONS_SHEET = _("Budget revisions")

OUTPUT_HEADER_PREFIX = _("JP Output")
OTHER_GROUP = _("Other")
TOTAL_ROW = _("TOTAL")
# Rows above the column headers: the title and the note on the indirect cost.
HEADER_ROW = 3


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int


# The fixed columns in the programme's own order; the category columns go between
# "Source of funds" and "Mgt support".
LEADING_COLUMNS = [
    Column("annual_target", _("Annual target"), 28),
    Column("code", _("Activity code"), 10),
    Column("title", _("Activity"), 48),
    Column("q1", _("Q1"), 4),
    Column("q2", _("Q2"), 4),
    Column("q3", _("Q3"), 4),
    Column("q4", _("Q4"), 4),
    Column("agency", _("UN agency"), 10),
    Column("partner", _("Responsible party"), 12),
    Column("source", _("Source of funds"), 10),
]
TRAILING_COLUMNS = [
    Column("mgt_support", _(MGT_SUPPORT), 13),
    Column("total", _("Total"), 14),
    Column("comments", _("Comments"), 48),
]
CATEGORY_WIDTH = 13
QUARTER_MARK = "x"
QUARTER_MARKS = {"x", "✓", "✔", "√", "yes", "y", "1", "true"}


def rate_as_percent(rate: Decimal) -> str:
    """0.07 as "7%", 0.075 as "7.5%"."""
    return format_percent(rate * 100)


def indirect_cost_note(rate: Decimal) -> str:
    return str(_("Budget including %(rate)s indirect costs") % {"rate": rate_as_percent(rate)})


def spellings(label) -> set[str]:
    """A label as it reads in each language of the app, normalised for matching: a workbook exported
    in English or in Khmer imports whatever the language of the person importing it."""
    found = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found.add(normalise(str(label)))
    return found


# Zero-width spaces: Khmer typists put them between words to let lines break; they are not part of a label.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"))


def normalise(text: str) -> str:
    """For matching: spaces collapsed, case folded, Unicode composed, invisible characters removed."""
    return " ".join(unicodedata.normalize("NFC", str(text)).translate(INVISIBLE).split()).casefold()
