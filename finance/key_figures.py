"""The programme's key figures as of a date: approved budget, funds transferred, committed and
disbursed, and the rates between them, per agency, per JP output and for the programme.

Every figure includes the indirect cost (Mgt support). For expenditure it is computed as for budgets:
per activity, on the activity's direct amount counted up to the date, rounded half-up to the cent; a
group's is the sum of its activities'. The database sums each activity's lines and takes its indirect cost
in whole cents (`budgets.money.indirect_cost_in_cents`, the rule of `indirect_cost`); the rest is a few
integer additions per activity here. Five queries, for one programme or many.

A quarter's expenditure counts from the quarter's last day (`workplan.periods.report_period`), a
transfer from its date. "Approved" is the current budget of the programme's approved work plans.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DecimalField,
    Expression,
    F,
    Max,
    Q,
    QuerySet,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round

from budgets.models import StatedBudget
from budgets.money import ZERO, from_cents, indirect_cost, indirect_cost_in_cents, sum_in_cents
from budgets.selectors import NO_OUTPUT_LABEL, output_order
from finance.models import Expenditure, Transfer
from workplan.models import Activity, Programme, WorkPlan
from workplan.periods import QUARTERS, report_period


def percent(part: Decimal, whole: Decimal | None) -> Decimal | None:
    """`part` as a share of `whole` in percent, one decimal rounded half-up; None where `whole` is 0."""
    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Spending:
    """Committed (obligations raised, not yet paid) and disbursed (paid), indirect cost included."""

    committed: Decimal = ZERO
    disbursed: Decimal = ZERO

    def __add__(self, other: "Spending") -> "Spending":
        return Spending(self.committed + other.committed, self.disbursed + other.disbursed)

    @property
    def used(self) -> Decimal:
        return self.committed + self.disbursed


def spending_of(committed_direct: Decimal, disbursed_direct: Decimal, rate: Decimal) -> Spending:
    """One activity's spending from its direct amounts: the indirect cost added per activity."""
    return Spending(
        committed_direct + indirect_cost(committed_direct, rate),
        disbursed_direct + indirect_cost(disbursed_direct, rate),
    )


@dataclass(frozen=True)
class KeyFigures:
    """`transferred` is None for a JP output: the fund transfers to agencies, not to outputs."""

    approved: Decimal = ZERO
    transferred: Decimal | None = ZERO
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO

    @property
    def delivery_rate(self) -> Decimal | None:
        """Disbursed as a share of the funds transferred."""
        return percent(self.disbursed, self.transferred)

    @property
    def budget_use(self) -> Decimal | None:
        """Disbursed as a share of the approved budget."""
        return percent(self.disbursed, self.approved)


@dataclass(frozen=True)
class ApprovedPlan:
    """An approved work plan's budget as its activities add up, and the TOTAL row printed on it."""

    year: int
    listed: Decimal
    stated: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        """Stated minus listed: what the printed plan holds beyond its listed activities."""
        return None if self.stated is None else self.stated - self.listed


@dataclass(frozen=True)
class TrancheReadiness:
    """Committed and disbursed on the current year's activities as a share of the funds transferred for
    that year (the latest work plan year with transfers by the date), against the threshold the fund sets
    for releasing the next tranche."""

    year: int
    transferred: Decimal
    spending: Spending
    threshold: Decimal

    @property
    def share(self) -> Decimal | None:
        return percent(self.spending.used, self.transferred)

    @property
    def ready(self) -> bool:
        return self.share is not None and self.share >= self.threshold


@dataclass(frozen=True)
class ProgrammeKeyFigures:
    programme: Programme
    as_of: date
    by_agency: dict[str, KeyFigures]
    by_output: dict[str, KeyFigures]
    total: KeyFigures
    approved_plans: list[ApprovedPlan]
    readiness: TrancheReadiness | None
    # Whether any transfer or expenditure counted is made up for the demo.
    illustrative: bool


# The rows the two large queries give, kept as plain tuples (tens of thousands of them), amounts in whole
# cents with their indirect cost apart. An activity, named by its code or, without one, its title:
#   (pk, work_plan_id, code, agency code, output code or None, status, budget, budget indirect)
# and its expenditure counted on the date (made_up: how many of its rows are illustrative):
#   (activity_id, committed, committed indirect, disbursed, disbursed indirect, made_up)
ActivityRow = tuple[int, int, str, str, str | None, str, int, int]
SpentRow = tuple[int, int, int, int, int, int]


@dataclass
class ProgrammeMoney:
    """What the queries read for one programme, before it is added up."""

    programme: Programme
    work_plans: dict[int, WorkPlan] = field(default_factory=dict)
    activities: dict[int, ActivityRow] = field(default_factory=dict)
    spent: dict[int, SpentRow] = field(default_factory=dict)
    # (agency code, work plan id) -> cents transferred up to the date
    transfers: dict[tuple[str, int], int] = field(default_factory=dict)
    stated: dict[int, Decimal] = field(default_factory=dict)
    illustrative: bool = False


def tranche_threshold() -> Decimal:
    return Decimal(settings.FINANCE_TRANCHE_THRESHOLD_PERCENT)


def last_quarter_ended(work_plan: WorkPlan, as_of: date) -> int:
    """The last quarter of the work plan year that had ended on `as_of` (its last day included): 0 for none."""
    return max((q for q in QUARTERS if report_period(work_plan, q).end <= as_of), default=0)


def counted_by(work_plans: list[WorkPlan], as_of: date) -> Q:
    """Expenditure rows counted on `as_of`: those of quarters that had ended."""
    plans_by_quarter: dict[int, list[int]] = defaultdict(list)
    for work_plan in work_plans:
        plans_by_quarter[last_quarter_ended(work_plan, as_of)].append(work_plan.pk)
    condition = Q(pk__in=[])
    for ended, plans in plans_by_quarter.items():
        if ended:
            # Activities by a subquery, not a join: the database reads the expenditure rows by activity.
            condition |= Q(activity__in=Activity.objects.filter(work_plan__in=plans).values("pk"), quarter__lte=ended)
    return condition


def _raw_rows(queryset: QuerySet) -> list[tuple]:
    """The rows of a values_list() query as the database returns them. Its columns are whole numbers
    and text, which need none of Django's per-value conversions: skipping them matters at tens of
    thousands of activities."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _with_indirect_cost(amount_field: str, rate: Decimal | Expression) -> tuple[Expression, Expression]:
    """An activity's amount in whole cents and its indirect cost, both computed by the database.

    The activity's few rows are summed, then rounded to the cent once: amounts of whole cents, a few
    dozen of them, add up in SQLite's binary floating point to within far less than half a cent of
    their exact sum (PostgreSQL adds decimals exactly). Rounding each row first, as the sums over a
    whole work plan do (`budgets.selectors.sum_in_cents`), costs three times as long here."""
    cents = Cast(Round(Coalesce(Sum(amount_field), Value(ZERO)) * 100), BigIntegerField())
    return cents, indirect_cost_in_cents(cents, rate)


def _rate_by_work_plan(work_plan_field: str, work_plans: list[WorkPlan]) -> Decimal | Expression:
    """The indirect cost rate of each row's work plan (its programme's), for a query grouped by activity,
    without joining the programme: a constant when the programmes share one rate, as they mostly do;
    else the rate looked up by work plan, taken as an aggregate so that it stays out of the grouping."""
    plans_by_rate: dict[Decimal, list[int]] = defaultdict(list)
    for work_plan in work_plans:
        plans_by_rate[work_plan.programme.indirect_cost_rate].append(work_plan.pk)
    if len(plans_by_rate) <= 1:
        return next(iter(plans_by_rate), ZERO)
    cases = [When(**{f"{work_plan_field}__in": plans}, then=Value(rate)) for rate, plans in plans_by_rate.items()]
    return Max(Case(*cases, default=Value(ZERO), output_field=DecimalField(max_digits=5, decimal_places=4)))


def read_money(programmes: list[Programme], as_of: date) -> dict[int, ProgrammeMoney]:
    """Five queries whatever the number of programmes, years and activities. The database adds up each
    activity's lines and takes their indirect cost; a few integer additions per activity are left."""
    money = {programme.pk: ProgrammeMoney(programme) for programme in programmes}
    work_plans = list(WorkPlan.objects.filter(programme__in=money).order_by("programme_id", "year"))
    for work_plan in work_plans:
        work_plan.programme = money[work_plan.programme_id].programme
        money[work_plan.programme_id].work_plans[work_plan.pk] = work_plan
    programme_of_plan = {work_plan.pk: work_plan.programme_id for work_plan in work_plans}

    programme_of_activity: dict[int, int] = {}
    budget, budget_indirect = _with_indirect_cost("budget_lines__amount", _rate_by_work_plan("work_plan", work_plans))
    activities = (
        Activity.objects.filter(work_plan__in=programme_of_plan)
        # Named by its code, or by its title where it has none (under "Other").
        .annotate(label=Case(When(code="", then=F("title")), default=F("code"), output_field=TextField()))
        .values_list("pk", "work_plan_id", "label", "agency__code", "output__code", "status")
        .annotate(budget_cents=budget, budget_indirect_cents=budget_indirect)
        .order_by()
    )
    for row in _raw_rows(activities):
        pk, work_plan_id = row[:2]
        programme_id = programme_of_activity[pk] = programme_of_plan[work_plan_id]
        money[programme_id].activities[pk] = row

    rate = _rate_by_work_plan("activity__work_plan", work_plans)
    committed, committed_indirect = _with_indirect_cost("committed", rate)
    disbursed, disbursed_indirect = _with_indirect_cost("disbursed", rate)
    spent = (
        Expenditure.objects.filter(counted_by(work_plans, as_of))
        .values_list("activity_id")
        .annotate(
            committed_cents=committed,
            committed_indirect_cents=committed_indirect,
            disbursed_cents=disbursed,
            disbursed_indirect_cents=disbursed_indirect,
            made_up=Count("pk", filter=Q(illustrative=True)),
        )
        .order_by()
    )
    for row in _raw_rows(spent):
        programme = money[programme_of_activity[row[0]]]
        programme.spent[row[0]] = row
        programme.illustrative |= bool(row[-1])

    for programme_id, work_plan_id, agency, cents, illustrative in (
        Transfer.objects.filter(programme__in=money, date__lte=as_of)
        .values_list("programme_id", "work_plan_id", "agency__code")
        .annotate(cents=sum_in_cents("amount"), made_up=Count("pk", filter=Q(illustrative=True)))
        .order_by()
    ):
        money[programme_id].transfers[agency, work_plan_id] = cents
        money[programme_id].illustrative |= bool(illustrative)

    for work_plan_id, total in StatedBudget.objects.filter(work_plan__in=programme_of_plan).values_list(
        "work_plan_id", "total"
    ):
        money[programme_of_plan[work_plan_id]].stated[work_plan_id] = total
    return money


class _Cents:
    """Running sums in whole cents for a group of activities: approved, transferred, committed and
    disbursed, indirect cost included."""

    __slots__ = ("approved", "committed", "disbursed", "transferred")

    def __init__(self):
        self.approved = self.transferred = self.committed = self.disbursed = 0

    def add(self, other: "_Cents") -> None:
        self.approved += other.approved
        self.transferred += other.transferred
        self.committed += other.committed
        self.disbursed += other.disbursed

    def key_figures(self, *, with_transfers: bool = True) -> KeyFigures:
        return KeyFigures(
            approved=from_cents(self.approved),
            transferred=from_cents(self.transferred) if with_transfers else None,
            committed=from_cents(self.committed),
            disbursed=from_cents(self.disbursed),
        )


def add_up(money: ProgrammeMoney, as_of: date) -> ProgrammeKeyFigures:
    approved_plan_ids = {pk for pk, plan in money.work_plans.items() if plan.status == WorkPlan.Status.APPROVED}
    # First by work plan, agency and output: one addition per activity; the groups shown follow from these.
    sums: dict[tuple[int, str, str], _Cents] = defaultdict(_Cents)
    spent = money.spent
    for pk, work_plan_id, _code, agency, output, _status, budget, budget_indirect in money.activities.values():
        group = sums[work_plan_id, agency, output or NO_OUTPUT_LABEL]
        if work_plan_id in approved_plan_ids:
            group.approved += budget + budget_indirect
        if pk in spent:
            _pk, committed, committed_indirect, disbursed, disbursed_indirect, _made_up = spent[pk]
            group.committed += committed + committed_indirect
            group.disbursed += disbursed + disbursed_indirect
    by_agency: dict[str, _Cents] = defaultdict(_Cents)
    by_output: dict[str, _Cents] = defaultdict(_Cents)
    by_plan: dict[int, _Cents] = defaultdict(_Cents)
    for (work_plan_id, agency, output), group in sums.items():
        for total in (by_agency[agency], by_output[output], by_plan[work_plan_id]):
            total.add(group)
    for (agency, work_plan_id), cents in money.transfers.items():
        by_agency[agency].transferred += cents
        by_plan[work_plan_id].transferred += cents

    total = _Cents()
    for group in by_agency.values():
        total.add(group)

    readiness = None
    funded_plans = [plan for pk, plan in money.work_plans.items() if by_plan[pk].transferred]
    if funded_plans:
        current = by_plan[max(funded_plans, key=lambda plan: plan.year).pk]
        readiness = TrancheReadiness(
            year=max(plan.year for plan in funded_plans),
            transferred=from_cents(current.transferred),
            spending=Spending(from_cents(current.committed), from_cents(current.disbursed)),
            threshold=tranche_threshold(),
        )
    return ProgrammeKeyFigures(
        programme=money.programme,
        as_of=as_of,
        by_agency={agency: by_agency[agency].key_figures() for agency in sorted(by_agency)},
        by_output={
            output: by_output[output].key_figures(with_transfers=False)
            for output in sorted(by_output, key=lambda code: output_order((code, None)))
        },
        total=total.key_figures(),
        approved_plans=[
            ApprovedPlan(year=plan.year, listed=from_cents(by_plan[pk].approved), stated=money.stated.get(pk))
            for pk, plan in money.work_plans.items()
            if pk in approved_plan_ids
        ],
        readiness=readiness,
        illustrative=money.illustrative,
    )


def portfolio_key_figures(
    programmes: list[Programme] | QuerySet[Programme], as_of: date
) -> dict[int, ProgrammeKeyFigures]:
    """Each programme's key figures by its primary key: five queries however many there are."""
    return {pk: add_up(money, as_of) for pk, money in read_money(list(programmes), as_of).items()}


def key_figures(programme: Programme, as_of: date) -> ProgrammeKeyFigures:
    return add_up(read_money([programme], as_of)[programme.pk], as_of)
