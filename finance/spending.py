"""A work plan's planned budget against what was spent, for the quarterly report: per JP output and
agency, the quarter's and the year to date's committed and disbursed, indirect cost included."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, F, Q

from budgets.money import ZERO, from_cents, sum_in_cents
from budgets.selectors import BUDGET_CACHE_SECONDS, WorkPlanBudget, codes_of_groups, latest_changes, output_order
from finance.key_figures import Spending, percent, spending_of
from finance.models import Expenditure
from workplan.models import Activity, WorkPlan


@dataclass(frozen=True)
class SpendingRow:
    """Planned against spent for one JP output and agency of a work plan: the quarter's and the year to
    date's committed and disbursed, indirect cost included."""

    output: str
    agency: str
    planned: Decimal
    quarter: Spending
    year_to_date: Spending

    @property
    def budget_use(self) -> Decimal | None:
        """Disbursed in the year to date as a share of the planned budget."""
        return percent(self.year_to_date.disbursed, self.planned)


@dataclass(frozen=True)
class ReportSpending:
    quarter: int
    rows: list[SpendingRow]
    total: SpendingRow
    illustrative: bool


def work_plan_spending(work_plan: WorkPlan, quarter: int, budget: WorkPlanBudget) -> ReportSpending:
    """A quarter's and the year to date's spending of a work plan by output and agency, beside the
    planned budget (`budget`, the work plan's `work_plan_budget()`). The report of a quarter shows what was
    reported for it, whenever the report is read. The sums are kept in the cache until an activity or an
    expenditure changes (`_spent_key`): one query then, two when they are computed."""
    key = _spent_key(work_plan, quarter)
    spent = cache.get(key)
    if spent is None:
        spent = _spent_by_group(work_plan, quarter)
        cache.set(key, spent, BUDGET_CACHE_SECONDS)
    to_date_by_group, in_quarter_by_group, illustrative = spent
    # Named as the budget names its groups, by the codes as they are now; and an activity added since the
    # budget was read, in this very request, by its own.
    names = budget.group_codes
    if missing := set(to_date_by_group) - set(names):
        names = {**names, **codes_of_groups(work_plan.programme_id, missing)}
    to_date_by_group = {names[group]: spending for group, spending in to_date_by_group.items()}
    in_quarter_by_group = {names[group]: spending for group, spending in in_quarter_by_group.items()}

    groups = [
        *budget.by_output_and_agency,
        *(key for key in to_date_by_group if key not in budget.by_output_and_agency),
    ]
    rows = [
        SpendingRow(
            output=output,
            agency=agency,
            planned=budget.by_output_and_agency[output, agency].total
            if (output, agency) in budget.by_output_and_agency
            else ZERO,
            quarter=in_quarter_by_group.get((output, agency), Spending()),
            year_to_date=to_date_by_group.get((output, agency), Spending()),
        )
        for output, agency in sorted(groups, key=lambda key: (*output_order((key[0], None)), key[1]))
    ]
    total = SpendingRow(
        output="",
        agency="",
        planned=sum((row.planned for row in rows), ZERO),
        quarter=sum((row.quarter for row in rows), Spending()),
        year_to_date=sum((row.year_to_date for row in rows), Spending()),
    )
    return ReportSpending(quarter=quarter, rows=rows, total=total, illustrative=illustrative)


SpentByGroup = dict[tuple[int | None, int], Spending]


def _spent_by_group(work_plan: WorkPlan, quarter: int) -> tuple[SpentByGroup, SpentByGroup, bool]:
    """(output id, agency id) -> spent in the year to date, and in the quarter; and whether any of it is
    illustrative. The database sums each activity's expenditure, the indirect cost is added here, per
    activity, as everywhere: one query."""
    rate = work_plan.programme.indirect_cost_rate
    in_quarter = Q(quarter=quarter)
    per_activity = (
        Expenditure.objects.filter(activity__work_plan=work_plan, quarter__lte=quarter)
        .values_list("activity_id")
        .annotate(
            output=F("activity__output_id"),
            agency=F("activity__agency_id"),
            committed_cents=sum_in_cents("committed"),
            disbursed_cents=sum_in_cents("disbursed"),
            quarter_committed_cents=sum_in_cents("committed", filter=in_quarter),
            quarter_disbursed_cents=sum_in_cents("disbursed", filter=in_quarter),
            made_up=Count("pk", filter=Q(illustrative=True)),
        )
        .values_list(
            "output",
            "agency",
            "committed_cents",
            "disbursed_cents",
            "quarter_committed_cents",
            "quarter_disbursed_cents",
            "made_up",
        )
        .order_by()
    )
    to_date_by_group: SpentByGroup = defaultdict(Spending)
    in_quarter_by_group: SpentByGroup = defaultdict(Spending)
    illustrative = False
    for output, agency, committed, disbursed, quarter_committed, quarter_disbursed, made_up in per_activity:
        to_date_by_group[output, agency] += spending_of(from_cents(committed), from_cents(disbursed), rate)
        in_quarter_by_group[output, agency] += spending_of(
            from_cents(quarter_committed), from_cents(quarter_disbursed), rate
        )
        illustrative |= bool(made_up)
    return dict(to_date_by_group), dict(in_quarter_by_group), illustrative


def _spent_key(work_plan: WorkPlan, quarter: int) -> str:
    """The cache key of a work plan's spending up to a quarter, made of what it is computed from: the
    programme's rate and the latest change to any activity (its output and agency) and any expenditure
    (`latest_changes`)."""
    state = ":".join(
        str(part) for part in (work_plan.programme.indirect_cost_rate, *latest_changes(Activity, Expenditure))
    )
    return f"work-plan-spending:{work_plan.pk}:{quarter}:{hashlib.sha256(state.encode()).hexdigest()}"
