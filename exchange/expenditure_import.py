"""Reading an expenditure workbook (`exchange.expenditure_workbook`) into an import plan: each row's
quarterly figures, what they would change, and every problem of the file, located by sheet, row,
column and value. Nothing here writes: `finance.services.record_expenditure` applies a plan that
has no problem."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from budgets.models import FundingSource
from budgets.money import ZERO
from exchange.expenditure_workbook import COLUMNS, EXPENDITURE_SHEET, QUARTER_COLUMNS, QuarterColumn
from exchange.import_plan import shown_value
from exchange.layout import TOTAL_ROW, normalise, spellings
from exchange.reading import Problem, UnreadableWorkbook, as_text, read_amount, read_sheet, shown
from finance.selectors import ExpenditureRow, expenditure_rows
from finance.services import QuarterFigures
from workplan.models import Activity, Agency, WorkPlan
from workplan.permissions import expenditure_agencies

REQUIRED_KEYS = ["code", *(column.key for column in QUARTER_COLUMNS)]
HEADER_SEARCH_ROWS = 20


@dataclass
class PlannedExpenditure:
    """One row of the file: an activity, a source of funds, and its figures for each quarter."""

    row: int
    activity: Activity
    source: FundingSource
    figures: dict[int, tuple[Decimal, Decimal]]  # quarter -> (committed, disbursed)
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (column, now, after)

    @property
    def label(self) -> str:
        return str(self.activity)


@dataclass
class ExpenditurePlan:
    work_plan: WorkPlan
    rows: list[PlannedExpenditure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> list[PlannedExpenditure]:
        return [planned for planned in self.rows if planned.changes]

    def figures(self) -> list[QuarterFigures]:
        return [
            QuarterFigures(
                activity=planned.activity,
                source=planned.source,
                quarter=quarter,
                committed=committed,
                disbursed=disbursed,
            )
            for planned in self.rows
            for quarter, (committed, disbursed) in planned.figures.items()
        ]

    def seen_versions(self) -> dict[int, int]:
        return {planned.activity.pk: planned.activity.version for planned in self.rows}


def expenditure_sheet(names: list[str]) -> str | None:
    spelled = spellings(EXPENDITURE_SHEET)
    return next((name for name in names if normalise(name) in spelled), None)


def plan_expenditure_import(*, work_plan: WorkPlan, data: bytes, user=None) -> ExpenditurePlan:
    """Read the workbook and compare it with the expenditure recorded for the work plan year.
    `user` None means the command line, with every right; a focal point may only enter their
    agency's rows, and any other row is refused."""
    plan = ExpenditurePlan(work_plan=work_plan)
    try:
        sheet = read_sheet(data, choose_sheet=expenditure_sheet)
    except UnreadableWorkbook as error:
        plan.problems.append(error.problem)
        return plan
    if sheet.name is None:
        plan.problems.append(
            Problem(
                _('The workbook has no sheet "%(sheet)s" (it has: %(sheets)s).')
                % {"sheet": EXPENDITURE_SHEET, "sheets": ", ".join(sheet.workbook_sheets)}
            )
        )
        return plan
    reader = _SheetReader(plan, sheet.name, expenditure_agencies(user, work_plan.programme))
    for number, values in enumerate(sheet.rows, start=1):
        if not reader.read_row(number, values):
            break
    if reader.columns is None and not plan.problems:
        plan.problems.append(Problem(_('No header row found: it needs at least "Activity code".'), sheet=sheet.name))
    plan.problems.sort(key=lambda problem: problem.row or 0)
    return plan


class _SheetReader:
    def __init__(self, plan: ExpenditurePlan, sheet: str, restricted_to: set[int] | None):
        self.plan, self.sheet, self.restricted_to = plan, sheet, restricted_to
        self.columns: dict[str, int] | None = None  # key -> index in the row
        self.headers: dict[int, str] = {}
        existing = expenditure_rows(plan.work_plan)
        self.recorded: dict[tuple[int, int], ExpenditureRow] = {(r.activity.pk, r.source.pk): r for r in existing}
        self.sources_of: dict[int, list[FundingSource]] = {}
        self.by_code: dict[str, Activity] = {}
        self.by_title: dict[str, Activity] = {}
        for row in existing:
            activity = row.activity
            self.sources_of.setdefault(activity.pk, []).append(row.source)
            if activity.code:
                self.by_code[activity.code] = activity
            else:
                self.by_title[activity.title] = activity
        self.sources = {}
        for source in FundingSource.objects.all():
            self.sources.setdefault(normalise(source.code), source)
            self.sources.setdefault(normalise(source.name), source)
        self.allowed_codes = (
            None
            if restricted_to is None
            else ", ".join(Agency.objects.filter(pk__in=restricted_to).order_by("code").values_list("code", flat=True))
        )
        self.total_labels = spellings(TOTAL_ROW)
        self.seen: dict[tuple[int, int], int] = {}  # (activity, source) -> the row it is on

    def problem(self, message, row=None, key=None, value=None, index=None) -> Problem:
        if key and self.columns:
            index = self.columns.get(key)
        return Problem(str(message), sheet=self.sheet, row=row, column=self.column_name(index), value=shown(value))

    def column_name(self, index: int | None) -> str:
        if index is None:
            return ""
        header = self.headers.get(index)
        letter = get_column_letter(index + 1)
        return f"{letter} ({header})" if header else letter

    def cell(self, cells: list, key: str):
        index = self.columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def read_row(self, number: int, values: list) -> bool:
        """Read one row; False once the TOTAL row (or a missing header) ends the reading."""
        if self.columns is None:
            if number > HEADER_SEARCH_ROWS:
                return False
            self._try_header(number, values)
            return True
        if not any(as_text(value) for value in values):
            return True
        if values and normalise(as_text(values[0])) in self.total_labels:
            return False
        self._read_expenditure(number, values)
        return True

    def _try_header(self, number: int, values: list) -> None:
        texts = [normalise(as_text(value)) for value in values]
        labels = {}
        for column in COLUMNS:
            for spelling in spellings(column.label):
                labels[spelling] = column.key
        if not any(labels.get(text) == "code" for text in texts):
            return
        self.columns = {}
        for index, text in enumerate(texts):
            if not text:
                continue
            self.headers[index] = as_text(values[index])
            key = labels.get(text)
            if key is None:
                self.plan.warnings.append(
                    self.problem(_("Unknown column, ignored."), number, value=values[index], index=index)
                )
            elif key in self.columns:
                self.plan.problems.append(
                    self.problem(_("This column appears twice."), number, value=values[index], index=index)
                )
            else:
                self.columns[key] = index
        names = {column.key: str(column.label) for column in COLUMNS}
        for key in REQUIRED_KEYS:
            if key not in self.columns:
                self.plan.problems.append(
                    self.problem(_('The required column "%(column)s" is missing.') % {"column": names[key]}, number)
                )

    def _read_expenditure(self, number: int, cells: list) -> None:
        problems = self.plan.problems
        start = len(problems)
        code = as_text(self.cell(cells, "code"))
        title = as_text(self.cell(cells, "title"))
        activity = self.by_code.get(code) if code else self.by_title.get(title)
        if activity is None:
            problems.append(
                self.problem(
                    _("No activity of work plan year %(year)s has this code.") % {"year": self.plan.work_plan.year}
                    if code
                    else _("The activity code is empty, and no activity without a code has this title."),
                    number,
                    "code" if code else "title",
                    code or title,
                )
            )
            return
        if self.restricted_to is not None and activity.agency_id not in self.restricted_to:
            problems.append(
                self.problem(
                    _("This is an activity of %(agency)s: you may enter only the expenditure of %(allowed)s.")
                    % {"agency": activity.agency.code, "allowed": self.allowed_codes},
                    number,
                    "agency" if "agency" in self.columns else "code",
                    self.cell(cells, "agency") if "agency" in self.columns else code,
                )
            )
            return
        source = self._source(number, cells, activity)
        figures = {}
        for column in QUARTER_COLUMNS:
            value = self.cell(cells, column.key)
            try:
                amount = read_amount(value)
            except ValueError as error:
                problems.append(self.problem(error, number, column.key, value))
                continue
            figures.setdefault(column.quarter, {})[column.kind] = amount or ZERO
        if source is not None:
            earlier = self.seen.setdefault((activity.pk, source.pk), number)
            if earlier != number:
                problems.append(
                    self.problem(
                        _("This activity and source of funds are also on row %(row)s.") % {"row": earlier},
                        number,
                        "code",
                        code or title,
                    )
                )
        if len(problems) > start:
            return
        planned = PlannedExpenditure(
            row=number,
            activity=activity,
            source=source,
            figures={quarter: (kinds["committed"], kinds["disbursed"]) for quarter, kinds in figures.items()},
        )
        self._compare(planned)
        self.plan.rows.append(planned)

    def _source(self, number: int, cells: list, activity: Activity) -> FundingSource | None:
        text = as_text(self.cell(cells, "source"))
        if text:
            source = self.sources.get(normalise(text))
            if source is None:
                known = ", ".join(sorted({source.code for source in self.sources.values()}))
                self.plan.problems.append(
                    self.problem(
                        _("Unknown source of funds (known: %(codes)s).") % {"codes": known}, number, "source", text
                    )
                )
            return source
        sources = self.sources_of.get(activity.pk, [])
        if len(sources) == 1:
            return sources[0]
        self.plan.problems.append(
            self.problem(
                _("This activity is funded from several sources: name the source of funds of the row."),
                number,
                "source",
            )
        )
        return None

    def _compare(self, planned: PlannedExpenditure) -> None:
        recorded = self.recorded.get((planned.activity.pk, planned.source.pk))
        for column in QUARTER_COLUMNS:
            committed, disbursed = planned.figures[column.quarter]
            after = committed if column.kind == "committed" else disbursed
            before = getattr(recorded, column.kind)(column.quarter) if recorded else ZERO
            if before != after:
                planned.changes.append((self._label(column), shown_value(before), shown_value(after)))

    def _label(self, column: QuarterColumn) -> str:
        return self.headers.get(self.columns[column.key]) or str(column)
