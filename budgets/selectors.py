"""Budget figures that pages, reports, exports and commands share.

Amounts are summed from the budget lines and the indirect cost is computed per activity
by `budgets.money.indirect_cost`; a group's indirect cost is the sum of its activities',
so every total shown anywhere adds up to the cent.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property

from django.db.models import BigIntegerField, F, QuerySet, Sum
from django.db.models.functions import Cast, Round
from django.utils.translation import gettext

from budgets.models import BudgetCategory, BudgetLine, StatedBudget, StatedCategoryTotal
from budgets.money import MGT_SUPPORT, ZERO, format_money, indirect_cost
from workplan.models import Activity, WorkPlan
from workplan.natural_sort import natural_sort_key
from workplan.selectors import NO_VALUE, RecordedChange, activity_changes_since, seen_at

# Keys of the machine-readable summary, as the programme's own work plan labels its lines.
INDIRECT_COST_LABEL = MGT_SUPPORT
TOTAL_LABEL = "Total"
NO_OUTPUT_LABEL = "Other"


@dataclass(frozen=True)
class BudgetFigures:
    direct: Decimal = ZERO
    indirect: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.direct + self.indirect

    def __add__(self, other: "BudgetFigures") -> "BudgetFigures":
        return BudgetFigures(self.direct + other.direct, self.indirect + other.indirect)


def budget_figures(direct: Decimal, rate: Decimal) -> BudgetFigures:
    """An activity's figures from the sum of its direct lines."""
    return BudgetFigures(direct, indirect_cost(direct, rate))


def activity_budget(activity: Activity) -> BudgetFigures:
    """One activity's figures; uses prefetched `budget_lines` when there are some."""
    direct = sum((line.amount for line in activity.budget_lines.all()), ZERO)
    return budget_figures(direct, activity.work_plan.programme.indirect_cost_rate)


def with_budget(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """Annotate `direct_budget` so that `budget_of(activity)` needs no further query."""
    return activities.select_related("work_plan__programme").annotate(direct_budget=Sum("budget_lines__amount"))


def budget_of(activity: Activity) -> BudgetFigures:
    """Figures of an activity fetched through `with_budget()`."""
    return budget_figures(activity.direct_budget or ZERO, activity.work_plan.programme.indirect_cost_rate)


@dataclass
class WorkPlanBudget:
    """A work plan's budget: what its listed activities add up to, and the TOTAL row as printed."""

    work_plan: WorkPlan
    by_agency: dict[str, BudgetFigures]
    by_output: dict[str, BudgetFigures]
    by_output_and_agency: dict[tuple[str, str], BudgetFigures]
    by_activity: dict[int, BudgetFigures]
    listed: BudgetFigures
    stated: dict[str, Decimal] | None = field(default=None)

    @cached_property
    def categories(self) -> list[BudgetCategory]:
        return list(BudgetCategory.objects.filter(programme=self.work_plan.programme_id))

    @cached_property
    def by_category(self) -> dict[str, Decimal]:
        """The direct lines by category, summed by the database when first asked for (two queries):
        the reports and the budget summary show them, the dashboard does not."""
        cents = dict(
            BudgetLine.objects.filter(activity__work_plan=self.work_plan)
            .values_list("category_id")
            .annotate(cents=_sum_in_cents("amount"))
            .order_by()
        )
        return {category.name: _from_cents(cents.get(category.pk)) for category in self.categories}

    @property
    def listed_by_line(self) -> dict[str, Decimal]:
        """The computed counterpart of the TOTAL row: categories, Mgt support and Total."""
        return {**self.by_category, INDIRECT_COST_LABEL: self.listed.indirect, TOTAL_LABEL: self.listed.total}

    @property
    def difference(self) -> dict[str, Decimal] | None:
        """Stated minus listed, per line of the TOTAL row: what the printed plan holds beyond its
        listed activities (positive) or short of them (negative)."""
        if self.stated is None:
            return None
        listed = self.listed_by_line
        return {label: self.stated.get(label, ZERO) - listed.get(label, ZERO) for label in listed}

    @property
    def total_difference(self) -> Decimal | None:
        """Stated minus listed on the Total line alone (`difference` sums the categories too)."""
        if self.stated is None:
            return None
        return self.stated.get(TOTAL_LABEL, ZERO) - self.listed.total


def work_plan_budget(work_plan: WorkPlan) -> WorkPlanBudget:
    """Three queries whatever the number of activities: the database sums each activity's budget
    lines, the indirect cost is computed here per activity, as everywhere; and the stated TOTAL row.
    `by_category` costs two more when asked for."""
    rate = work_plan.programme.indirect_cost_rate
    activities = (
        Activity.objects.filter(work_plan=work_plan)
        .values_list("pk", "agency__code", "output__code")
        .annotate(direct_cents=_sum_in_cents("budget_lines__amount"))
        .order_by()
    )

    by_activity: dict[int, BudgetFigures] = {}
    by_agency: dict[str, BudgetFigures] = defaultdict(BudgetFigures)
    by_output: dict[str, BudgetFigures] = defaultdict(BudgetFigures)
    sums: dict[tuple[str, str], list[Decimal]] = {}  # (output, agency) -> [direct, indirect]
    listed = BudgetFigures()
    for activity_id, agency_code, output_code, direct_cents in activities:
        figures = budget_figures(_from_cents(direct_cents), rate)
        by_activity[activity_id] = figures
        group = sums.setdefault((output_code or NO_OUTPUT_LABEL, agency_code), [ZERO, ZERO])
        group[0] += figures.direct
        group[1] += figures.indirect
    by_output_and_agency = {key: BudgetFigures(direct, indirect) for key, (direct, indirect) in sums.items()}
    # The other groups follow from output x agency: a few dozen additions, not three per activity.
    for (output_code, agency_code), figures in by_output_and_agency.items():
        by_agency[agency_code] += figures
        by_output[output_code] += figures
        listed += figures

    return WorkPlanBudget(
        work_plan=work_plan,
        by_agency=dict(sorted(by_agency.items())),
        by_output=dict(sorted(by_output.items(), key=_output_order)),
        by_output_and_agency=dict(sorted(by_output_and_agency.items(), key=_output_and_agency_order)),
        by_activity=by_activity,
        listed=listed,
        stated=_stated_totals(work_plan),
    )


def _sum_in_cents(amount_field: str, **options) -> Sum:
    """The sum of an amount column in whole cents, added up as integers: exact on every database,
    where SQLite keeps decimals as binary floating point and a sum of thousands of them could drift.
    `options` go to `Sum` (`filter=`)."""
    return Sum(Cast(Round(F(amount_field) * 100), BigIntegerField()), **options)


def _from_cents(cents: int | Decimal | None) -> Decimal:
    return Decimal(int(cents or 0)).scaleb(-2)


def _output_order(item: tuple[str, BudgetFigures]):
    code = item[0]
    return (code == NO_OUTPUT_LABEL, natural_sort_key(code))


def _output_and_agency_order(item: tuple[tuple[str, str], BudgetFigures]):
    (output_code, agency_code), figures = item
    return (*_output_order((output_code, figures)), agency_code)


def _stated_totals(work_plan: WorkPlan) -> dict[str, Decimal] | None:
    """The TOTAL row as printed: two queries."""
    stated = StatedBudget.objects.filter(work_plan=work_plan).values_list("pk", "indirect_cost", "total").first()
    if stated is None:
        return None
    pk, indirect, total = stated
    by_line = StatedCategoryTotal.objects.filter(stated_budget=pk).values_list("category__name", "amount")
    return {**dict(by_line), INDIRECT_COST_LABEL: indirect, TOTAL_LABEL: total}


def budget_line_changes_since(activity: Activity, *, since: datetime | None) -> list[RecordedChange]:
    """The activity's budget lines added, changed or removed after `since`, oldest first."""
    records = BudgetLine.history.filter(activity_id=activity.pk)
    if since is not None:
        records = records.filter(history_date__gt=since)
    changes = []
    for record in records.select_related("history_user", "category", "source").order_by("history_date", "history_id"):
        amount = format_money(record.amount)
        if record.history_type == "+":
            before, after = NO_VALUE, amount
        elif record.history_type == "-":
            before, after = amount, NO_VALUE
        else:
            previous = record.prev_record
            before, after = (format_money(previous.amount) if previous else gettext("(not recorded)")), amount
        label = f"{record.category} ({record.source})"
        changes.append(
            RecordedChange(user=record.history_user, at=record.history_date, fields=[(label, before, after)])
        )
    return changes


def activity_and_budget_changes_since(
    activity: Activity, *, seen_version: int, opened_at: datetime | None
) -> list[RecordedChange]:
    """What changed in an activity and its budget lines since a form was opened on `seen_version`,
    oldest first: its saves above that version, and its lines' changes since the form was opened
    (or, not knowing when, since that version was saved)."""
    since = opened_at or seen_at(activity, seen_version=seen_version)
    changes = [
        *activity_changes_since(activity, seen_version=seen_version),
        *budget_line_changes_since(activity, since=since),
    ]
    return sorted(changes, key=lambda change: change.at)
