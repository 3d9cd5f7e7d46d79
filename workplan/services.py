"""Writes to the work plan that span several records, each in one transaction."""

from dataclasses import dataclass

from django.db import transaction

from workplan.models import Activity, ActivityProgress


@dataclass
class StaleActivityError(Exception):
    """Someone saved the activity after the form was opened: their version is `current`."""

    current: Activity


@transaction.atomic
def report_progress(
    *, activity: Activity, quarter: int, status: str, comment: str, user, seen_version: int
) -> ActivityProgress:
    """Record the status and state of implementation of an activity for one quarter.

    The activity's current status and comment follow the report of its latest quarter (a late
    report on an earlier quarter does not undo a later one), and its version goes up.
    Refused with StaleActivityError when the activity changed since `seen_version` was read,
    so that two people editing at once never overwrite each other silently.
    """
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.version != seen_version:
        raise StaleActivityError(current=locked)

    progress = ActivityProgress.objects.filter(activity=locked, quarter=quarter).first() or ActivityProgress(
        activity=locked, quarter=quarter
    )
    progress.status = status
    progress.comment = comment
    progress.reported_by = user
    progress.full_clean()
    progress.save()

    latest_quarter = locked.progress_reports.order_by("-quarter").values_list("quarter", flat=True).first()
    if quarter >= latest_quarter:
        locked.status = status
        locked.implementation_comment = comment
    locked.version += 1  # the row is locked: no one else can have raised it meanwhile
    locked._history_user = user
    locked.save(update_fields=["status", "implementation_comment", "version"])
    return progress
