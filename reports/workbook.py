"""The progress report as an Excel workbook, one sheet per section, laid out like the
programme's own work plan: output header rows, totals rows, frozen headers, A4 landscape
fitted to the page width. It writes the figures of the same `QuarterlyReport` the page shows.

Text typed by users (titles, comments, narratives) is always written as a text cell: openpyxl
would otherwise store "=1+1" as a formula that Excel runs.
"""

from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from budgets.money import MGT_SUPPORT
from budgets.selectors import NO_OUTPUT_LABEL
from exchange.cells import AMOUNT_FORMAT, print_landscape_fit_to_width, wrapped_row_height
from outcomes.models import Indicator, indicator_value_text
from reports.selectors import QuarterlyReport
from workplan.numbers import format_count
from workplan.periods import QUARTERS
from workplan.spreadsheet_safety import set_text

FIGURE_FORMAT = "General"
HEADER_ROW = 4  # below the title, the period and an empty row

_thin = Side(style="thin", color="D5DBE1")


def _named_styles() -> list[NamedStyle]:
    """Fresh for each workbook: openpyxl binds a named style to the workbook it is added to."""
    return [
        NamedStyle("report-title", font=Font(bold=True, size=14)),
        NamedStyle("report-subtitle"),
        NamedStyle(
            "report-header",
            font=Font(bold=True, color="FFFFFF"),
            fill=PatternFill("solid", fgColor="0A5A9C"),
            alignment=Alignment(wrap_text=True, vertical="center"),
        ),
        NamedStyle(
            "report-group", font=Font(bold=True), fill=PatternFill("solid", fgColor="E8EEF4"), alignment=Alignment()
        ),
        NamedStyle("report-text", alignment=Alignment(wrap_text=True, vertical="top"), border=Border(bottom=_thin)),
        NamedStyle(
            "report-amount",
            number_format=AMOUNT_FORMAT,
            alignment=Alignment(vertical="top"),
            border=Border(bottom=_thin),
        ),
        NamedStyle(
            "report-figure",
            number_format=FIGURE_FORMAT,
            alignment=Alignment(vertical="top"),
            border=Border(bottom=_thin),
        ),
        NamedStyle(
            "report-total", font=Font(bold=True), border=Border(top=Side(style="medium")), alignment=Alignment()
        ),
        NamedStyle(
            "report-total-amount",
            font=Font(bold=True),
            number_format=AMOUNT_FORMAT,
            border=Border(top=Side(style="medium")),
        ),
    ]


def workbook_filename(report: QuarterlyReport) -> str:
    period = report.period
    scope = f"ytd-q{period.quarter}" if period.year_to_date else f"q{period.quarter}"
    return f"progress-report-{report.work_plan.programme.code}-year{period.year}-{scope}.xlsx"


def workbook_bytes(report: QuarterlyReport, *, approval_note: str = "") -> bytes:
    stream = BytesIO()
    build_workbook(report, approval_note=approval_note).save(stream)
    return stream.getvalue()


def build_workbook(report: QuarterlyReport, *, approval_note: str = "") -> Workbook:
    """`approval_note` (who approved the report, when) goes on each sheet's third row."""
    workbook = Workbook()
    for style in _named_styles():
        workbook.add_named_style(style)
    workbook.remove(workbook.active)
    _activities_sheet(workbook.create_sheet(_("Activities")), report)
    _budget_sheet(workbook.create_sheet(_("Budget")), report)
    _indicators_sheet(workbook.create_sheet(_("Indicators")), report)
    if report.spending is not None:
        _spending_sheet(workbook.create_sheet(_("Planned and spent")), report)
    if approval_note:
        for sheet in workbook.worksheets:
            set_text(sheet.cell(row=HEADER_ROW - 1, column=1), approval_note)
    return workbook


class _Sheet:
    """Appends rows to a worksheet, each cell with one of the named styles above."""

    def __init__(self, sheet: Worksheet, report: QuarterlyReport, title: str, widths: Sequence[int]):
        self.sheet = sheet
        self.row = 1
        self.widths = list(widths)
        self.columns = len(widths)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        programme = report.work_plan.programme
        self.write([f"{title}: {programme.title} ({programme.code})"], style="report-title")
        self.write(
            [
                _("%(period)s: %(start)s to %(end)s. Amounts in %(currency)s.")
                % {
                    "period": report.period.label,
                    "start": date_format(report.period.start, "SHORT_DATE_FORMAT"),
                    "end": date_format(report.period.end, "SHORT_DATE_FORMAT"),
                    "currency": report.currency,
                }
            ],
            style="report-subtitle",
        )
        self.row = HEADER_ROW
        print_landscape_fit_to_width(sheet, header_row=HEADER_ROW)

    def header(self, labels: Sequence[str], *, freeze: str | None = None) -> None:
        self.write(labels, style="report-header")
        if freeze:
            self.sheet.freeze_panes = freeze

    def group(self, heading: str) -> None:
        self.write([heading, *[""] * (self.columns - 1)], style="report-group")

    def write(self, values: Sequence[object], *, style: str = "report-text", amounts: Sequence[int] = ()) -> None:
        """One row. Text goes into text cells whatever it starts with; Decimals and ints stay numbers;
        the columns numbered in `amounts` (from 0) get the amount format, other numbers the figure one."""
        number_style = {"report-total": "report-total-amount"}.get(style, "report-amount")
        if style in ("report-text", "report-header"):  # the wrapped styles
            texts = [
                (value, width) for value, width in zip(values, self.widths, strict=False) if isinstance(value, str)
            ]
            self.sheet.row_dimensions[self.row].height = wrapped_row_height(texts)
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=self.row, column=column)
            if isinstance(value, str):
                set_text(cell, value)
            else:
                cell.value = value
            if isinstance(value, Decimal | int):
                cell.style = number_style if column - 1 in amounts else _figure_style(style)
            else:
                cell.style = style
        self.row += 1

    def skip(self) -> None:
        self.row += 1


def _figure_style(style: str) -> str:
    return "report-total" if style == "report-total" else "report-figure"


def _activities_sheet(sheet: Worksheet, report: QuarterlyReport) -> None:
    out = _Sheet(sheet, report, _("Activities"), [10, 60, 10, 14, 5, 5, 5, 5, 12, 8, 70])
    comment_label = _("State of implementation (Q%(quarter)s)") % {"quarter": report.period.quarter}
    out.header(
        [
            _("Code"),
            _("Activity"),
            _("UN agency"),
            _("Responsible party"),
            "Q1",
            "Q2",
            "Q3",
            "Q4",
            _("Status"),
            _("Late"),
            comment_label,
        ],
        freeze=f"C{HEADER_ROW + 1}",
    )
    late_label, none_given = _("Late"), _("None given")
    for group, rows in report.activities.groups:
        out.group(group.heading)
        for row in rows:
            comment = row.comment if row.comment else none_given
            if row.comment and row.comment_quarter != report.period.quarter:
                comment = f"(Q{row.comment_quarter}) {row.comment}"
            out.write(
                [
                    row.code,
                    row.title,
                    row.agency,
                    row.responsible_party,
                    *["x" if q in row.planned_quarters else "" for q in QUARTERS],
                    row.status_label,
                    late_label if row.late else "",
                    comment,
                ]
            )
    out.write(
        [
            _("Total"),
            _("%(listed)s activities listed, %(late)s late")
            % {"listed": format_count(len(report.activities.rows)), "late": format_count(report.activities.late_count)},
        ],
        style="report-total",
    )


def _budget_sheet(sheet: Worksheet, report: QuarterlyReport) -> None:
    section = report.budget
    out = _Sheet(sheet, report, _("Budget"), [50, 18, 18, 18])
    money = (1, 2, 3)
    out.header([_("JP output and UN agency"), _("Direct"), _(MGT_SUPPORT), _("Total")], freeze=f"B{HEADER_ROW + 1}")
    for group, agencies, total in section.outputs:
        out.group(group.heading)
        for agency, figures in agencies:
            out.write([agency, figures.direct, figures.indirect, figures.total], amounts=money)
        out.write(
            [_("Total %(output)s") % {"output": group.code or _("Other")}, total.direct, total.indirect, total.total],
            style="report-total",
            amounts=money,
        )
    listed = section.budget.listed
    out.write(
        [_("Total of the listed activities"), listed.direct, listed.indirect, listed.total],
        style="report-total",
        amounts=money,
    )

    out.skip()
    out.header([_("Budget line"), _("Listed activities"), _("Stated on the plan"), _("Difference (stated - listed)")])
    for label, listed_amount, stated, difference in section.category_lines:
        out.write([label, listed_amount, stated, difference], amounts=money)

    out.skip()
    out.header([_("UN agency"), _("Direct"), _(MGT_SUPPORT), _("Total")])
    for agency, figures in section.budget.by_agency.items():
        out.write([agency, figures.direct, figures.indirect, figures.total], amounts=money)
    out.write([_("Total"), listed.direct, listed.indirect, listed.total], style="report-total", amounts=money)


def _spending_sheet(sheet: Worksheet, report: QuarterlyReport) -> None:
    """The page's "Planned and spent" table: the quarter's and the year to date's figures."""
    spending = report.spending
    out = _Sheet(sheet, report, _("Planned and spent"), [30, 16, 16, 16, 16, 16, 12])
    if spending.illustrative:
        out.write([_("Illustrative figures, not from the programme's sources")], style="report-total")
    quarter = {"quarter": spending.quarter}
    out.header(
        [
            _("JP output and UN agency"),
            _("Planned"),
            _("Q%(quarter)s committed") % quarter,
            _("Q%(quarter)s disbursed") % quarter,
            _("Committed, year to date"),
            _("Disbursed, year to date"),
            # xgettext:no-python-format
            _("Budget use (%)"),
        ],
        freeze=f"B{out.row + 1}",
    )

    def figures(row):
        return [
            row.planned,
            row.quarter.committed,
            row.quarter.disbursed,
            row.year_to_date.committed,
            row.year_to_date.disbursed,
            row.budget_use,
        ]

    money = (1, 2, 3, 4, 5)
    for row in spending.rows:
        output = _("Other") if row.output == NO_OUTPUT_LABEL else row.output
        out.write([f"{output} · {row.agency}", *figures(row)], amounts=money)
    out.write([_("Total"), *figures(spending.total)], style="report-total", amounts=money)


def _indicators_sheet(sheet: Worksheet, report: QuarterlyReport) -> None:
    out = _Sheet(sheet, report, _("Indicators"), [9, 50, 10, 10, 9, 10, 9, 12, 12, 24, 11, 9, 9, 11, 13])
    out.header(
        [
            _("Code"),
            _("Indicator"),
            _("Unit"),
            _("Baseline"),
            _("Baseline year"),
            _("Target"),
            _("Target year"),
            _("Value in the period"),
            _("Latest value"),
            _("Latest period"),
            # xgettext:no-python-format
            _("% of target"),
            _("Women"),
            _("Men"),
            _("Indigenous"),
            _("Non-indigenous"),
        ],
        freeze=f"C{HEADER_ROW + 1}",
    )
    for heading, rows in report.indicators:
        out.group(heading)
        for row in rows:
            latest = row.latest
            out.write(
                [
                    row.code,
                    row.statement,
                    row.unit_label,
                    _indicator_cell(row.baseline, row.unit),
                    row.baseline_year,
                    _indicator_cell(row.target, row.unit),
                    row.target_year,
                    _indicator_cell(row.in_period.value if row.in_period else None, row.unit),
                    _indicator_cell(latest.value if latest else None, row.unit),
                    f"{latest.period_label} ({date_format(latest.as_of, 'SHORT_DATE_FORMAT')})" if latest else "",
                    row.percent_of_target,
                    *((latest.women, latest.men, latest.indigenous, latest.non_indigenous) if latest else (None,) * 4),
                ]
            )


def _indicator_cell(value: Decimal | None, unit: str) -> Decimal | str | None:
    """A yes/no indicator's value as "Yes" or "No", as on the page; other values stay numbers."""
    if unit == Indicator.Unit.YES_NO and value is not None:
        return indicator_value_text(value, unit)
    return value
