"""The portfolio: every programme a person may see, with its key figures, for the fund
secretariat and anyone working in several programmes."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render
from django.utils import timezone

from budgets.models import BudgetLine
from budgets.money import ZERO
from budgets.selectors import BudgetFigures, budget_figures
from finance.key_figures import portfolio_key_figures
from outcomes.models import Indicator, percent_of_target
from workplan.models import Activity, Programme, WorkPlan
from workplan.permissions import visible_programmes


@dataclass(frozen=True)
class ProgrammeFigures:
    programme: Programme
    work_plan: WorkPlan | None
    budget: BudgetFigures
    activity_count: int
    completed_count: int
    indicators_with_target: int
    indicators_on_track: int

    @property
    def percent_completed(self) -> Decimal | None:
        if not self.activity_count:
            return None
        return (Decimal(self.completed_count) * 100 / self.activity_count).quantize(Decimal("1"), ROUND_HALF_UP)


def expected_percent(programme: Programme, today: date) -> Decimal:
    """The share of its targets a programme should have reached by `today`, if results came
    evenly over its dates: 0 before it starts, 100 once it has ended."""
    if today <= programme.start_date:
        return Decimal("0")
    if today >= programme.end_date:
        return Decimal("100")
    elapsed = (today - programme.start_date).days
    return Decimal(elapsed * 100) / (programme.end_date - programme.start_date).days


def programme_figures(programmes: list[Programme], today: date) -> list[ProgrammeFigures]:
    """Each programme's latest work plan: its budget (Mgt support included), activities and the
    share completed, and its indicators on track. Five queries whatever the number of programmes."""
    latest: dict[int, WorkPlan] = {}
    for work_plan in WorkPlan.objects.filter(programme__in=programmes).order_by("programme_id", "year"):
        latest[work_plan.programme_id] = work_plan
    work_plan_ids = [work_plan.pk for work_plan in latest.values()]

    programmes_by_id = {programme.pk: programme for programme in programmes}
    rates = {work_plan.pk: programmes_by_id[work_plan.programme_id].indirect_cost_rate for work_plan in latest.values()}
    budget = defaultdict(BudgetFigures)
    per_activity = (
        BudgetLine.objects.filter(activity__work_plan__in=work_plan_ids)
        .values("activity__work_plan_id", "activity_id")
        .annotate(direct=Sum("amount"))
        .order_by()
    )
    # The indirect cost is computed per activity, as everywhere else, so totals agree to the cent.
    for row in per_activity:
        work_plan_id = row["activity__work_plan_id"]
        budget[work_plan_id] += budget_figures(row["direct"], rates[work_plan_id])

    counts = defaultdict(lambda: defaultdict(int))
    for work_plan_id, status, count in (
        Activity.objects.filter(work_plan__in=work_plan_ids)
        .values_list("work_plan_id", "status")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        counts[work_plan_id][status] = count

    with_target, on_track = defaultdict(int), defaultdict(int)
    indicators = (
        Indicator.objects.filter(Q(outcome__programme__in=programmes) | Q(output__outcome__programme__in=programmes))
        .exclude(target=None)
        .select_related("outcome", "output__outcome")
        .prefetch_related("results")
    )
    for indicator in indicators:
        programme_id = indicator.programme_id
        with_target[programme_id] += 1
        latest_result = max(indicator.results.all(), key=lambda result: result.as_of, default=None)
        percent = percent_of_target(latest_result.value if latest_result else None, indicator.target)
        if percent is not None and percent >= expected_percent(programmes_by_id[programme_id], today):
            on_track[programme_id] += 1

    rows = []
    for programme in programmes:
        work_plan = latest.get(programme.pk)
        by_status = counts[work_plan.pk] if work_plan else {}
        rows.append(
            ProgrammeFigures(
                programme=programme,
                work_plan=work_plan,
                budget=budget[work_plan.pk] if work_plan else BudgetFigures(ZERO, ZERO),
                activity_count=sum(by_status.values()),
                completed_count=by_status.get(Activity.Status.COMPLETED, 0),
                indicators_with_target=with_target[programme.pk],
                indicators_on_track=on_track[programme.pk],
            )
        )
    return rows


def home(request):
    """A person in one programme goes straight to its dashboard; others choose in the portfolio."""
    programmes = list(visible_programmes(request.user)[:2])
    if len(programmes) == 1:
        return redirect("dashboard", programme=programmes[0].mptf_project_id)
    return redirect("portfolio")


def portfolio(request):
    programmes = list(visible_programmes(request.user).order_by("code"))
    today = timezone.localdate()
    key_figures = portfolio_key_figures(programmes, today)
    return render(
        request,
        "reports/portfolio.html",
        {
            "rows": programme_figures(programmes, today),
            "key_figures_as_of": today,
            "key_figure_rows": [key_figures[programme.pk] for programme in programmes],
            "illustrative_key_figures": [p.code for p in programmes if key_figures[p.pk].illustrative],
        },
    )
