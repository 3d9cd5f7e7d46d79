"""Reading a work plan workbook into an import plan: what would be created, changed or left
alone, with every problem of the file. Nothing here writes; `exchange.services` applies a
plan that has no problem."""

from django.conf import settings
from django.utils.translation import gettext as _

from exchange.import_plan import ImportPlan
from exchange.layout import WORK_PLAN_SHEET, normalise, spellings
from exchange.reading import Problem, UnreadableWorkbook, open_workbook
from exchange.workplan_sheet import SheetReader
from workplan.models import WorkPlan
from workplan.numbers import format_count


def plan_work_plan_import(*, work_plan: WorkPlan, data: bytes, user=None) -> ImportPlan:
    """Read the workbook and compare it with the work plan. `user` None means the command
    line, with every right; a focal point may only create or change their agency's rows."""
    plan = ImportPlan(work_plan=work_plan)
    try:
        workbook = open_workbook(data)
    except UnreadableWorkbook as error:
        plan.problems.append(error.problem)
        return plan
    try:
        _read_workbook(plan, workbook, user)
    finally:
        workbook.close()
    return plan


def _read_workbook(plan: ImportPlan, workbook, user) -> None:
    names = spellings(WORK_PLAN_SHEET)
    sheet_name = next((name for name in workbook.sheetnames if normalise(name) in names), None)
    if sheet_name is None:
        plan.problems.append(
            Problem(
                _('The workbook has no sheet "%(sheet)s" (it has: %(sheets)s).')
                % {"sheet": WORK_PLAN_SHEET, "sheets": ", ".join(workbook.sheetnames)}
            )
        )
        return
    sheet = workbook[sheet_name]
    # Some programs write a wrong size into the file; read to the real end instead.
    sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True)
    reader = SheetReader(plan, sheet_name, user)
    for number, values in enumerate(rows, start=1):
        if number > settings.WORKBOOK_MAX_ROWS:
            plan.problems.append(
                Problem(
                    _("The sheet has more than %(limit)s rows, the most accepted.")
                    % {"limit": format_count(settings.WORKBOOK_MAX_ROWS)},
                    sheet=sheet_name,
                    row=number,
                )
            )
            break
        if not reader.read_row(number, values):
            break
    reader.finish()
