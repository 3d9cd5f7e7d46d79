from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports.selectors import quarterly_report
from reports.workbook import workbook_bytes, workbook_filename
from workplan.management.work_plan_argument import add_work_plan_arguments, work_plan_from_options
from workplan.periods import QUARTERS, current_quarter, report_period


class Command(BaseCommand):
    help = (
        "Write a quarterly progress report (activities, budget, indicators) as an Excel workbook, "
        "with the same figures as the report page."
    )

    def add_arguments(self, parser):
        add_work_plan_arguments(parser)
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--quarter", type=int, choices=QUARTERS, help="Quarter of that year, 1 to 4.")
        scope.add_argument("--ytd", action="store_true", help="The year to date, up to the current quarter.")
        parser.add_argument("-o", "--output", help="File to write; by default a name after the programme and period.")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="Language of the sheet names, headers and labels.",
        )

    def handle(self, *args, quarter: int | None, ytd: bool, output, language: str, **options):
        work_plan = work_plan_from_options(options)
        if ytd:
            quarter = current_quarter(work_plan, timezone.localdate())
        report = quarterly_report(work_plan, report_period(work_plan, quarter, year_to_date=ytd))
        path = Path(output or workbook_filename(report))
        with translation.override(language):
            path.write_bytes(workbook_bytes(report))
        self.stdout.write(
            _("Wrote %(path)s: %(period)s, %(activities)s activities (%(late)s late).")
            % {
                "path": path,
                "period": report.period.label,
                "activities": len(report.activities.rows),
                "late": report.activities.late_count,
            }
        )
