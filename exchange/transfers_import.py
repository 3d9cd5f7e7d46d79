"""Reading a workbook of transfers: the first sheet, a header row with the columns Date, Agency (code
or name), Amount and Voucher, in any case and any order (other columns ignored), and an optional
Year naming the work plan year a transfer funds. Every problem is collected, located by sheet, row,
column and value; `finance.services.record_transfers` records a file that has none."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from exchange.layout import normalise, spellings
from exchange.reading import Problem, UnreadableWorkbook, as_text, read_amount, read_sheet, shown
from finance.models import Transfer
from workplan.models import Agency, Programme, WorkPlan
from workplan.periods import year_bounds

COLUMN_LABELS = {
    "date": [gettext_lazy("Date")],
    "agency": [gettext_lazy("Agency"), gettext_lazy("UN agency")],
    "amount": [gettext_lazy("Amount")],
    "voucher": [gettext_lazy("Voucher")],
    "year": [gettext_lazy("Year")],
}
REQUIRED_KEYS = ["date", "agency", "amount"]
HEADER_SEARCH_ROWS = 20
DAY_FIRST_FORMATS = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")


@dataclass
class TransfersPlan:
    programme: Programme
    transfers: list[Transfer] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems


def plan_transfers_import(*, programme: Programme, data: bytes, year: int | None = None) -> TransfersPlan:
    """Read the transfers of the workbook's first sheet. A transfer funds the work plan year of its
    Year column, else `year`, else the work plan whose period contains its date."""
    plan = TransfersPlan(programme=programme)
    try:
        sheet = read_sheet(data, choose_sheet=lambda names: names[0] if names else None)
    except UnreadableWorkbook as error:
        plan.problems.append(error.problem)
        return plan
    work_plans = list(WorkPlan.objects.filter(programme=programme).order_by("year"))
    for work_plan in work_plans:
        work_plan.programme = programme
    reader = _Reader(plan, sheet.name or "", work_plans, year)
    for number, values in enumerate(sheet.rows, start=1):
        if reader.columns is None:
            if number > HEADER_SEARCH_ROWS:
                break
            reader.try_header(number, values)
        elif any(as_text(value) for value in values):
            reader.read_transfer(number, values)
    if reader.columns is None:
        plan.problems.append(
            Problem(_('No header row found: it needs the columns "Date", "Agency" and "Amount".'), sheet=sheet.name)
        )
    elif not plan.transfers and not plan.problems:
        plan.problems.append(Problem(_("The sheet lists no transfer."), sheet=sheet.name))
    return plan


class _Reader:
    def __init__(self, plan: TransfersPlan, sheet: str, work_plans: list[WorkPlan], year: int | None):
        self.plan, self.sheet, self.work_plans, self.year = plan, sheet, work_plans, year
        self.columns: dict[str, int] | None = None
        self.headers: dict[int, str] = {}
        participating = Agency.objects.filter(activities__work_plan__programme=plan.programme).distinct()
        self.agencies = {}
        for agency in participating:
            self.agencies.setdefault(normalise(agency.code), agency)
            self.agencies.setdefault(normalise(agency.name), agency)
        self.known_agencies = ", ".join(sorted({agency.code for agency in self.agencies.values()}))

    def problem(self, message, row: int, key: str | None = None, value=None) -> Problem:
        index = self.columns.get(key) if key and self.columns else None
        column = ""
        if index is not None:
            column = f"{get_column_letter(index + 1)} ({self.headers[index]})"
        return Problem(str(message), sheet=self.sheet, row=row, column=column, value=shown(value))

    def try_header(self, number: int, values: list) -> None:
        labels = {
            spelling: key for key, names in COLUMN_LABELS.items() for name in names for spelling in spellings(name)
        }
        found, headers = {}, {}
        for index, value in enumerate(values):
            key = labels.get(normalise(as_text(value)))
            if key is not None and key not in found:
                found[key] = index
                headers[index] = as_text(value)
        if all(key in found for key in REQUIRED_KEYS):
            self.columns, self.headers = found, headers

    def cell(self, values: list, key: str):
        index = self.columns.get(key)
        return values[index] if index is not None and index < len(values) else None

    def read_transfer(self, number: int, values: list) -> None:
        problems = self.plan.problems
        start = len(problems)
        day = self._date(number, self.cell(values, "date"))
        agency_text = as_text(self.cell(values, "agency"))
        agency = self.agencies.get(normalise(agency_text))
        if agency is None:
            problems.append(
                self.problem(
                    _("Unknown UN agency of this programme (known: %(codes)s).") % {"codes": self.known_agencies}
                    if agency_text
                    else _("The UN agency is empty."),
                    number,
                    "agency",
                    agency_text,
                )
            )
        value = self.cell(values, "amount")
        try:
            amount = read_amount(value)
        except ValueError as error:
            problems.append(self.problem(error, number, "amount", value))
        else:
            if not amount:
                problems.append(self.problem(_("A transfer must be more than zero."), number, "amount", value))
        work_plan = self._work_plan(number, values, day)
        voucher = as_text(self.cell(values, "voucher"))
        if len(voucher) > Transfer._meta.get_field("voucher").max_length:
            problems.append(self.problem(_("The voucher reference is too long."), number, "voucher", voucher))
        if len(problems) == start:
            self.plan.transfers.append(
                Transfer(work_plan=work_plan, agency=agency, date=day, amount=amount, voucher=voucher)
            )

    def _date(self, number: int, value) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        text = as_text(value)
        day = None
        if text:
            try:
                day = parse_date(text)
            except ValueError:
                day = None
            for pattern in DAY_FIRST_FORMATS:
                if day is None:
                    try:
                        day = datetime.strptime(text, pattern).date()
                    except ValueError:
                        continue
        if day is None:
            self.plan.problems.append(
                self.problem(
                    _("Not a date: type it as a date, such as 2008-10-15 or 15/10/2008.")
                    if text
                    else _("The date is empty."),
                    number,
                    "date",
                    text,
                )
            )
        return day

    def _work_plan(self, number: int, values: list, day: date | None) -> WorkPlan | None:
        """The tranche: the Year column, else the year asked for, else the year the date falls in."""
        year_text = as_text(self.cell(values, "year"))
        year = self.year
        if year_text:
            try:
                year = int(year_text)
            except ValueError:
                self.plan.problems.append(
                    self.problem(_("Not a work plan year: type its number, such as 1."), number, "year", year_text)
                )
                return None
        if year is not None:
            work_plan = next((plan for plan in self.work_plans if plan.year == year), None)
            if work_plan is None:
                self.plan.problems.append(
                    self.problem(
                        _("The programme has no work plan for year %(year)s.") % {"year": year},
                        number,
                        "year" if year_text else None,
                        year_text,
                    )
                )
            return work_plan
        if day is None:
            return None
        for work_plan in self.work_plans:
            start, end = year_bounds(work_plan)
            if start <= day <= end:
                return work_plan
        self.plan.problems.append(
            self.problem(
                _(
                    "No work plan year of the programme contains this date: name the year the transfer funds in a "
                    "Year column (or with --year)."
                ),
                number,
                "date",
                date_format(day, "DATE_FORMAT"),
            )
        )
        return None
