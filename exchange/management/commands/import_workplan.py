from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from exchange.import_plan import CHANGED, CREATED, UNCHANGED
from exchange.services import ImportRefused, import_work_plan
from exchange.workplan_import import plan_work_plan_import
from workplan.management.work_plan_argument import (
    add_work_plan_arguments,
    author_from_option,
    read_workbook,
    work_plan_from_options,
)
from workplan.permissions import can_import_work_plans


class Command(BaseCommand):
    help = (
        "Import a work plan workbook (the layout export_workplan writes). All or nothing: every problem of "
        "the file is listed and nothing is written unless there is none."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .xlsx file to read.")
        add_work_plan_arguments(parser)
        parser.add_argument("--dry-run", action="store_true", help="Check and show the changes; write nothing.")
        parser.add_argument("--user", help="Username recorded in the history as the author of the changes.")

    def handle(self, *args, path: str, dry_run: bool, user: str | None, **options):
        work_plan = work_plan_from_options(options)
        author = author_from_option(
            user,
            may=lambda person: can_import_work_plans(person, work_plan.programme),
            refusal=_("%(user)s may not import work plans."),
        )
        data = read_workbook(path)

        plan = plan_work_plan_import(work_plan=work_plan, data=data, user=author)
        for warning in plan.warnings:
            self.stderr.write(self.style.WARNING(_("Warning: %(warning)s") % {"warning": warning}))
        if not plan.is_valid:
            for problem in plan.problems:
                self.stderr.write(str(problem))
            raise CommandError(_("%(count)s problem(s) found; nothing was imported.") % {"count": len(plan.problems)})
        for planned in plan.with_action(CREATED):
            self.stdout.write(_("new: %(activity)s") % {"activity": planned.label})
        for planned in plan.with_action(CHANGED):
            self.stdout.write(
                _("changed: %(activity)s (%(fields)s)")
                % {"activity": planned.label, "fields": ", ".join(planned.changed_fields)}
            )
        counts = {
            "created": len(plan.with_action(CREATED)),
            "changed": len(plan.with_action(CHANGED)),
            "unchanged": len(plan.with_action(UNCHANGED)),
        }
        if dry_run:
            self.stdout.write(
                _("Dry run: %(created)s to create, %(changed)s to change, %(unchanged)s unchanged; nothing written.")
                % counts
            )
            return
        try:
            import_work_plan(plan=plan, user=author)
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported: %(created)s created, %(changed)s changed, %(unchanged)s unchanged.") % counts
            )
        )
