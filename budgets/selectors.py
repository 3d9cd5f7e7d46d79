"""Budget figures that pages, reports, exports and commands share.

Amounts are summed from the budget lines and the indirect cost is computed per activity
by `budgets.money.indirect_cost`; a group's indirect cost is the sum of its activities',
so every total shown anywhere adds up to the cent.
"""

import hashlib
from collections import defaultdict
from dataclasses import InitVar, dataclass, field, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext

from budgets.models import (
    BudgetCategory,
    BudgetLine,
    BudgetRevision,
    BudgetRevisionLine,
    StatedBudget,
)
from budgets.money import MGT_SUPPORT, ZERO, format_money, from_cents, indirect_cost, sum_in_cents
from workplan.models import Activity, WorkPlan
from workplan.natural_sort import natural_sort_key
from workplan.selectors import (
    RecordedChange,
    activity_changes_since,
    history_of,
    programme_codes,
    readable_changes,
    seen_at,
)

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
    listed: BudgetFigures
    stated: dict[str, Decimal] | None = field(default=None)
    # (output id, agency id) -> the (output code, agency code) that `by_output_and_agency` names the group by:
    # every pair of the work plan's activities, for figures read by ids to be named as these are.
    group_codes: dict[tuple[int | None, int], tuple[str, str]] = field(default_factory=dict)
    # The direct lines by category in cents, by category id, read with the other figures: a report's copy
    # kept as approved (`reports/snapshot.py`) has none, and reads them when asked as it always has.
    category_cents: InitVar[dict[int, int] | None] = None

    def __post_init__(self, category_cents: dict[int, int] | None) -> None:
        self._category_cents = category_cents

    @cached_property
    def by_activity(self) -> dict[int, BudgetFigures]:
        """Each activity's figures, when first asked for (one query): no page shows them all."""
        return {pk: figures for pk, _agency, _output, figures in _activity_figures(self.work_plan)}

    @cached_property
    def categories(self) -> list[BudgetCategory]:
        return list(BudgetCategory.objects.filter(programme=self.work_plan.programme_id))

    @cached_property
    def by_category(self) -> dict[str, Decimal]:
        """The direct lines by category."""
        cents = self._category_cents
        if cents is None:
            cents = _category_cents(self.work_plan)
        return {category.name: from_cents(cents.get(category.pk)) for category in self.categories}

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
    """The work plan's figures by output, agency and category, and the stated TOTAL row: three queries
    whatever the number of activities when its figures are in the cache (`_figures_key`), five when
    they are computed (the database sums each activity's budget lines, the indirect cost is computed
    here per activity, as everywhere; and the lines by category). `by_category` costs one more (the
    categories' names), `by_activity` one more (each activity's figures)."""
    figures_key = _figures_key(work_plan)
    cached = cache.get(figures_key)
    if cached is None:
        cached = (_sums_by_output_and_agency(work_plan), _category_cents(work_plan))
        cache.set(figures_key, cached, BUDGET_CACHE_SECONDS)
    sums, category_cents = cached
    # The groups are kept by id and named here, so that a code changed since shows at once.
    group_codes = codes_of_groups(work_plan.programme_id, set(sums))
    by_output_and_agency = {
        group_codes[group]: BudgetFigures(direct, indirect) for group, (direct, indirect) in sums.items()
    }
    by_agency: dict[str, BudgetFigures] = defaultdict(BudgetFigures)
    by_output: dict[str, BudgetFigures] = defaultdict(BudgetFigures)
    listed = BudgetFigures()
    # The other groups follow from output x agency: a few dozen additions, not three per activity.
    for (output_code, agency_code), figures in by_output_and_agency.items():
        by_agency[agency_code] += figures
        by_output[output_code] += figures
        listed += figures

    return WorkPlanBudget(
        work_plan=work_plan,
        by_agency=dict(sorted(by_agency.items())),
        by_output=dict(sorted(by_output.items(), key=output_order)),
        by_output_and_agency=dict(sorted(by_output_and_agency.items(), key=_output_and_agency_order)),
        listed=listed,
        stated=_stated_totals(work_plan),
        group_codes=group_codes,
        category_cents=category_cents,
    )


def codes_of_groups(
    programme_id: int, groups: set[tuple[int | None, int]]
) -> dict[tuple[int | None, int], tuple[str, str]]:
    """(output id, agency id) -> (output code, agency code), "Other" for no output: one query."""
    codes = {(kind, pk): code for kind, pk, code in programme_codes(programme_id)}
    return {
        (output, agency): (codes.get(("output", output), NO_OUTPUT_LABEL), codes["agency", agency])
        for output, agency in groups
    }


# The figures stay in the cache this long at most; a change to the work plan replaces them at once (`_figures_key`).
BUDGET_CACHE_SECONDS = 60 * 60


def _figures_key(work_plan: WorkPlan) -> str:
    """The cache key of a work plan's figures, made of what they are computed from: the programme's
    rate and the latest change to any activity and any budget line (`latest_changes`)."""
    state = ":".join(
        str(part) for part in (work_plan.programme.indirect_cost_rate, *latest_changes(Activity, BudgetLine))
    )
    return f"work-plan-budget:{work_plan.pk}:{hashlib.sha256(state.encode()).hexdigest()}"


def latest_changes(*models) -> tuple:
    """What tells the cached figures computed from `models` (each with its history) apart from any
    later ones: the latest history record of each, its id and time, and its highest row id. Every
    change to those, deletions and imports included, writes a history record in the same transaction,
    so any change gives a new state. The record's time tells it apart from one of a transaction rolled
    back since, whose number the database may hand out again; the highest row ids cover rows added
    before their history is written (the bulk writes of `workplan.bulk_history`). One query, written as
    SQL: every page with figures runs it, and the ORM took seven times as long to build it as the
    database to answer it."""
    quote = connection.ops.quote_name
    newest = []
    for model in models:
        latest_change = f"FROM {quote(history_of(model).model._meta.db_table)} ORDER BY history_id DESC LIMIT 1"
        newest += [
            f"(SELECT history_id {latest_change})",
            f"(SELECT history_date {latest_change})",
            f"(SELECT MAX(id) FROM {quote(model._meta.db_table)})",
        ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(newest)}")
        return cursor.fetchone()


def _activity_figures(work_plan: WorkPlan):
    """(activity id, agency id, output id, figures) of each activity of the work plan: the database
    sums its budget lines, the indirect cost is computed here, per activity."""
    rate = work_plan.programme.indirect_cost_rate
    activities = (
        Activity.objects.filter(work_plan=work_plan)
        .values_list("pk", "agency_id", "output_id")
        .annotate(direct_cents=sum_in_cents("budget_lines__amount"))
        .order_by()
    )
    for activity_id, agency_id, output_id, direct_cents in activities:
        yield activity_id, agency_id, output_id, budget_figures(from_cents(direct_cents), rate)


def _category_cents(work_plan: WorkPlan) -> dict[int, int]:
    """Category id -> the direct lines of the work plan in it, in cents, summed by the database."""
    return dict(
        BudgetLine.objects.filter(activity__work_plan=work_plan)
        .values_list("category_id")
        .annotate(cents=sum_in_cents("amount"))
        .order_by()
    )


def _sums_by_output_and_agency(work_plan: WorkPlan) -> dict[tuple[int | None, int], tuple[Decimal, Decimal]]:
    """(output id, agency id) -> (direct, indirect): the indirect cost of a group is the sum of its activities'."""
    sums: dict[tuple[int | None, int], tuple[Decimal, Decimal]] = {}
    for _pk, agency_id, output_id, figures in _activity_figures(work_plan):
        direct, indirect = sums.get((output_id, agency_id), (ZERO, ZERO))
        sums[output_id, agency_id] = (direct + figures.direct, indirect + figures.indirect)
    return sums


def output_order(item: tuple[str, BudgetFigures]):
    code = item[0]
    return (code == NO_OUTPUT_LABEL, natural_sort_key(code))


def _output_and_agency_order(item: tuple[tuple[str, str], BudgetFigures]):
    (output_code, agency_code), figures = item
    return (*output_order((output_code, figures)), agency_code)


def _stated_totals(work_plan: WorkPlan) -> dict[str, Decimal] | None:
    """The TOTAL row as printed: one query."""
    rows = list(
        StatedBudget.objects.filter(work_plan=work_plan).values_list(
            "indirect_cost", "total", "category_totals__category__name", "category_totals__amount"
        )
    )
    if not rows:
        return None
    indirect, total = rows[0][:2]
    by_line = {category: amount for _indirect, _total, category, amount in rows if category is not None}
    return {**by_line, INDIRECT_COST_LABEL: indirect, TOTAL_LABEL: total}


def budget_line_changes_since(activity: Activity, *, since: datetime | None) -> list[RecordedChange]:
    """The activity's budget lines added, changed or removed after `since` (ever, with None), oldest
    first: each named by its category and source of funds, the amount before and after. One query."""
    records = (
        history_of(BudgetLine).filter(activity_id=activity.pk).select_related("history_user", "category", "source")
    )
    records = list(records.order_by("history_date", "history_id"))
    changes = readable_changes(records, fields=["amount"], formatters={"amount": format_money})
    named = []
    for record, change in zip(records, changes, strict=True):
        if since is not None and record.history_date <= since:
            continue
        line = f"{record.category} ({record.source})"
        if change.fields is None:
            amounts = [(line, gettext("(not recorded)"), format_money(record.amount))]
        else:
            amounts = [(line, before, after) for _label, before, after in change.fields]
        named.append(replace(change, fields=amounts))
    return named


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


# Budget revisions: the original budget (revision 0) against the current one.


@dataclass(frozen=True)
class BudgetChange:
    """A group's budget (a JP output, an agency, both, or the whole plan) at the original and now."""

    key: str | tuple[str, str]
    original: BudgetFigures
    current: BudgetFigures

    @property
    def difference(self) -> Decimal:
        return self.current.total - self.original.total


@dataclass
class BudgetComparison:
    """A work plan's original budget against its current budget lines, by output, agency and both."""

    original: BudgetRevision
    by_output: list[BudgetChange]
    by_agency: list[BudgetChange]
    by_output_and_agency: list[BudgetChange]
    total: BudgetChange

    @property
    def moved_between_outputs(self) -> Decimal:
        """What was taken from some JP outputs and given to others (Mgt support included): the smaller
        of the outputs' increases and decreases, so that money added to the plan, or cut from it,
        is not counted as moved."""
        increases = sum((change.difference for change in self.by_output if change.difference > 0), ZERO)
        decreases = sum((-change.difference for change in self.by_output if change.difference < 0), ZERO)
        return min(increases, decreases)

    @property
    def moved_share_percent(self) -> Decimal | None:
        """The share moved, as a percentage of the original total to one decimal; None for no original total."""
        if not self.total.original.total:
            return None
        share = self.moved_between_outputs * 100 / self.total.original.total
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def needs_pmc_approval(self) -> bool:
        """More than BUDGET_REVISION_PMC_SHARE_PERCENT of the original total moved between outputs,
        compared exactly, to the cent."""
        threshold = settings.BUDGET_REVISION_PMC_SHARE_PERCENT
        return self.moved_between_outputs * 100 > threshold * self.total.original.total


def revision_budget(revision: BudgetRevision) -> dict[tuple[str, str], BudgetFigures]:
    """A revision's budget by (output code, agency code), one query: each activity's lines summed
    by the database, its indirect cost computed per activity as `work_plan_budget` does."""
    rate = revision.work_plan.programme.indirect_cost_rate
    activities = (
        BudgetRevisionLine.objects.filter(revision=revision)
        .values_list("activity_id", "output__code", "agency__code")
        .annotate(direct_cents=sum_in_cents("amount"))
        .order_by()
    )
    groups: dict[tuple[str, str], BudgetFigures] = defaultdict(BudgetFigures)
    for _activity_id, output_code, agency_code, direct_cents in activities:
        groups[(output_code or NO_OUTPUT_LABEL, agency_code)] += budget_figures(from_cents(direct_cents), rate)
    return dict(groups)


def lines_changed_since(revision: BudgetRevision) -> bool:
    """Whether the work plan's budget lines differ from those recorded at the revision."""

    def lines(queryset):
        return set(queryset.values_list("activity_id", "category_id", "source_id", "amount"))

    return lines(BudgetLine.objects.filter(activity__work_plan=revision.work_plan_id)) != lines(revision.lines.all())


def revised_budget_comparison(work_plan: WorkPlan) -> BudgetComparison | None:
    """The original against the current budget of a plan with a revision recorded; None before."""
    if not BudgetRevision.objects.filter(work_plan=work_plan, number__gt=0).exists():
        return None
    return budget_comparison(work_plan)


def budget_comparison(work_plan: WorkPlan) -> BudgetComparison | None:
    """The original budget against the current one; None while the plan has no original (not yet approved)."""
    original = BudgetRevision.objects.filter(work_plan=work_plan, number=0).first()
    if original is None:
        return None
    original.work_plan = work_plan
    return _compare_budgets(original, revision_budget(original), work_plan_budget(work_plan).by_output_and_agency)


def _compare_budgets(
    original: BudgetRevision,
    original_groups: dict[tuple[str, str], BudgetFigures],
    current_groups: dict[tuple[str, str], BudgetFigures],
) -> BudgetComparison:
    pairs = {
        key: (original_groups.get(key, BudgetFigures()), current_groups.get(key, BudgetFigures()))
        for key in {*original_groups, *current_groups}
    }
    by_output: dict[str, list[BudgetFigures]] = defaultdict(lambda: [BudgetFigures(), BudgetFigures()])
    by_agency: dict[str, list[BudgetFigures]] = defaultdict(lambda: [BudgetFigures(), BudgetFigures()])
    total = [BudgetFigures(), BudgetFigures()]
    for (output_code, agency_code), (before, now) in pairs.items():
        for sums in (by_output[output_code], by_agency[agency_code], total):
            sums[0] += before
            sums[1] += now
    return BudgetComparison(
        original=original,
        by_output=[BudgetChange(code, *sums) for code, sums in sorted(by_output.items(), key=output_order)],
        by_agency=[BudgetChange(code, *sums) for code, sums in sorted(by_agency.items())],
        by_output_and_agency=[
            BudgetChange(key, *sums) for key, sums in sorted(pairs.items(), key=_output_and_agency_order)
        ],
        total=BudgetChange("", *total),
    )


def activities_to_carry_over(work_plan: WorkPlan) -> QuerySet[Activity]:
    """What the next year continues unless the coordinator picks otherwise: activities neither completed
    nor cancelled."""
    return work_plan.activities.exclude(status__in=[Activity.Status.COMPLETED, Activity.Status.CANCELLED])
