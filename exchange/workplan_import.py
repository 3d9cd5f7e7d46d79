"""Reading a work plan workbook into an import plan: what would be created, changed or left
alone, with every problem of the file. Nothing here writes; `exchange.services` applies a
plan that has no problem."""

from django.utils.translation import gettext as _

from exchange.import_plan import ImportPlan
from exchange.layout import WORK_PLAN_SHEET, normalise, spellings
from exchange.reading import Problem, UnreadableWorkbook, read_sheet
from exchange.workplan_sheet import SheetReader
from workplan.models import WorkPlan


def plan_work_plan_import(*, work_plan: WorkPlan, data: bytes, user=None) -> ImportPlan:
    """Read the workbook and compare it with the work plan. `user` None means the command
    line, with every right; a focal point may only create or change their agency's rows."""
    plan = ImportPlan(work_plan=work_plan)
    try:
        sheet = read_sheet(data, choose_sheet=work_plan_sheet)
    except UnreadableWorkbook as error:
        plan.problems.append(error.problem)
        return plan
    if sheet.name is None:
        plan.problems.append(
            Problem(
                _('The workbook has no sheet "%(sheet)s" (it has: %(sheets)s).')
                % {"sheet": WORK_PLAN_SHEET, "sheets": ", ".join(sheet.workbook_sheets)}
            )
        )
        return plan
    # No more rows than WORKBOOK_MAX_ROWS: the checks before reading refused any beyond.
    reader = SheetReader(plan, sheet.name, user)
    for number, values in enumerate(sheet.rows, start=1):
        if not reader.read_row(number, values):
            break
    reader.finish()
    return plan


def work_plan_sheet(names: list[str]) -> str | None:
    """The work plan sheet among a workbook's sheets, by any of its spellings."""
    spelled = spellings(WORK_PLAN_SHEET)
    return next((name for name in names if normalise(name) in spelled), None)
