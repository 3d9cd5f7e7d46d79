"""Writes to the work plan that span several records, each in one transaction."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction

from workplan.change_reasons import record_change
from workplan.models import Activity, ActivityProgress
from workplan.reporting import progress_change_reason, refuse_locked_changes


@dataclass
class StaleActivityError(Exception):
    """Someone saved the activity after the form was opened: their version is `current`."""

    current: Activity


def raise_versions(
    activities: Iterable[Activity],
    *,
    seen_versions: Mapping[int, int] | None = None,
    quarter: int | None = None,
    override_locks: bool = False,
) -> None:
    """The one place an activity's version goes up: every way of changing an activity (its pages,
    the workbook import, the admin and its imports) calls it before saving, so that a form opened
    on an older version is refused, and the reporting cycle's period locks are checked here
    (`workplan.reporting.refuse_locked_changes`): a write to an accepted quarter raises PeriodLocked.
    `quarter` is the quarter whose progress is written (None for a change of the plan: its budget
    lines, its fields, its timeframe, whose Q marks are checked against the accepted quarters).

    The caller holds the activities' rows locked (select_for_update) and saves the new version.
    With `seen_versions` (activity id -> the version the user saw), an activity changed since is
    refused with StaleActivityError. `override_locks` lets a superuser's change through a period lock
    (`permissions.can_override_period_locks`; the admin records their reason with the change).
    """
    activities = list(activities)
    if not override_locks:
        refuse_locked_changes(activities, quarter=quarter)
    for activity in activities:
        if seen_versions is not None and activity.version != seen_versions.get(activity.pk, activity.version):
            raise StaleActivityError(current=activity)
        activity.version += 1


@transaction.atomic
def mark_changed(*, activity_ids: Iterable[int]) -> None:
    """Raise the version of activities whose related records (budget lines) were changed outside
    the app's forms, so that a form opened before is refused."""
    locked = list(Activity.objects.select_for_update().filter(pk__in=set(activity_ids)).order_by("pk"))
    raise_versions(locked)
    Activity.objects.bulk_update(locked, ["version"])


@transaction.atomic
def report_progress(
    *, activity: Activity, quarter: int, status: str, comment: str, user, seen_version: int
) -> ActivityProgress:
    """Record the status and state of implementation of an activity for one quarter.

    The activity's current status and comment follow the report of its latest quarter (a late
    report on an earlier quarter does not undo a later one), and its version goes up.
    Refused with StaleActivityError when the activity changed since `seen_version` was read,
    so that two people editing at once never overwrite each other silently, and with
    PeriodLocked when the agency's quarter was accepted.
    """
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    raise_versions([locked], seen_versions={locked.pk: seen_version}, quarter=quarter)

    progress = ActivityProgress.objects.filter(activity=locked, quarter=quarter).first() or ActivityProgress(
        activity=locked, quarter=quarter
    )
    progress.status = status
    progress.comment = comment
    progress.reported_by = user
    reason = progress_change_reason(locked, quarter)
    record_change(progress, user=user, reason=reason)
    progress.full_clean()
    progress.save()

    latest_quarter = locked.progress_reports.order_by("-quarter").values_list("quarter", flat=True).first()
    if quarter >= latest_quarter:
        locked.status = status
        locked.implementation_comment = comment
    record_change(locked, user=user, reason=reason)
    locked.save(update_fields=["status", "implementation_comment", "version"])
    return progress
