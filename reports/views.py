from decimal import Decimal

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from exchange.cells import XLSX_CONTENT_TYPE
from outcomes.models import plain_number
from reports import charts
from reports.selectors import QUARTERS, QuarterlyReport, current_quarter, quarterly_report, report_period
from reports.workbook import workbook_bytes, workbook_filename
from workplan.models import WorkPlan
from workplan.selectors import programme_for


class ReportIndexView(LoginRequiredMixin, TemplateView):
    """The work plan years, each with its four quarters and the year to date, to pick a report."""

    template_name = "reports/index.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "work_plans": WorkPlan.objects.select_related("programme").order_by("programme__code", "year"),
            "quarters": QUARTERS,
        }


class ReportMixin:
    """Finds the work plan of the URL's year and builds the report for its quarter, or for the
    year to date up to the current quarter, of the programme `programme_for()` picks."""

    year_to_date = False

    def get_report(self) -> QuarterlyReport:
        work_plan = (
            WorkPlan.objects.select_related("programme")
            .filter(programme=programme_for(self.request), year=self.kwargs["year"])
            .first()
        )
        if work_plan is None:
            raise Http404(_("There is no work plan for this year."))
        if self.year_to_date:
            quarter = current_quarter(work_plan, timezone.localdate())
        else:
            quarter = self.kwargs["quarter"]
            if quarter not in QUARTERS:
                raise Http404(_("A year has quarters 1 to 4."))
        return quarterly_report(work_plan, report_period(work_plan, quarter, year_to_date=self.year_to_date))


class QuarterlyReportView(LoginRequiredMixin, ReportMixin, TemplateView):
    template_name = "reports/report.html"

    def get_context_data(self, **kwargs):
        report = self.get_report()
        return {
            **super().get_context_data(**kwargs),
            "report": report,
            "programme": report.work_plan.programme,
            "period": report.period,
            "charts": report_charts(report),
            "quarters": QUARTERS,
        }


class QuarterlyReportWorkbookView(LoginRequiredMixin, PermissionRequiredMixin, ReportMixin, View):
    # Anonymous users are sent to log in; logged-in users without the permission get 403.
    permission_required = "workplan.export_reports"

    def get(self, request, *args, **kwargs):
        report = self.get_report()
        response = HttpResponse(workbook_bytes(report), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{workbook_filename(report)}"'
        return response


def report_charts(report: QuarterlyReport) -> dict[str, SafeString]:
    """The report's three charts; the dashboard draws its own from the same chart functions."""
    return {
        "budget_by_agency": charts.bar_chart(
            [(agency, figures.total) for agency, figures in report.budget.budget.by_agency.items()],
            title=_("Planned budget by agency (direct and Mgt support, %(currency)s)") % {"currency": report.currency},
        ),
        "activities_by_status": charts.stacked_bar_chart(
            [(label, count) for _status, label, count in report.activities.by_status],
            title=_("Activities in this report by status"),
        ),
        "indicator_progress": charts.progress_bars(
            [
                (row.code, row.latest.value if row.latest else None, row.target)
                for _outcome, rows in report.indicators
                for row in rows
                if row.target
            ],
            title=_("Indicators with a target: latest value toward the target"),
            value_format=lambda value: plain_number(Decimal(value)),
        ),
    }
