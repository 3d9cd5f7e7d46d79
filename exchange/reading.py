"""Reading untrusted workbooks: the checks made before a file is opened, the sheet read with
python-calamine, and the lenient reading of what people type into cells."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from budgets.money import CENT, parse_amount, round_to_cent
from exchange.layout import QUARTER_MARKS, normalise
from workplan.spreadsheet_contents import check_xlsx_upload
from workplan.spreadsheet_safety import NOT_XLSX, RefusedUpload, located

# Far above any budget line; keeps a typo such as "1e30" from reaching the database.
MAX_AMOUNT = Decimal("1000000000000")
# Excel keeps numbers as binary floats: 4234.56 typed there may be read back as 4234.559999999999. An
# amount within a millionth of a cent of a whole cent is that cent; anything further off (4234.555) has
# more than two decimals.
FLOAT_NOISE = Decimal("0.00000001")


@dataclass(frozen=True)
class Problem:
    """Something wrong with a file, located as precisely as it can be."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""

    def __str__(self) -> str:
        return located(self.message, sheet=self.sheet, row=self.row, column=self.column, value=self.value)


class UnreadableWorkbook(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Sheet:
    """The sheet an import reads, as values."""

    name: str | None  # None when the workbook has no such sheet
    workbook_sheets: list[str]
    # From row 1 and column A, every row as wide as the widest: empty cells None, a formula cell
    # its formula ("=SUM(K5:S5)"), numbers as float, dates as datetime, as openpyxl gives them.
    rows: list[list] = field(default_factory=list)


def read_sheet(data: bytes, *, choose_sheet: Callable[[list[str]], str | None]) -> Sheet:
    """Read the sheet `choose_sheet` picks from an uploaded .xlsx, after checking its size, its
    archive and what the sheet holds (workplan.spreadsheet_contents), with python-calamine.

    The checks stop a small file that unpacks to gigabytes, or to millions of cells, before
    anything is unpacked; calamine (Rust) then reads the sheet about twenty times faster than
    openpyxl, but gives a formula's last calculated value: the formulas come from the checks'
    pass over the same sheet.
    """
    if not data:
        raise UnreadableWorkbook(Problem(_("The file is empty.")))
    try:
        checked = check_xlsx_upload(data, choose_sheet=choose_sheet)
    except RefusedUpload as refusal:
        raise UnreadableWorkbook(
            Problem(refusal.message, sheet=refusal.sheet, row=refusal.row, column=refusal.column, value=refusal.value)
        ) from None
    sheet = Sheet(name=checked.sheet, workbook_sheets=checked.sheet_names)
    if checked.sheet is None:
        return sheet
    try:
        workbook = CalamineWorkbook.from_filelike(BytesIO(data))
        try:
            values = workbook.get_sheet_by_name(checked.sheet).to_python(skip_empty_area=False)
        finally:
            workbook.close()
    except Exception:  # calamine raises several kinds on a damaged file; all mean the same to the user.
        raise UnreadableWorkbook(Problem(str(NOT_XLSX))) from None
    sheet.rows = _as_openpyxl_reads(values, checked.formulas)
    return sheet


def _as_openpyxl_reads(rows: list[list], formulas: dict[tuple[int, int], str]) -> list[list]:
    """calamine's values as openpyxl read them before: None for an empty cell, a datetime for a
    date, each formula cell its formula (calamine leaves out a formula never calculated)."""
    rows = [[None if value == "" else value for value in row] for row in rows]
    width = len(rows[0]) if rows else 0
    for row in rows:
        for index, value in enumerate(row):
            if type(value) is date:
                row[index] = datetime.combine(value, time())
    for (number, column), formula in formulas.items():
        if column > width:
            for row in rows:
                row.extend([None] * (column - width))
            width = column
        while len(rows) < number:
            rows.append([None] * width)
        rows[number - 1][column - 1] = formula
    return rows


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
            amount = parse_amount(text)
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
