from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.selectors import QUARTERS, current_quarter, quarterly_report, report_period
from reports.workbook import workbook_bytes, workbook_filename
from workplan.models import Programme, WorkPlan


class Command(BaseCommand):
    help = (
        "Write a quarterly progress report (activities, budget, indicators) as an Excel workbook, "
        "with the same figures as the report page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Programme year of the work plan, from 1.")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--quarter", type=int, choices=QUARTERS, help="Quarter of that year, 1 to 4.")
        scope.add_argument("--ytd", action="store_true", help="The year to date, up to the current quarter.")
        parser.add_argument("--programme", help="MPTF project ID; needed only when there are several programmes.")
        parser.add_argument("-o", "--output", help="File to write; by default a name after the programme and period.")

    def handle(self, *args, year: int, quarter: int | None, ytd: bool, programme: str | None, output, **options):
        work_plan = self._work_plan(year, programme)
        if ytd:
            quarter = current_quarter(work_plan, timezone.localdate())
        report = quarterly_report(work_plan, report_period(work_plan, quarter, year_to_date=ytd))
        path = Path(output or workbook_filename(report))
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

    def _work_plan(self, year: int, mptf_project_id: str | None) -> WorkPlan:
        programmes = Programme.objects.all()
        if mptf_project_id:
            programmes = programmes.filter(mptf_project_id=mptf_project_id)
        if programmes.count() != 1:
            raise CommandError(
                _("Name the programme with --programme (one of: %(ids)s).")
                % {"ids": ", ".join(programmes.values_list("mptf_project_id", flat=True)) or _("none loaded")}
            )
        try:
            return WorkPlan.objects.select_related("programme").get(programme=programmes.get(), year=year)
        except WorkPlan.DoesNotExist:
            raise CommandError(_("There is no work plan for year %(year)s.") % {"year": year}) from None
