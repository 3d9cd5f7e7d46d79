from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from budgets.selectors import revised_budget_comparison
from exchange.cells import XLSX_CONTENT_TYPE
from finance.warnings import finance_warnings
from reports import charts
from reports.selectors import QuarterlyReport, quarterly_report
from reports.services import approve_report
from reports.snapshot import report_from_json
from reports.workbook import workbook_bytes, workbook_filename
from workplan.models import ReportApproval, Submission, WorkPlan
from workplan.numbers import format_figure
from workplan.periods import QUARTERS, current_quarter, report_period
from workplan.permissions import can_approve_report, can_export, require_export, require_report_approval
from workplan.reporting import CycleError

# The activity table of a report page lists this many at most; its workbook lists every one.
ACTIVITIES_PER_PAGE = 200


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
    approval = None

    def get_report(self) -> QuarterlyReport:
        quarter = self.kwargs.get("quarter")
        work_plan = (
            WorkPlan.objects.filter(programme=self.request.programme, year=self.kwargs["year"])
            # Whether the quarter's report was approved, in the same query: an unapproved report costs none more.
            .annotate(
                approval_id=Subquery(
                    ReportApproval.objects.filter(work_plan=OuterRef("pk"), quarter=quarter).values("pk")[:1]
                )
            )
            .first()
        )
        if work_plan is None:
            raise Http404(_("There is no work plan for this year."))
        work_plan.programme = self.request.programme
        if self.year_to_date:
            quarter = current_quarter(work_plan, timezone.localdate())
        else:
            if quarter not in QUARTERS:
                raise Http404(_("A year has quarters 1 to 4."))
            # Once the PMC approved it, the report is the one approved, whatever changed since.
            if work_plan.approval_id is not None:
                self.approval = ReportApproval.objects.select_related("approved_by").get(pk=work_plan.approval_id)
                return report_from_json(self.approval.snapshot, work_plan)
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
            "finance_warnings": finance_warnings(self.request.programme, timezone.localdate()),
            **self.approval_context(report),
            **self.activity_page(report),
            # An approved report stays as approved: the comparison is of the budget as it stands.
            "budget_comparison": None if self.approval else revised_budget_comparison(report.work_plan),
        }

    def activity_page(self, report: QuarterlyReport) -> dict:
        """The page of the activity table asked for (`?page=`, `?page=all` for every activity on one):
        a year may list thousands. The rest of the report, its summary and totals, covers them all."""
        pages = Paginator(report.activities.rows, ACTIVITIES_PER_PAGE)
        if self.request.GET.get("page") == "all":
            return {"activity_pages": pages, "activity_page": None, "activity_groups": report.activities.groups}
        page = pages.get_page(self.request.GET.get("page"))
        groups = report.activities.page_groups(page.start_index() - 1, page.end_index())
        return {"activity_pages": pages, "activity_page": page, "activity_groups": groups}

    def not_accepted(self, report: QuarterlyReport) -> list[str]:
        """The agencies listed in the report whose quarter is not accepted: the report lists the same
        activities an agency reports on (`workplan.reporting.activities_to_report`), so one query."""
        accepted = set(
            Submission.objects.filter(
                work_plan=report.work_plan, quarter=report.period.quarter, status=Submission.Status.ACCEPTED
            ).values_list("agency__code", flat=True)
        )
        return sorted({row.agency for row in report.activities.rows} - accepted)

    def approval_context(self, report: QuarterlyReport) -> dict:
        if report.period.year_to_date:
            return {}
        may_approve = self.approval is None and can_approve_report(self.request.user, self.request.programme)
        return {
            "approval": self.approval,
            "may_approve": may_approve,
            # For the PMC, who may approve: one query that others' pages are spared.
            "not_accepted": self.not_accepted(report) if may_approve else None,
        }


class QuarterlyReportWorkbookView(ReportMixin, View):
    def get(self, request, *args, **kwargs):
        require_export(request)
        report = self.get_report()
        note = ""
        if self.approval is not None:
            note = _("Approved by the PMC: %(by)s, %(when)s. The figures are as approved.") % {
                "by": self.approval.approved_by,
                "when": date_format(timezone.localtime(self.approval.approved_at), "DATETIME_FORMAT"),
            }
        response = HttpResponse(workbook_bytes(report, approval_note=note), content_type=XLSX_CONTENT_TYPE)
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


@require_POST
def approve_quarterly_report(request, year, quarter):
    """The PMC approves the joint report of a quarter once every agency's quarter is accepted."""
    require_report_approval(request)
    work_plan = get_object_or_404(WorkPlan, programme=request.programme, year=year)
    work_plan.programme = request.programme
    if quarter not in QUARTERS:
        raise Http404(_("A year has quarters 1 to 4."))
    try:
        approve_report(work_plan=work_plan, quarter=quarter, user=request.user)
    except CycleError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("The report for Q%(quarter)s is approved; it shows its figures as approved.") % {"quarter": quarter},
        )
    return redirect("reports:quarter", request.programme.mptf_project_id, year, quarter)
