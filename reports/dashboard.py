"""The dashboard: the programme's key figures at a glance, drawn with the report's charts."""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.selectors import work_plan_budget
from outcomes.selectors import latest_values
from reports.charts import bar_chart, progress_bars, stacked_bar_chart
from reports.cycle_views import reporting_context
from reports.key_figures import key_figures_context
from workplan.models import Activity, WorkPlan
from workplan.numbers import format_figure


def dashboard(request):
    """The latest work plan year, or the one chosen (?year=N)."""
    programme = request.programme
    work_plans = {work_plan.year: work_plan for work_plan in WorkPlan.objects.filter(programme=programme)}
    years = sorted(work_plans)
    chosen = request.GET.get("year", "")
    if chosen.isdigit() and int(chosen) not in work_plans:
        raise Http404(_("There is no work plan for this year."))
    work_plan = work_plans.get(int(chosen) if chosen.isdigit() else max(years, default=None))
    if work_plan is None:
        return render(request, "reports/dashboard.html")
    work_plan.programme = programme

    budget = work_plan_budget(work_plan)
    status_labels = dict(Activity.Status.choices)
    by_status = dict(
        Activity.objects.filter(work_plan=work_plan).values_list("status").annotate(count=Count("pk")).order_by()
    )
    indicators = latest_values(programme)
    # The card counts every indicator with a result; the chart draws those with a target (progress
    # toward it): the card also says how many of the chart's have a result, so the two agree.
    with_target = [row for row in indicators if row.target]
    return render(
        request,
        "reports/dashboard.html",
        {
            "work_plan": work_plan,
            "years": years,
            **reporting_context(request, work_plan),
            **key_figures_context(programme, timezone.localdate()),
            "budget": budget,
            "activity_count": sum(by_status.values()),
            "results_count": sum(1 for row in indicators if row.value is not None),
            "indicator_count": len(indicators),
            "with_target_count": len(with_target),
            "with_target_results_count": sum(1 for row in with_target if row.value is not None),
            "without_target_count": len(indicators) - len(with_target),
            "budget_by_agency_chart": bar_chart(
                [(code, figures.total) for code, figures in budget.by_agency.items()],
                title=_("Budget by agency, Mgt support included"),
            ),
            "status_chart": stacked_bar_chart(
                [(status_labels[status], by_status[status]) for status in status_labels if by_status.get(status)],
                title=_("Activities by status"),
            ),
            "progress_chart": progress_bars(
                [(row.code, row.value, row.target) for row in with_target],
                title=_("Indicator progress toward target"),
                value_format=format_figure,
            )
            if with_target
            else None,
        },
    )
