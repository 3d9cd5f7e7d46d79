"""Applying a work plan import: an import plan without problems written in one transaction,
with the history."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from budgets.models import BudgetLine
from exchange.import_plan import ACTIVITY_FIELDS, CHANGED, CREATED, UNCHANGED, ImportPlan
from workplan.bulk_history import create_with_history, delete_with_history, update_with_history
from workplan.change_reasons import ChangeReason, change_reason
from workplan.models import Activity
from workplan.reporting import PeriodLocked, refuse_locked_changes
from workplan.services import raise_versions

# Foreign keys were resolved from database records while reading the file: not queried again, one by one.
NOT_REVALIDATED = ["work_plan", "output", "agency", "responsible_party", "activity", "category", "source"]


class ImportRefused(Exception):
    """The plan has problems, or the work plan changed since it was read."""


@dataclass(frozen=True)
class ImportSummary:
    created: int
    changed: int
    unchanged: int


@transaction.atomic
def import_work_plan(*, plan: ImportPlan, user=None, seen_versions: dict[int, int] | None = None) -> ImportSummary:
    """Apply an import plan, all or nothing, recording history with the user.

    `seen_versions` are the activities' versions when the user saw the preview: an activity
    saved by someone else since then is not overwritten.
    """
    if not plan.is_valid:
        raise ImportRefused(_("The workbook has problems; nothing was imported."))
    reason = change_reason(ChangeReason.IMPORTED)
    created = plan.with_action(CREATED)
    changed = plan.with_action(CHANGED)
    _refuse_if_edited_meanwhile(changed, seen_versions)

    new_activities = []
    for planned in created:
        activity = Activity(work_plan=plan.work_plan, code=planned.code, **planned.values)
        activity.full_clean(exclude=NOT_REVALIDATED, validate_unique=False, validate_constraints=False)
        new_activities.append(activity)
    try:
        # New activities planned in an accepted quarter would change what the agency reported on.
        refuse_locked_changes(new_activities)
    except PeriodLocked as locked:
        raise ImportRefused(str(locked)) from locked
    try:
        # A savepoint: after a refused insert the database still answers which activities collided.
        with transaction.atomic():
            new_activities = create_with_history(Activity, new_activities, user=user, reason=reason)
    except IntegrityError:
        raise _created_meanwhile(plan, created) from None
    for planned, activity in zip(created, new_activities, strict=True):
        planned.existing = activity

    sort_key = Activity._meta.get_field("sort_key")
    updated = []
    for planned in changed:
        activity = planned.existing
        for name, value in planned.values.items():
            setattr(activity, name, value)
        activity.full_clean(exclude=NOT_REVALIDATED, validate_unique=False, validate_constraints=False)
        # bulk_update() skips pre_save(), which keeps the natural sort key in step.
        sort_key.refresh(activity)
        updated.append(activity)
    try:
        raise_versions(updated)
    except PeriodLocked as locked:
        raise ImportRefused(str(locked)) from locked
    update_with_history(Activity, updated, [*ACTIVITY_FIELDS, "version", "sort_key"], user=user, reason=reason)
    _replace_budget_lines(plan, [*created, *changed], user, reason)
    return ImportSummary(created=len(created), changed=len(changed), unchanged=len(plan.with_action(UNCHANGED)))


def _refuse_if_edited_meanwhile(changed, seen_versions: dict[int, int] | None) -> None:
    """Someone may have saved an activity in the browser since the user saw the preview.

    `seen_versions` holds the version of every activity the file matched at preview, changed
    or not: an activity the preview showed as unchanged, or did not match at all, must not be
    overwritten now. None when the plan is applied as soon as it is read (the command line).
    """
    if seen_versions is None:
        return
    current = dict(
        Activity.objects.select_for_update()
        .filter(pk__in=[planned.existing.pk for planned in changed])
        .values_list("pk", "version")
        .order_by()
    )
    edited = [
        planned.label for planned in changed if seen_versions.get(planned.existing.pk) != current[planned.existing.pk]
    ]
    if edited:
        raise _edited_meanwhile(edited)


def _created_meanwhile(plan: ImportPlan, created) -> ImportRefused:
    """Another import (or the admin) created some of the activities this one creates, after
    this one read the work plan: the same answer as for an activity changed meanwhile."""
    codes = [planned.code for planned in created if planned.code]
    titles = [planned.values["title"] for planned in created if not planned.code]
    taken = set(
        Activity.objects.filter(work_plan=plan.work_plan)
        .filter(Q(code__in=codes) | Q(code="", title__in=titles))
        .values_list("code", "title")
        .order_by()
    )
    taken_codes = {code for code, _title in taken if code}
    taken_titles = {title for code, title in taken if not code}
    labels = [
        planned.label
        for planned in created
        if (planned.code in taken_codes if planned.code else planned.values["title"] in taken_titles)
    ]
    if not labels:
        return ImportRefused(_("The work plan was changed by someone else meanwhile; upload the file again."))
    return _edited_meanwhile(labels)


def _edited_meanwhile(labels: list[str]) -> ImportRefused:
    return ImportRefused(
        _("These activities were changed by someone else meanwhile; upload the file again: %(activities)s")
        % {"activities": "; ".join(labels)}
    )


def _replace_budget_lines(plan: ImportPlan, planned_activities, user, reason: str) -> None:
    """Each row's lines replace the activity's lines of the categories the sheet has columns for."""
    to_create, to_update, to_delete = [], [], []
    for planned in planned_activities:
        activity = planned.existing
        existing = {
            (line.category_id, line.source_id): line
            for line in plan.existing_lines.get(activity.pk, [])
            if line.category_id in plan.category_names
        }
        for (category_id, source_id), amount in planned.lines.items():
            line = existing.pop((category_id, source_id), None)
            if line is None:
                line = BudgetLine(activity=activity, category_id=category_id, source_id=source_id, amount=amount)
                line.full_clean(exclude=NOT_REVALIDATED, validate_unique=False, validate_constraints=False)
                to_create.append(line)
            elif line.amount != amount:
                line.amount = amount
                line.full_clean(exclude=NOT_REVALIDATED, validate_unique=False, validate_constraints=False)
                to_update.append(line)
        to_delete.extend(existing.values())
    delete_with_history(BudgetLine, to_delete, user=user, reason=reason)
    create_with_history(BudgetLine, to_create, user=user, reason=reason)
    update_with_history(BudgetLine, to_update, ["amount"], user=user, reason=reason)
