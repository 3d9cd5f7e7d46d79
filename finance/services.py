"""Writes of transfers and expenditure, each in one transaction."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from budgets.models import FundingSource
from finance.models import Expenditure, Transfer
from workplan.models import Activity, Programme
from workplan.services import raise_versions

# Foreign keys the callers resolved from the database: not queried again, record by record.
NOT_REVALIDATED = ["programme", "work_plan", "agency", "activity", "source", "recorded_by", "reported_by"]


@dataclass(frozen=True)
class QuarterFigures:
    """What an activity's agency committed and disbursed in one quarter, from one source of funds."""

    activity: Activity
    source: FundingSource
    quarter: int
    committed: Decimal
    disbursed: Decimal


@transaction.atomic
def record_transfers(*, programme: Programme, transfers: Iterable[Transfer], user) -> list[Transfer]:
    """Record new transfers of the programme, all or none."""
    transfers = list(transfers)
    for transfer in transfers:
        transfer.programme = programme
        transfer.recorded_by = user
        transfer.full_clean(exclude=NOT_REVALIDATED)
        transfer._history_user = user
        transfer.save()
    return transfers


@transaction.atomic
def record_expenditure(
    *, figures: Iterable[QuarterFigures], user, seen_versions: Mapping[int, int] | None = None
) -> int:
    """Replace the recorded figures of each activity, quarter and source given; returns how many
    records changed. Figures equal to those recorded are left alone, and zeros where nothing is
    recorded record nothing.

    Each activity written has its version raised (`workplan.services.raise_versions`), once for each
    quarter written, so that the quarter's lock is checked (PeriodLocked for an accepted quarter of the
    activity's agency) and, with `seen_versions` (activity id -> version the user saw), an activity
    changed since is refused with StaleActivityError. Nothing is written unless everything may be.
    Figures written are no longer illustrative.
    """
    figures = list(figures)
    locked = {
        activity.pk: activity
        for activity in Activity.objects.select_for_update()
        .filter(pk__in={figure.activity.pk for figure in figures})
        .order_by("pk")
    }
    existing = {
        (record.activity_id, record.quarter, record.source_id): record
        for record in Expenditure.objects.filter(activity_id__in=locked).order_by()
    }
    changed: list[Expenditure] = []
    written_in: dict[int, dict[int, Activity]] = {}  # quarter -> the activities written in it
    for figure in figures:
        activity = locked[figure.activity.pk]
        record = existing.get((activity.pk, figure.quarter, figure.source.pk))
        if record is None:
            if not (figure.committed or figure.disbursed):
                continue
            record = Expenditure(activity=activity, quarter=figure.quarter, source=figure.source)
        elif (record.committed, record.disbursed) == (figure.committed, figure.disbursed):
            continue
        record.committed, record.disbursed = figure.committed, figure.disbursed
        changed.append(record)
        written_in.setdefault(figure.quarter, {})[activity.pk] = activity

    expected = dict(seen_versions) if seen_versions is not None else None
    for quarter, activities in sorted(written_in.items()):
        raise_versions(activities.values(), seen_versions=expected, quarter=quarter)
        if expected is not None:
            # Written in an earlier quarter too: its version went up there, by this write.
            expected.update({pk: activity.version for pk, activity in activities.items()})

    for record in changed:
        # Figures someone reported replace any made up for the demo.
        record.illustrative = False
        record.reported_by = user
        record.full_clean(exclude=NOT_REVALIDATED, validate_unique=False, validate_constraints=False)
        record._history_user = user
        record.save()
    for activity in {pk: a for activities in written_in.values() for pk, a in activities.items()}.values():
        activity._history_user = user
        activity.save(update_fields=["version"])
    return len(changed)
