"""Reads of indicators and results that pages and reports share."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from outcomes.models import Indicator, IndicatorResult, percent_of_target
from workplan.models import Activity, Programme


@dataclass(frozen=True)
class IndicatorProgress:
    indicator: Indicator
    latest: IndicatorResult | None

    @property
    def percent_of_target(self) -> Decimal | None:
        """How far the latest value has gone toward the target, in percent (one decimal)."""
        return percent_of_target(self.latest.value if self.latest else None, self.indicator.target)


def indicator_progress(programme: Programme) -> list[IndicatorProgress]:
    """Every indicator of the programme with its latest result, by outcome and then by output
    (an outcome's own indicators first): two queries."""
    # Each indicator's latest result only (one a date: `one_result_per_indicator_and_date`), not its history.
    latest_date = IndicatorResult.objects.filter(indicator=OuterRef("indicator")).order_by("-as_of").values("as_of")
    latest = IndicatorResult.objects.filter(as_of=Subquery(latest_date[:1]))
    indicators = (
        Indicator.objects.of_programme(programme)
        .select_related("outcome", "output__outcome")
        .prefetch_related(Prefetch("results", latest, to_attr="latest_results"))
    )
    return [
        IndicatorProgress(indicator, indicator.latest_results[0] if indicator.latest_results else None)
        for indicator in sorted(indicators, key=_results_chain_order)
    ]


@dataclass(frozen=True, slots=True)
class LatestValue:
    code: str
    target: Decimal | None
    value: Decimal | None  # the latest result's; None before the first result


def latest_values(programme: Programme) -> list[LatestValue]:
    """Every indicator of the programme with its target and its latest result's value, in the order of
    `indicator_progress`: one query and no model instances, for the dashboard's counts and chart."""
    latest_value = IndicatorResult.objects.filter(indicator=OuterRef("pk")).order_by("-as_of").values("value")[:1]
    rows = (
        Indicator.objects.of_programme(programme)
        .order_by()
        .values_list(
            "code",
            "target",
            Subquery(latest_value),
            Coalesce("outcome__number", "output__outcome__number"),
            "output__sort_key",
            "sort_key",
        )
    )
    # Sorted here as `_results_chain_order` sorts: the database's collation may order the keys otherwise.
    ordered = sorted(rows, key=lambda row: (row[3], row[4] or "", row[5]))
    return [LatestValue(code, target, value) for code, target, value, *_order in ordered]


def _results_chain_order(indicator: Indicator):
    if indicator.output_id:
        return (indicator.output.outcome.number, indicator.output.sort_key, indicator.sort_key)
    return (indicator.outcome.number, "", indicator.sort_key)


def agencies_reporting_on(programme: Programme) -> dict[int, set[int]]:
    """Indicator id -> the agencies that may report its results: those with activities under
    the indicator's output, or under any output of the indicator's outcome."""
    by_output: dict[int, set[int]] = defaultdict(set)
    by_outcome: dict[int, set[int]] = defaultdict(set)
    rows = Activity.objects.filter(work_plan__programme=programme, output__isnull=False).values_list(
        "output_id", "output__outcome_id", "agency_id"
    )
    for output_id, outcome_id, agency_id in rows.distinct():
        by_output[output_id].add(agency_id)
        by_outcome[outcome_id].add(agency_id)
    indicators = Indicator.objects.of_programme(programme).values_list("pk", "output_id", "outcome_id")
    return {
        pk: set(by_output[output_id]) if output_id else set(by_outcome[outcome_id])
        for pk, output_id, outcome_id in indicators
    }
