"""A work plan's planned budget against what was spent, for the quarterly report: per JP output and
agency, the quarter's and the year to date's committed and disbursed, indirect cost included."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q

from budgets.money import ZERO, from_cents, sum_in_cents
from budgets.selectors import NO_OUTPUT_LABEL, WorkPlanBudget, output_order
from finance.key_figures import Spending, percent, spending_of
from finance.models import Expenditure
from workplan.models import WorkPlan


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
    planned budget (`budget`, the work plan's `work_plan_budget()`): one query. The report of a quarter
    shows what was reported for it, whenever the report is read."""
    rate = work_plan.programme.indirect_cost_rate
    in_quarter = Q(quarter=quarter)
    per_activity = (
        Expenditure.objects.filter(activity__work_plan=work_plan, quarter__lte=quarter)
        .values_list("activity_id")
        .annotate(
            output=F("activity__output__code"),
            agency=F("activity__agency__code"),
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
    in_quarter_by_group: dict[tuple[str, str], Spending] = defaultdict(Spending)
    to_date_by_group: dict[tuple[str, str], Spending] = defaultdict(Spending)
    illustrative = False
    for output, agency, committed, disbursed, quarter_committed, quarter_disbursed, made_up in per_activity:
        group = (output or NO_OUTPUT_LABEL, agency)
        to_date_by_group[group] += spending_of(from_cents(committed), from_cents(disbursed), rate)
        in_quarter_by_group[group] += spending_of(from_cents(quarter_committed), from_cents(quarter_disbursed), rate)
        illustrative |= bool(made_up)

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
            quarter=in_quarter_by_group[output, agency],
            year_to_date=to_date_by_group[output, agency],
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
