from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from exchange.cells import XLSX_CONTENT_TYPE
from reports import charts
from reports.selectors import QuarterlyReport, quarterly_report
from reports.workbook import workbook_bytes, workbook_filename
from workplan.models import WorkPlan
from workplan.numbers import format_figure
from workplan.periods import QUARTERS, current_quarter, report_period
from workplan.permissions import can_export, require_export


class ReportIndexView(TemplateView):
    """The work plan years, each with its four quarters and the year to date, to pick a report."""

    template_name = "reports/index.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "work_plans": WorkPlan.objects.filter(programme=self.request.programme).order_by("year"),
            "quarters": QUARTERS,
        }


class ReportMixin:
    """Finds the work plan of the URL's year and builds the report for its quarter, or for the
    year to date up to the current quarter, of the URL's programme."""

    year_to_date = False

    def get_report(self) -> QuarterlyReport:
        work_plan = WorkPlan.objects.filter(programme=self.request.programme, year=self.kwargs["year"]).first()
        if work_plan is None:
            raise Http404(_("There is no work plan for this year."))
        work_plan.programme = self.request.programme
        if self.year_to_date:
            quarter = current_quarter(work_plan, timezone.localdate())
        else:
            quarter = self.kwargs["quarter"]
            if quarter not in QUARTERS:
                raise Http404(_("A year has quarters 1 to 4."))
        return quarterly_report(work_plan, report_period(work_plan, quarter, year_to_date=self.year_to_date))


class QuarterlyReportView(ReportMixin, TemplateView):
    template_name = "reports/report.html"

    def get_context_data(self, **kwargs):
        report = self.get_report()
        return {
            **super().get_context_data(**kwargs),
            "report": report,
            "may_export": can_export(self.request.user, self.request.programme),
            "period": report.period,
            "charts": report_charts(report),
            "quarters": QUARTERS,
        }


class QuarterlyReportWorkbookView(ReportMixin, View):
    def get(self, request, *args, **kwargs):
        require_export(request)
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
            value_format=format_figure,
        ),
    }
