"""Reading untrusted workbooks: the checks made before openpyxl opens a file, and the
lenient reading of what people type into cells."""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from budgets.money import CENT, round_to_cent
from exchange.layout import QUARTER_MARKS, normalise
from workplan.spreadsheet_safety import NOT_XLSX, RefusedUpload, check_upload_size, check_xlsx_archive

# Far above any budget line; keeps a typo such as "1e30" from reaching the database.
MAX_AMOUNT = Decimal("1000000000000")
# Excel keeps numbers as binary floats: 4234.56 typed there may be read back as 4234.559999999999. An
# amount within a millionth of a cent of a whole cent is that cent; anything further off (4234.555) has
# more than two decimals.
FLOAT_NOISE = Decimal("0.00000001")
# Spaces people type inside numbers ("1 234.50"), including non-breaking and thin ones.
NUMBER_SPACES = str.maketrans("", "", " \u00a0\u2009\u202f,")


@dataclass(frozen=True)
class Problem:
    """Something wrong with a file, located as precisely as it can be."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""

    def __str__(self) -> str:
        place = []
        if self.sheet:
            place.append(_('sheet "%(sheet)s"') % {"sheet": self.sheet})
        if self.row:
            place.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            place.append(_("column %(column)s") % {"column": self.column})
        if self.value:
            place.append(_("value “%(value)s”") % {"value": self.value})
        return f"{', '.join(place)}: {self.message}" if place else self.message


class UnreadableWorkbook(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def open_workbook(data: bytes) -> Workbook:
    """Open an uploaded .xlsx read-only, after checking its size and its archive.

    openpyxl parses XML through defusedxml (installed), which refuses entity expansion; the
    archive checks stop a small file that unpacks to gigabytes before anything is unpacked.
    """
    if not data:
        raise UnreadableWorkbook(Problem(_("The file is empty.")))
    try:
        check_upload_size(len(data))
        check_xlsx_archive(data)
    except RefusedUpload as refusal:
        raise UnreadableWorkbook(Problem(str(refusal))) from None
    try:
        return load_workbook(BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a damaged file; all mean the same to the user.
        raise UnreadableWorkbook(Problem(str(NOT_XLSX))) from None


def as_text(value) -> str:
    """Any cell as text without surrounding spaces; numbers as typed ("2", not "2.0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def shown(value) -> str:
    """A cell value as a problem message quotes it."""
    text = as_text(value)
    return text if len(text) <= 60 else text[:57] + "..."


def read_quarter(value) -> bool:
    """A planned quarter: "x", "X", a tick, "yes" or 1; empty for not planned. Raises ValueError."""
    if value is None or value is False:
        return False
    if value is True:
        return True
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = normalise(as_text(value))
    if text in ("", "0", "-"):
        return False
    if text in QUARTER_MARKS:
        return True
    raise ValueError(_('Mark a planned quarter with "x", or leave the cell empty.'))


def read_amount(value) -> Decimal | None:
    """An amount typed as a number or as text with thousands separators; None for an empty
    cell. Raises ValueError with a message for the user."""
    if value is None:
        return None
    if isinstance(value, bool | datetime | date | time):
        raise ValueError(_("Not an amount."))
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        # repr() gives the shortest text that reads back as the same float: what was typed.
        amount = Decimal(repr(value))
    elif isinstance(value, Decimal):
        amount = value
    else:
        text = str(value).strip()
        if text in ("", "-"):
            return None
        if text.startswith("="):
            raise ValueError(_("A formula: type the amount itself (or paste the cells as values)."))
        try:
            amount = Decimal(text.translate(NUMBER_SPACES))
        except InvalidOperation:
            raise ValueError(_("Not an amount: type a number such as 1,234.50.")) from None
    if not amount.is_finite():
        raise ValueError(_("Not an amount: type a number such as 1,234.50."))
    if amount < 0:
        raise ValueError(_("A budget amount cannot be negative."))
    if amount >= MAX_AMOUNT:
        raise ValueError(_("The amount is too large."))
    if abs(amount - amount.quantize(CENT)) > FLOAT_NOISE:
        raise ValueError(_("An amount has at most two decimals (cents)."))
    return round_to_cent(amount)
