"""Reads of transfers and expenditure that the pages, the workbook and the commands share."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, QuerySet, Sum

from budgets.models import BudgetLine, FundingSource
from budgets.money import ZERO
from finance.models import Expenditure, Transfer
from workplan.models import Activity, Programme, WorkPlan
from workplan.periods import QUARTERS


@dataclass
class ExpenditureRow:
    """One activity and one source of funds: its planned direct budget from that source, and the
    committed and disbursed figures recorded for each quarter of the work plan year."""

    activity: Activity
    source: FundingSource
    planned: Decimal
    recorded: dict[int, Expenditure] = field(default_factory=dict)  # quarter -> its record

    def committed(self, quarter: int) -> Decimal:
        record = self.recorded.get(quarter)
        return record.committed if record else ZERO

    def disbursed(self, quarter: int) -> Decimal:
        record = self.recorded.get(quarter)
        return record.disbursed if record else ZERO

    @property
    def by_quarter(self) -> list[tuple[int, Decimal, Decimal]]:
        return [(quarter, self.committed(quarter), self.disbursed(quarter)) for quarter in QUARTERS]


def expenditure_rows(
    work_plan: WorkPlan, *, agency_ids: Iterable[int] | None = None, activity_ids: Iterable[int] | None = None
) -> list[ExpenditureRow]:
    """The work plan's activities (of these agencies, or these activities only), in the work plan's
    order, one row per source of funds of their budget lines and recorded expenditure. An activity
    with neither is reported against the first source of funds. Four queries, whatever the number
    of activities."""
    activities = Activity.objects.filter(work_plan=work_plan).select_related("agency", "output")
    if agency_ids is not None:
        activities = activities.filter(agency_id__in=set(agency_ids))
    if activity_ids is not None:
        activities = activities.filter(pk__in=set(activity_ids))
    activities = list(activities.order_by(F("output__sort_key").asc(nulls_last=True), "sort_key"))
    for activity in activities:
        activity.work_plan = work_plan
    ids = [activity.pk for activity in activities]
    sources = {source.pk: source for source in FundingSource.objects.order_by("code")}
    planned: dict[tuple[int, int], Decimal] = {
        (activity_id, source_id): amount
        for activity_id, source_id, amount in BudgetLine.objects.filter(activity_id__in=ids)
        .values("activity_id", "source_id")
        .annotate(amount=Sum("amount"))
        .values_list("activity_id", "source_id", "amount")
        .order_by()
    }
    recorded: dict[tuple[int, int], dict[int, Expenditure]] = {}
    for record in Expenditure.objects.filter(activity_id__in=ids).order_by():
        recorded.setdefault((record.activity_id, record.source_id), {})[record.quarter] = record
    sources_of: dict[int, set[int]] = {}
    for activity_id, source_id in [*planned, *recorded]:
        sources_of.setdefault(activity_id, set()).add(source_id)
    first_source = next(iter(sources), None)
    rows = []
    for activity in activities:
        source_ids = sources_of.get(activity.pk) or ({first_source} if first_source else set())
        for source_id in sorted(source_ids, key=lambda pk: sources[pk].code):
            key = (activity.pk, source_id)
            rows.append(
                ExpenditureRow(
                    activity=activity,
                    source=sources[source_id],
                    planned=planned.get(key, ZERO),
                    recorded=recorded.get(key, {}),
                )
            )
    return rows


def transfers_of(programme: Programme) -> QuerySet[Transfer]:
    return (
        Transfer.objects.filter(programme=programme)
        .select_related("agency", "work_plan", "recorded_by")
        .order_by("date", "agency__code", "pk")
    )
