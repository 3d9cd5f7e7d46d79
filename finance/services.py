"""Writes of transfers and expenditure, each in one transaction."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from budgets.models import FundingSource
from finance.models import Expenditure, Transfer
from workplan.bulk_history import create_with_history, update_with_history
from workplan.change_reasons import ChangeReason, change_reason
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
def delete_transfer(*, transfer: Transfer, user) -> None:
    """Remove a transfer recorded by mistake; its history keeps what it was and who removed it."""
    transfer._history_user = user
    transfer.delete()


@transaction.atomic
def record_expenditure(
    *,
    figures: Iterable[QuarterFigures],
    user,
    seen_versions: Mapping[int, int] | None = None,
    reason: str = change_reason(ChangeReason.EXPENDITURE_REPORTED),
) -> int:
    """Replace the recorded figures of each activity, quarter and source given; returns how many
    records changed. Figures equal to those recorded are left alone, and zeros where nothing is
    recorded record nothing.

    Each activity written has its version raised (`workplan.services.raise_versions`), once for each
    quarter written, so that the quarter's lock is checked (PeriodLocked for an accepted quarter of the
    activity's agency) and, with `seen_versions` (activity id -> version the user saw), an activity
    changed since is refused with StaleActivityError. Nothing is written unless everything may be.
    Figures written are no longer illustrative. The history records the user and `reason`; the rows
    are written in bulk, so that a workbook of thousands of figures takes a few statements.
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
    created: list[Expenditure] = []
    changed: list[Expenditure] = []
    written_in: dict[int, dict[int, Activity]] = {}  # quarter -> the activities written in it
    now = timezone.now()
    for figure in figures:
        activity = locked[figure.activity.pk]
        record = existing.get((activity.pk, figure.quarter, figure.source.pk))
        if record is None:
            if not (figure.committed or figure.disbursed):
                continue
            record = Expenditure(activity=activity, quarter=figure.quarter, source=figure.source)
            created.append(record)
        elif (record.committed, record.disbursed) == (figure.committed, figure.disbursed):
            continue
        else:
            changed.append(record)
        record.committed, record.disbursed = figure.committed, figure.disbursed
        # Figures someone reported replace any made up for the demo.
        record.illustrative = False
        record.reported_by, record.reported_at = user, now
        record.full_clean(exclude=NOT_REVALIDATED, validate_unique=False, validate_constraints=False)
        written_in.setdefault(figure.quarter, {})[activity.pk] = activity

    expected = dict(seen_versions) if seen_versions is not None else None
    for quarter, activities in sorted(written_in.items()):
        raise_versions(activities.values(), seen_versions=expected, quarter=quarter)
        if expected is not None:
            # Written in an earlier quarter too: its version went up there, by this write.
            expected.update({pk: activity.version for pk, activity in activities.items()})

    create_with_history(Expenditure, created, user=user, reason=reason)
    update_with_history(
        Expenditure, changed, ["committed", "disbursed", "illustrative", "reported_by", "reported_at"],
        user=user, reason=reason,
    )  # fmt: skip
    written = {pk: activity for activities in written_in.values() for pk, activity in activities.items()}
    update_with_history(Activity, list(written.values()), ["version"], user=user, reason=reason)
    return len(created) + len(changed)
