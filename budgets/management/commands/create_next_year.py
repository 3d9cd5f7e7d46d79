from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budgets.selectors import activities_to_carry_over
from budgets.services import NextYearError, create_next_year
from workplan.management.work_plan_argument import add_work_plan_arguments, author_from_option, work_plan_from_options
from workplan.permissions import can_plan_next_year


class Command(BaseCommand):
    help = (
        "Create the next year's work plan (draft, the twelve months after) from the work plan of --year, carrying "
        "over its activities neither completed nor cancelled, or those named by --activities, each linked to the "
        "activity it continues. The year given is not changed."
    )

    def add_arguments(self, parser):
        add_work_plan_arguments(parser)
        parser.add_argument(
            "--activities", help="Codes of the activities to carry over, comma-separated (titles for those with none)."
        )
        parser.add_argument("--with-budget-lines", action="store_true", help="Copy the activities' budget lines.")
        parser.add_argument("--user", help="Username recorded in the history as the author.")

    def handle(self, *args, activities: str | None, with_budget_lines: bool, user: str | None, **options):
        work_plan = work_plan_from_options(options)
        author = author_from_option(
            user,
            may=lambda person: can_plan_next_year(person, work_plan.programme),
            refusal=_("%(user)s may not create the next year's work plan."),
        )
        if activities is None:
            chosen = list(activities_to_carry_over(work_plan))
        else:
            codes = [code.strip() for code in activities.split(",") if code.strip()]
            by_code = {activity.code or activity.title: activity for activity in work_plan.activities.all()}
            unknown = [code for code in codes if code not in by_code]
            if unknown:
                raise CommandError(
                    _("Not activities of work plan year %(year)s: %(codes)s. Nothing was created.")
                    % {"year": work_plan.year, "codes": ", ".join(unknown)}
                )
            chosen = list(dict.fromkeys(by_code[code] for code in codes))
        try:
            created = create_next_year(
                work_plan=work_plan, activities=chosen, with_budget_lines=with_budget_lines, user=author
            )
        except NextYearError as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(
            ngettext(
                "Work plan year %(year)s created, in draft, with %(count)s activity carried over.",
                "Work plan year %(year)s created, in draft, with %(count)s activities carried over.",
                len(chosen),
            )
            % {"year": created.year, "count": len(chosen)}
        )
