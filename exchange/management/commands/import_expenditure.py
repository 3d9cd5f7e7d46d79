from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from exchange.expenditure_import import plan_expenditure_import
from finance.services import record_expenditure
from workplan.change_reasons import ChangeReason, change_reason
from workplan.management.work_plan_argument import (
    add_work_plan_arguments,
    author_from_option,
    read_workbook,
    work_plan_from_options,
)
from workplan.permissions import expenditure_agencies
from workplan.reporting import PeriodLocked


class Command(BaseCommand):
    help = (
        "Import a work plan year's expenditure workbook (the layout export_expenditure writes). Each row's "
        "figures replace those recorded for its activity and source of funds; an empty cell is zero. All or "
        "nothing: every problem of the file is listed and nothing is written unless there is none."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .xlsx file to read.")
        add_work_plan_arguments(parser)
        parser.add_argument("--dry-run", action="store_true", help="Check and show the changes; write nothing.")
        parser.add_argument(
            "--user", help="Username recorded as the reporter (a focal point: then only their agency's rows)."
        )

    def handle(self, *args, path: str, dry_run: bool, user: str | None, **options):
        work_plan = work_plan_from_options(options)
        author = author_from_option(
            user,
            may=lambda person: expenditure_agencies(person, work_plan.programme) != set(),
            refusal=_("%(user)s may not enter expenditure."),
        )
        data = read_workbook(path)

        plan = plan_expenditure_import(work_plan=work_plan, data=data, user=author)
        for warning in plan.warnings:
            self.stderr.write(self.style.WARNING(_("Warning: %(warning)s") % {"warning": warning}))
        if not plan.is_valid:
            for problem in plan.problems:
                self.stderr.write(str(problem))
            raise CommandError(_("%(count)s problem(s) found; nothing was imported.") % {"count": len(plan.problems)})
        for planned in plan.changed:
            changes = ", ".join(f"{what} {before} → {after}" for what, before, after in planned.changes)
            self.stdout.write(
                _("row %(row)s, %(activity)s: %(changes)s")
                % {"row": planned.row, "activity": planned.label, "changes": changes}
            )
        counts = {"changed": len(plan.changed), "unchanged": len(plan.rows) - len(plan.changed)}
        if dry_run:
            self.stdout.write(
                _("Dry run: %(changed)s row(s) to change, %(unchanged)s unchanged; nothing written.") % counts
            )
            return
        try:
            record_expenditure(figures=plan.figures(), user=author, reason=change_reason(ChangeReason.IMPORTED))
        except PeriodLocked as locked:
            raise CommandError(str(locked)) from None
        self.stdout.write(
            self.style.SUCCESS(_("Imported: %(changed)s row(s) changed, %(unchanged)s unchanged.") % counts)
        )
