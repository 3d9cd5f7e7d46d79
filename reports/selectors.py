"""The figures of a quarterly progress report, built once and rendered by the page, the
workbook and the command alike, so that every format shows the same numbers by construction.

`quarterly_report()` runs a fixed number of queries whatever the number of activities: it
reads the work plan's activities, their quarterly progress, budget lines and the indicators
in one query each and assembles the rest in Python.
"""

import hashlib
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.core.cache import cache
from django.db.models.functions import Coalesce
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from budgets.selectors import (
    BUDGET_CACHE_SECONDS,
    NO_OUTPUT_LABEL,
    BudgetFigures,
    WorkPlanBudget,
    latest_changes,
    work_plan_budget,
)
from finance.spending import ReportSpending, work_plan_spending
from outcomes.models import Indicator, IndicatorResult, percent_of_target
from workplan.models import Activity, ActivityProgress, Output, WorkPlan
from workplan.natural_sort import natural_sort_key
from workplan.periods import PLANNED_QUARTER_FIELDS, QUARTERS, ReportPeriod, planned_in
from workplan.selectors import programme_codes

# An activity with one of these statuses needs nothing more: it is neither open nor late.
CLOSED_STATUSES = frozenset({Activity.Status.COMPLETED, Activity.Status.CANCELLED})


@dataclass(slots=True)
class ActivityRow:
    code: str
    title: str
    agency: str
    responsible_party: str
    planned_quarters: tuple[int, ...]
    status: str
    status_label: str
    # The state of implementation given for the report's quarter (for the year to date: the
    # latest given in it, and its quarter); empty when none was given.
    comment: str
    comment_quarter: int | None
    late: bool


@dataclass(frozen=True)
class OutputGroup:
    """A JP output, or "Other" for the activities outside any output (code empty)."""

    code: str
    title: str

    @property
    def heading(self) -> str:
        if not self.code:
            return _("Other")
        return _("JP Output %(code)s: %(title)s") % {"code": self.code, "title": self.title}


@dataclass(frozen=True)
class ActivitySection:
    groups: list[tuple[OutputGroup, list[ActivityRow]]]
    by_status: list[tuple[str, str, int]]  # (status, label, number of listed activities)

    # Read several times by a page (its counts, its pages, its charts): listed once.
    @cached_property
    def rows(self) -> list[ActivityRow]:
        return [row for _group, rows in self.groups for row in rows]

    @cached_property
    def late_count(self) -> int:
        return sum(row.late for row in self.rows)

    def page_groups(self, start: int, stop: int) -> list[tuple[OutputGroup, list[ActivityRow]]]:
        """The groups of the rows from `start` to `stop` - 1, in the order listed, each with those of its
        rows: a page of the activity table."""
        groups, position = [], 0
        for group, rows in self.groups:
            shown = rows[max(start - position, 0) : max(stop - position, 0)]
            if shown:
                groups.append((group, shown))
            position += len(rows)
        return groups


@dataclass(frozen=True)
class BudgetSection:
    """The year's planned budget; `budget` is the shared `work_plan_budget()` of the work plan."""

    budget: WorkPlanBudget
    outputs: list[tuple[OutputGroup, list[tuple[str, BudgetFigures]], BudgetFigures]]

    @property
    def category_lines(self) -> list[tuple[str, Decimal, Decimal | None, Decimal | None]]:
        """(line, listed, stated, stated minus listed) for each category, Mgt support and Total."""
        stated, difference = self.budget.stated or {}, self.budget.difference or {}
        return [
            (label, listed, stated.get(label), difference.get(label))
            for label, listed in self.budget.listed_by_line.items()
        ]


# A result's disaggregation: the fields of its parts, and what they are called.
RESULT_PARTS = (
    ("women", gettext_lazy("Women")),
    ("men", gettext_lazy("Men")),
    ("indigenous", gettext_lazy("Indigenous")),
    ("non_indigenous", gettext_lazy("Non-indigenous")),
)


@dataclass(frozen=True)
class ResultFigures:
    value: Decimal
    as_of: date
    period_label: str
    women: int | None
    men: int | None
    indigenous: int | None
    non_indigenous: int | None

    @property
    def parts(self) -> list[tuple[str, int]]:
        """The disaggregation recorded, such as [("Women", 540)]."""
        return self.labelled_parts({part: str(label) for part, label in RESULT_PARTS})

    def labelled_parts(self, labels: dict[str, str]) -> list[tuple[str, int]]:
        """The disaggregation recorded, each part named by `labels` (a field of RESULT_PARTS -> its label):
        translated once for a table of results rather than for each."""
        return [(labels[part], getattr(self, part)) for part, _label in RESULT_PARTS if getattr(self, part) is not None]


# ResultFigures' fields, in order: read from the database as they are.
RESULT_FIGURES = tuple(field.name for field in fields(ResultFigures))


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    statement: str
    unit: str
    unit_label: str
    baseline: Decimal | None
    baseline_year: int | None
    target: Decimal | None
    target_year: int | None
    in_period: ResultFigures | None
    latest: ResultFigures | None

    @property
    def percent_of_target(self) -> Decimal | None:
        """The latest value as a share of the target, in percent to one decimal."""
        return percent_of_target(self.latest.value if self.latest else None, self.target)


@dataclass(frozen=True)
class QuarterlyReport:
    work_plan: WorkPlan
    period: ReportPeriod
    activities: ActivitySection
    budget: BudgetSection
    indicators: list[tuple[str, list[IndicatorRow]]]  # (outcome heading, its indicators and its outputs')
    # Planned against spent by output and agency; None in a report approved before expenditure was recorded.
    spending: ReportSpending | None = None

    @property
    def currency(self) -> str:
        return self.work_plan.programme.currency


def quarterly_report(work_plan: WorkPlan, period: ReportPeriod) -> QuarterlyReport:
    """Everything a progress report shows. `work_plan` must come with its programme."""
    outputs = {
        output.code: OutputGroup(output.code, output.display_title)
        for output in Output.objects.filter(outcome__programme=work_plan.programme_id)
    }
    budget = work_plan_budget(work_plan)
    return QuarterlyReport(
        work_plan=work_plan,
        period=period,
        activities=_activity_section(work_plan, period, outputs),
        budget=_budget_section(budget, outputs),
        indicators=_indicator_section(work_plan, period),
        spending=work_plan_spending(work_plan, period.quarter, budget),
    )


def _activity_section(work_plan: WorkPlan, period: ReportPeriod, outputs: dict[str, OutputGroup]) -> ActivitySection:
    """The activities the report lists, by output; kept in the cache until an activity or its quarterly
    progress changes, or a code that names them (`_listed_key`): a year may list thousands."""
    key = _listed_key(work_plan, period)
    groups = cache.get(key)
    if groups is None:
        groups = _listed_activities(work_plan, period)
        cache.set(key, groups, BUDGET_CACHE_SECONDS)
    ordered = sorted(groups.items(), key=lambda item: (item[0] == "", natural_sort_key(item[0])))
    counts = Counter(row.status for rows in groups.values() for row in rows)
    return ActivitySection(
        groups=[(outputs.get(code, OutputGroup(code, "")), rows) for code, rows in ordered],
        by_status=[(status, str(label), counts[status]) for status, label in Activity.Status.choices],
    )


def _listed_key(work_plan: WorkPlan, period: ReportPeriod) -> str:
    """The cache key of the activities a report lists, made of what they are read from: the latest change
    to any activity and any quarterly progress (`latest_changes`), the codes of the agencies, partners and
    outputs that name them, and the language of their statuses. Two queries."""
    state = (get_language(), *latest_changes(Activity, ActivityProgress), *programme_codes(work_plan.programme_id))
    digest = hashlib.sha256(":".join(str(part) for part in state).encode()).hexdigest()
    return f"report-activities:{work_plan.pk}:{period.quarter}:{period.year_to_date}:{digest}"


def _listed_activities(work_plan: WorkPlan, period: ReportPeriod) -> dict[str, list[ActivityRow]]:
    """Output code ("" for none) -> the rows of the activities listed under it, in the work plan's order."""
    quarter = period.quarter
    # Only activities planned up to the report's quarter can be listed: those of later quarters
    # only are left in the database. Whether an earlier one is still open is decided below.
    candidates = Activity.objects.filter(planned_in(*range(1, quarter + 1)), work_plan=work_plan)

    progress: dict[int, dict[int, tuple[str, str]]] = defaultdict(dict)
    reported_later: set[int] = set()
    # Unordered: their order does not matter here, and ordering them joins and sorts every activity.
    for activity_id, progress_quarter, status, comment in (
        ActivityProgress.objects.filter(activity__in=candidates.values("pk"))
        .order_by()
        .values_list("activity_id", "quarter", "status", "comment")
    ):
        if progress_quarter <= quarter:
            progress[activity_id][progress_quarter] = (status, comment)
        else:
            reported_later.add(activity_id)

    status_labels = {status: str(label) for status, label in Activity.Status.choices}
    groups: dict[str, list[ActivityRow]] = defaultdict(list)
    # Plain rows rather than model instances: the report may list thousands of activities.
    activities = candidates.order_by("sort_key").values_list(
        "pk",
        "code",
        "title",
        "agency__code",
        "responsible_party__code",
        "output__code",
        *PLANNED_QUARTER_FIELDS,
        "status",
    )
    # Computed once here rather than for each of thousands of activities.
    period_quarters = period.quarters
    covered = set(period_quarters)
    planned_quarters = {
        flags: tuple(q for q, flag in zip(QUARTERS, flags, strict=True) if flag)
        for flags in itertools.product((False, True), repeat=len(QUARTERS))
    }
    for pk, code, title, agency, party, output, *planned_flags, current_status in activities:
        reports = progress.get(pk, {})
        # The status as of the report's quarter: the last one reported up to it. With none, the
        # current status, unless progress was reported only for later quarters: then nothing had
        # been reported yet, and a report of an earlier quarter does not change afterwards.
        if reports:
            status = reports[max(reports)][0]
        elif pk in reported_later:
            status = Activity.Status.PLANNED
        else:
            status = current_status
        planned = planned_quarters[tuple(planned_flags)]
        closed = status in CLOSED_STATUSES
        if covered.isdisjoint(planned) and (closed or not planned or planned[0] >= quarter):
            continue
        commented = [q for q in period_quarters if q in reports and reports[q][1].strip()]
        comment_quarter = max(commented) if commented else None
        groups[output or ""].append(
            ActivityRow(
                code=code,
                title=title,
                agency=agency,
                responsible_party=party or "",
                planned_quarters=planned,
                status=status,
                status_label=status_labels.get(status, status),
                comment=reports[comment_quarter][1] if comment_quarter else "",
                comment_quarter=comment_quarter,
                # Late: every quarter it was planned for has passed and it is still open.
                late=bool(planned) and not closed and max(planned) < quarter,
            )
        )

    return dict(groups)


def _budget_section(budget: WorkPlanBudget, outputs: dict[str, OutputGroup]) -> BudgetSection:
    by_output: dict[str, list[tuple[str, BudgetFigures]]] = defaultdict(list)
    for (output_code, agency_code), figures in budget.by_output_and_agency.items():
        by_output[output_code].append((agency_code, figures))
    return BudgetSection(
        budget=budget,
        outputs=[
            (
                OutputGroup("", "") if code == NO_OUTPUT_LABEL else outputs.get(code, OutputGroup(code, "")),
                by_output[code],
                total,
            )
            for code, total in budget.by_output.items()
        ],
    )


def _indicator_section(work_plan: WorkPlan, period: ReportPeriod) -> list[tuple[str, list[IndicatorRow]]]:
    # Plain rows rather than model instances, two queries: every report page reads every indicator and result.
    indicators = Indicator.objects.of_programme(work_plan.programme_id).values_list(
        "pk",
        "code",
        "statement",
        "unit",
        "baseline",
        "baseline_year",
        "target",
        "target_year",
        "sort_key",
        Coalesce("outcome__number", "output__outcome__number"),
        Coalesce("outcome__statement", "output__outcome__statement"),
    )
    indicators = sorted(indicators, key=lambda row: row[8])
    results: dict[int, list[ResultFigures]] = defaultdict(list)
    for indicator_id, *figures in (
        IndicatorResult.objects.filter(indicator__in=[row[0] for row in indicators])
        .order_by("as_of")
        .values_list("indicator_id", *RESULT_FIGURES)
    ):
        results[indicator_id].append(ResultFigures(*figures))

    unit_labels = dict(Indicator.Unit.choices)
    by_outcome: dict[int, list[IndicatorRow]] = defaultdict(list)
    statements: dict[int, str] = {}
    for pk, code, statement, unit, baseline, baseline_year, target, target_year, _key, number, outcome in indicators:
        statements[number] = outcome
        history = results[pk]
        in_period = [r for r in history if period.start <= r.as_of <= period.end]
        by_outcome[number].append(
            IndicatorRow(
                code=code,
                statement=statement,
                unit=unit,
                unit_label=str(unit_labels.get(unit, unit)),
                baseline=baseline,
                baseline_year=baseline_year,
                target=target,
                target_year=target_year,
                in_period=in_period[-1] if in_period else None,
                # The most recent result on record, whatever its date: what the programme knows today.
                latest=history[-1] if history else None,
            )
        )
    return [
        (_("Outcome %(number)s: %(statement)s") % {"number": number, "statement": statements[number]}, rows)
        for number, rows in sorted(by_outcome.items())
    ]
