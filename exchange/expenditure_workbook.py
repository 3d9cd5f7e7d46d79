"""The expenditure workbook of a work plan year: one row per activity and source of funds, its
planned direct budget, and what was committed and disbursed in each quarter, with a TOTAL row of
formulas. Agencies fill it in Excel and upload it back (`exchange.expenditure_import`)."""

from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from exchange.cells import print_landscape_fit_to_width
from exchange.layout import HEADER_ROW, TOTAL_ROW
from exchange.workplan_export import HEADER, NOTE, TEXT, TITLE, TOTAL, amount_cell, named_styles
from finance.selectors import ExpenditureRow
from workplan.models import WorkPlan
from workplan.periods import QUARTERS
from workplan.spreadsheet_safety import text_cell

EXPENDITURE_SHEET = gettext_lazy("Expenditure")
COMMITTED, DISBURSED = "committed", "disbursed"


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy translation, or a QuarterColumn: str() gives it in the active language
    width: int


@dataclass(frozen=True)
class QuarterColumn:
    """ "Q1 committed" ... "Q4 disbursed", in the active language."""

    quarter: int
    kind: str

    @property
    def key(self) -> str:
        return f"q{self.quarter}_{self.kind}"

    def __str__(self) -> str:
        label = _("Q%(quarter)s committed") if self.kind == COMMITTED else _("Q%(quarter)s disbursed")
        return label % {"quarter": self.quarter}


QUARTER_COLUMNS = [QuarterColumn(quarter, kind) for quarter in QUARTERS for kind in (COMMITTED, DISBURSED)]
COLUMNS = [
    Column("code", gettext_lazy("Activity code"), 10),
    Column("title", gettext_lazy("Activity"), 48),
    Column("agency", gettext_lazy("UN agency"), 10),
    Column("source", gettext_lazy("Source of funds"), 10),
    Column("planned", gettext_lazy("Planned (direct)"), 14),
    *(Column(column.key, column, 13) for column in QUARTER_COLUMNS),
]
FIRST_AMOUNT_COLUMN = 5  # "Planned (direct)", then the quarters


def export_expenditure(*, work_plan: WorkPlan, rows: list[ExpenditureRow], stream: BinaryIO) -> None:
    """Write the rows (`finance.selectors.expenditure_rows`) to a workbook. A quarter with nothing
    recorded is left empty; the import reads an empty cell as zero."""
    workbook = Workbook(write_only=True)
    for style in named_styles():
        workbook.add_named_style(style)
    sheet = workbook.create_sheet(str(EXPENDITURE_SHEET))
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"
    print_landscape_fit_to_width(sheet, header_row=HEADER_ROW)
    programme = work_plan.programme
    title = _("%(title)s: expenditure, work plan year %(year)s (%(currency)s)") % {
        "title": programme.title,
        "year": work_plan.year,
        "currency": programme.currency,
    }
    sheet.append([text_cell(sheet, title, TITLE)])
    note = _(
        "Direct amounts, without Mgt support. Committed: obligations raised, not yet paid; disbursed: paid. "
        "An empty cell is zero."
    )
    sheet.append([text_cell(sheet, note, NOTE)])
    sheet.append([text_cell(sheet, str(column.label), HEADER) for column in COLUMNS])
    for row in rows:
        activity = row.activity
        cells = [
            text_cell(sheet, activity.code, TEXT),
            text_cell(sheet, activity.title, TEXT),
            text_cell(sheet, activity.agency.code, TEXT),
            text_cell(sheet, row.source.code, TEXT),
            amount_cell(sheet, row.planned),
        ]
        for column in QUARTER_COLUMNS:
            record = row.recorded.get(column.quarter)
            cells.append(amount_cell(sheet, getattr(record, column.kind) if record else None))
        sheet.append(cells)
    first_data, last_data = HEADER_ROW + 1, HEADER_ROW + len(rows)
    totals = [text_cell(sheet, str(TOTAL_ROW), TOTAL)] + [None] * (FIRST_AMOUNT_COLUMN - 2)
    for index in range(FIRST_AMOUNT_COLUMN, len(COLUMNS) + 1):
        letter = get_column_letter(index)
        totals.append(amount_cell(sheet, f"=SUM({letter}{first_data}:{letter}{last_data})" if rows else 0, TOTAL))
    sheet.append(totals)
    workbook.save(stream)


def workbook_filename(work_plan: WorkPlan) -> str:
    return f"expenditure-{work_plan.programme.code}-year-{work_plan.year}.xlsx"
