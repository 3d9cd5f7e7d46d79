"""Writes to budgets that span several records, each in one transaction."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.models import BudgetCategory, BudgetLine, BudgetRevision, BudgetRevisionLine, FundingSource
from budgets.selectors import budget_comparison, lines_changed_since
from workplan.change_reasons import ChangeReason, change_reason, record_change
from workplan.models import Activity, Programme, WorkPlan
from workplan.periods import add_months, year_bounds
from workplan.services import raise_versions


@transaction.atomic
def set_activity_budget(
    *,
    activity: Activity,
    source: FundingSource,
    amounts: dict[BudgetCategory, Decimal | None],
    user,
    seen_version: int,
) -> Activity:
    """Replace an activity's lines from one source of funds: an amount per category, None for
    no line. Refused with StaleActivityError when the activity changed since `seen_version`."""
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    raise_versions([locked], seen_versions={locked.pk: seen_version})

    reason = change_reason(ChangeReason.BUDGET_REVISED)
    existing = {line.category_id: line for line in BudgetLine.objects.filter(activity=locked, source=source)}
    for category, amount in amounts.items():
        line = existing.get(category.pk)
        if amount is None:
            if line is not None:
                record_change(line, user=user, reason=reason)
                line.delete()
            continue
        if line is None:
            line = BudgetLine(activity=locked, category=category, source=source)
        elif line.amount == amount:
            continue
        line.amount = amount
        line.full_clean()
        record_change(line, user=user, reason=reason)
        line.save()

    record_change(locked, user=user, reason=reason)
    locked.save(update_fields=["version"])
    return locked


class BudgetRevisionError(Exception):
    """A budget revision, or an approval, that is not allowed now; the message says why."""


def _snapshot_lines(revision: BudgetRevision) -> None:
    """Copy the work plan's budget lines as they stand into the revision, with each activity's output and agency."""
    lines = BudgetLine.objects.filter(activity__work_plan=revision.work_plan_id).values_list(
        "activity_id", "activity__output_id", "activity__agency_id", "category_id", "source_id", "amount"
    )
    BudgetRevisionLine.objects.bulk_create(
        BudgetRevisionLine(
            revision=revision,
            activity_id=activity_id,
            output_id=output_id,
            agency_id=agency_id,
            category_id=category_id,
            source_id=source_id,
            amount=amount,
        )
        for activity_id, output_id, agency_id, category_id, source_id, amount in lines
    )


@transaction.atomic
def approve_work_plan(
    *, work_plan: WorkPlan, user, date: datetime.date, approved_by: str = "", reason: str
) -> BudgetRevision:
    """Approve a work plan and record its original budget (revision 0) from its budget lines as
    they stand. The admin, the approve button and the loaders of approved plans all come here.
    Refused when the plan's original budget is already recorded."""
    locked = WorkPlan.objects.select_for_update().get(pk=work_plan.pk)
    if BudgetRevision.objects.filter(work_plan=locked).exists():
        raise BudgetRevisionError(
            _("%(work_plan)s is already approved: its original budget is recorded.") % {"work_plan": locked}
        )
    if locked.status != WorkPlan.Status.APPROVED:
        locked.status = WorkPlan.Status.APPROVED
        locked.full_clean()
        locked.save(update_fields=["status"])
    original = BudgetRevision(
        work_plan=locked, number=0, date=date, reason=reason, approved_by=approved_by, recorded_by=user
    )
    original.full_clean()
    original.save()
    _snapshot_lines(original)
    return original


def record_loaded_originals(*, programme: Programme) -> None:
    """The original budget of the programme's work plans that a loader brought in approved, as they
    were loaded: the sources give no approval date, so it is the day of loading."""
    loaded = WorkPlan.objects.filter(
        programme=programme, status=WorkPlan.Status.APPROVED, budget_revisions__isnull=True
    ).select_related("programme")
    for work_plan in loaded:
        approve_work_plan(
            work_plan=work_plan,
            user=None,
            date=timezone.localdate(),
            reason="The approved work plan as loaded (dated the day it was loaded: the sources give no approval date).",
        )


@transaction.atomic
def record_budget_revision(
    *, work_plan: WorkPlan, date: datetime.date, reason: str, approved_by: str, user
) -> BudgetRevision:
    """Record the work plan's current budget lines as its next revision, never touching the original
    or earlier revisions. It is flagged as needing the PMC's approval when more than
    BUDGET_REVISION_PMC_SHARE_PERCENT of the original total has moved between JP outputs since the
    original. Refused for a plan not yet approved, and when nothing changed since the last revision."""
    locked = WorkPlan.objects.select_for_update().select_related("programme").get(pk=work_plan.pk)
    revisions = list(BudgetRevision.objects.filter(work_plan=locked).order_by("number"))
    if locked.status != WorkPlan.Status.APPROVED or not revisions:
        raise BudgetRevisionError(
            _("%(work_plan)s is not approved yet: its budget is revised once it is approved.") % {"work_plan": locked}
        )
    latest = revisions[-1]
    if not lines_changed_since(latest):
        raise BudgetRevisionError(
            _("The budget lines have not changed since %(revision)s: change them first, then record the revision.")
            % {"revision": latest}
        )
    comparison = budget_comparison(locked)
    revision = BudgetRevision(
        work_plan=locked,
        number=latest.number + 1,
        date=date,
        reason=reason,
        approved_by=approved_by,
        recorded_by=user,
        moved_between_outputs=comparison.moved_between_outputs,
        needs_pmc_approval=comparison.needs_pmc_approval,
    )
    revision.full_clean()
    revision.save()
    _snapshot_lines(revision)
    return revision


@transaction.atomic
def approve_budget_revision(*, revision: BudgetRevision, user) -> BudgetRevision:
    """A PMC member records the PMC's approval of a revision that needed it."""
    locked = BudgetRevision.objects.select_for_update().select_related("work_plan").get(pk=revision.pk)
    if not locked.needs_pmc_approval:
        raise BudgetRevisionError(_("%(revision)s does not need the PMC's approval.") % {"revision": locked})
    if locked.pmc_approved_by_id is not None:
        raise BudgetRevisionError(_("%(revision)s is already approved by the PMC.") % {"revision": locked})
    locked.pmc_approved_by = user
    locked.pmc_approved_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["pmc_approved_by", "pmc_approved_at"])
    return locked


# Several years


class NextYearError(Exception):
    """The next year's work plan cannot be created as asked; the message says why."""


@transaction.atomic
def create_next_year(
    *, work_plan: WorkPlan, activities: Iterable[Activity], with_budget_lines: bool = False, user
) -> WorkPlan:
    """The next year's work plan (draft, its period the year after), with a copy of each activity given:
    same code, title, output, agency, responsible party and annual target, timeframe cleared, status
    planned, linked to the activity it continues; their budget lines copied when asked. The given
    year is read, never written. Refused when the next year exists or an activity is of another plan."""
    activities = list({activity.pk: activity for activity in activities}.values())
    foreign = [activity for activity in activities if activity.work_plan_id != work_plan.pk]
    if foreign:
        raise NextYearError(
            _("Not in %(work_plan)s: %(activities)s.")
            % {"work_plan": work_plan, "activities": ", ".join(str(activity) for activity in foreign)}
        )
    next_year = work_plan.year + 1
    # Locking the programme keeps two people from creating the same year at once.
    Programme.objects.select_for_update().filter(pk=work_plan.programme_id).first()
    if WorkPlan.objects.filter(programme=work_plan.programme_id, year=next_year).exists():
        raise NextYearError(
            _("The work plan of year %(year)s already exists: nothing was created.") % {"year": next_year}
        )
    _start, end = year_bounds(work_plan)
    period_start = end + datetime.timedelta(days=1)
    new_plan = WorkPlan(
        programme_id=work_plan.programme_id,
        year=next_year,
        period_start=period_start,
        period_end=add_months(period_start, 12) - datetime.timedelta(days=1),
        status=WorkPlan.Status.DRAFT,
    )
    new_plan.full_clean()
    new_plan.save()

    reason = change_reason(ChangeReason.CARRIED_OVER)
    copies = {}
    for activity in sorted(activities, key=lambda activity: activity.sort_key):
        copy = Activity(
            work_plan=new_plan,
            output_id=activity.output_id,
            code=activity.code,
            title=activity.title,
            annual_target=activity.annual_target,
            agency_id=activity.agency_id,
            responsible_party_id=activity.responsible_party_id,
            status=Activity.Status.PLANNED,
            continues=activity,
        )
        copy.full_clean()
        copy._history_user, copy._change_reason = user, reason
        copy.save()
        copies[activity.pk] = copy
    if with_budget_lines:
        for line in BudgetLine.objects.filter(activity__in=list(copies)).order_by("pk"):
            copied = BudgetLine(
                activity=copies[line.activity_id],
                category_id=line.category_id,
                source_id=line.source_id,
                amount=line.amount,
            )
            copied._history_user, copied._change_reason = user, reason
            copied.save()
    return new_plan
