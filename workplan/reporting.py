"""The quarterly reporting cycle: each agency reports its quarter, the coordinator accepts it or sends
it back, and an accepted quarter is locked.

Each transition is one service, atomic, recorded in the submission's history with the user and the
reason. The locks are checked by `refuse_locked_changes`, which `workplan.services.raise_versions`
calls, so that no way of writing an activity skips them; indicator results ask `refuse_locked_result`.

What an accepted quarter locks, for its agency: the quarterly progress of that quarter (status and
state of implementation), the Q marks of that quarter on the agency's activities (the timeframe it
reported against), and the indicator results dated in the quarter of the indicators the agency works
toward. Budget lines are a revision of the plan, not a quarter's report: they are not locked.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from workplan.change_reasons import ChangeReason, change_reason, record_change
from workplan.models import Activity, ActivityProgress, Agency, Programme, Submission, WorkPlan
from workplan.periods import PLANNED_QUARTER_FIELDS, QUARTERS, planned_in, report_period, year_bounds

Status = Submission.Status
CLOSED_STATUSES = frozenset({Activity.Status.COMPLETED, Activity.Status.CANCELLED})
# Statuses people set; the others are computed from the calendar.
RECORDED_STATUSES = frozenset({Status.SUBMITTED, Status.SENT_BACK, Status.ACCEPTED})
REMINDER_WINDOW = timedelta(days=7)


class CycleError(Exception):
    """A transition of the reporting cycle that is not allowed now; the message says why."""


class PeriodLocked(CycleError):
    """A write to a quarter that was accepted."""

    def __init__(self, submission: Submission, what: str = ""):
        self.submission = submission
        reviewer = submission.reviewed_by.get_username() if submission.reviewed_by else _("a coordinator")
        when = (
            date_format(timezone.localtime(submission.reviewed_at), "DATETIME_FORMAT") if submission.reviewed_at else ""
        )
        message = _(
            "%(what)sQ%(quarter)s of year %(year)s for %(agency)s was accepted on %(when)s by %(by)s and is locked. "
            "Ask a coordinator to reopen it if it must change."
        ) % {
            "what": f"{what}: " if what else "",
            "quarter": submission.quarter,
            "year": submission.work_plan.year,
            "agency": submission.agency,
            "when": when,
            "by": reviewer,
        }
        super().__init__(message)


# The calendar


def due_date(work_plan: WorkPlan, quarter: int) -> date:
    """A quarter's report is due REPORT_DUE_DAYS after the quarter ends."""
    return report_period(work_plan, quarter).end + timedelta(days=settings.REPORT_DUE_DAYS)


def submission_status(submission: Submission | None, work_plan: WorkPlan, quarter: int, today: date) -> str:
    """Submitted, sent back or accepted as people left it; before that, from the calendar: not yet due
    until the quarter ends, due until the due date, overdue after it."""
    return _status(submission, report_period(work_plan, quarter).end, due_date(work_plan, quarter), today)


def _status(submission: Submission | None, quarter_end: date, due: date, today: date) -> str:
    if submission is not None and submission.status in RECORDED_STATUSES:
        return submission.status
    if today <= quarter_end:
        return Status.NOT_YET_DUE
    if today <= due:
        return Status.DUE
    return Status.OVERDUE


def quarter_of(programme: Programme, day: date) -> tuple[WorkPlan, int] | None:
    """The work plan year and quarter a date falls in, or None outside every work plan year."""
    for work_plan in WorkPlan.objects.filter(programme=programme).order_by("year"):
        work_plan.programme = programme
        start, end = year_bounds(work_plan)
        if start <= day <= end:
            for quarter in QUARTERS:
                period = report_period(work_plan, quarter)
                if period.start <= day <= period.end:
                    return work_plan, quarter
    return None


# What an agency reports


def activities_to_report(work_plan: WorkPlan, agency_id: int | None, quarter: int) -> list[Activity]:
    """The agency's activities (every agency's with None) planned in the quarter, and those planned
    earlier that were still open at its start (their last status reported before it is neither
    completed nor cancelled): two queries."""
    candidates = Activity.objects.filter(planned_in(*range(1, quarter + 1)), work_plan=work_plan)
    if agency_id is not None:
        candidates = candidates.filter(agency_id=agency_id)
    candidates = list(candidates.select_related("output", "agency").order_by("sort_key"))
    earlier: dict[int, tuple[int, str]] = {}
    for activity_id, reported_quarter, status in ActivityProgress.objects.filter(
        activity__in=[a.pk for a in candidates], quarter__lt=quarter
    ).values_list("activity_id", "quarter", "status"):
        if activity_id not in earlier or reported_quarter > earlier[activity_id][0]:
            earlier[activity_id] = (reported_quarter, status)
    return [
        activity
        for activity in candidates
        if getattr(activity, PLANNED_QUARTER_FIELDS[quarter - 1])
        or earlier.get(activity.pk, (0, Activity.Status.PLANNED))[1] not in CLOSED_STATUSES
    ]


def missing_reports(work_plan: WorkPlan, agency_id: int, quarter: int) -> list[Activity]:
    """The activities to report that have no status for the quarter yet."""
    activities = activities_to_report(work_plan, agency_id, quarter)
    reported = set(
        ActivityProgress.objects.filter(activity__in=[a.pk for a in activities], quarter=quarter).values_list(
            "activity_id", flat=True
        )
    )
    return [activity for activity in activities if activity.pk not in reported]


def reporting_agencies(work_plan: WorkPlan) -> list[Agency]:
    """The agencies with activities in the work plan: each reports every quarter it has one to report.

    Written as SQL: the dashboard reads it on every view, and the ORM took five times as long to build the
    query as the database to answer it from the index on activities' work plan and agency."""
    quote = connection.ops.quote_name
    agency, activity = quote(Agency._meta.db_table), quote(Activity._meta.db_table)
    return list(
        Agency.objects.raw(
            f"SELECT * FROM {agency} WHERE id IN (SELECT agency_id FROM {activity} WHERE work_plan_id = %s) "
            f"ORDER BY code",
            [work_plan.pk],
        )
    )


@dataclass(frozen=True)
class GridCell:
    agency: Agency
    quarter: int
    status: str
    label: str
    due: date

    @property
    def overdue(self) -> bool:
        return self.status == Status.OVERDUE


def submission_grid(work_plan: WorkPlan, today: date) -> list[tuple[Agency, list[GridCell]]]:
    """Each agency's status per quarter of the year: two queries."""
    submissions = {(s.agency_id, s.quarter): s for s in Submission.objects.filter(work_plan=work_plan)}
    labels = {status: str(label) for status, label in Status.choices}
    # Every agency's quarter ends, and falls due, on the same day.
    calendar = {quarter: (report_period(work_plan, quarter).end, due_date(work_plan, quarter)) for quarter in QUARTERS}
    grid = []
    for agency in reporting_agencies(work_plan):
        cells = []
        for quarter, (quarter_end, due) in calendar.items():
            status = _status(submissions.get((agency.pk, quarter)), quarter_end, due, today)
            cells.append(GridCell(agency, quarter, status, labels[status], due))
        grid.append((agency, cells))
    return grid


# Transitions


def _locked_submission(work_plan: WorkPlan, agency: Agency, quarter: int) -> Submission:
    # Created by its first transition (the unique constraint stops a second one made meanwhile), so
    # that its history starts with that transition.
    submission = Submission.objects.select_for_update().filter(
        work_plan=work_plan, agency=agency, quarter=quarter
    ).first() or Submission(work_plan=work_plan, agency=agency, quarter=quarter)
    submission.work_plan = work_plan
    submission.agency = agency
    return submission


def _save(submission: Submission, user, reason: str) -> None:
    record_change(submission, user=user, reason=reason)
    submission.full_clean(exclude=["work_plan", "agency"])
    submission.save()


@transaction.atomic
def submit_quarter(*, programme: Programme, agency: Agency, year: int, quarter: int, user) -> Submission:
    """The focal point hands in the agency's quarter. Refused while an activity to report has no
    status for the quarter (the message names them), and once submitted or accepted."""
    work_plan = WorkPlan.objects.get(programme=programme, year=year)
    work_plan.programme = programme
    submission = _locked_submission(work_plan, agency, quarter)
    if submission.status == Status.SUBMITTED:
        raise CycleError(_("This quarter was already submitted; it waits for the coordinator's review."))
    if submission.status == Status.ACCEPTED:
        raise CycleError(_("This quarter was accepted; a coordinator may reopen it."))
    missing = missing_reports(work_plan, agency.pk, quarter)
    if missing:
        raise CycleError(
            _("Give a status for Q%(quarter)s to every activity before submitting. Missing: %(activities)s.")
            % {"quarter": quarter, "activities": "; ".join(a.code or a.title for a in missing)}
        )
    submission.status = Status.SUBMITTED
    submission.submitted_by = user
    submission.submitted_at = timezone.now()
    _save(submission, user, change_reason(ChangeReason.SUBMITTED))
    return submission


def _review(
    submission: Submission, *, user, was: str, becomes: str, refusal: str, reason: ChangeReason, words: str = ""
) -> Submission:
    """A coordinator's transition of a submission from the status `was` (else refused with `refusal`)
    to `becomes`, with their words kept as the comment the agency reads and in the history's reason."""
    submission = (
        Submission.objects.select_for_update().select_related("work_plan__programme", "agency").get(pk=submission.pk)
    )
    if submission.status != was:
        raise CycleError(refusal)
    submission.status = becomes
    submission.reviewed_by = user
    submission.reviewed_at = timezone.now()
    submission.comment = words.strip()
    _save(submission, user, change_reason(reason, words))
    return submission


@transaction.atomic
def accept_submission(*, submission: Submission, user) -> Submission:
    return _review(
        submission,
        user=user,
        was=Status.SUBMITTED,
        becomes=Status.ACCEPTED,
        refusal=_("Only a submitted quarter can be accepted."),
        reason=ChangeReason.ACCEPTED,
    )


@transaction.atomic
def send_back(*, submission: Submission, user, comment: str) -> Submission:
    """Back to the agency, with the coordinator's comment (required) saying what to change."""
    if not comment.strip():
        raise CycleError(_("Say what the agency should change: a comment is required to send a quarter back."))
    return _review(
        submission,
        user=user,
        was=Status.SUBMITTED,
        becomes=Status.SENT_BACK,
        refusal=_("Only a submitted quarter can be sent back."),
        reason=ChangeReason.SENT_BACK,
        words=comment,
    )


@transaction.atomic
def reopen(*, submission: Submission, user, reason: str) -> Submission:
    """A coordinator unlocks an accepted quarter, with a reason (required): it goes back to the agency."""
    if not reason.strip():
        raise CycleError(_("Give the reason for reopening the quarter."))
    return _review(
        submission,
        user=user,
        was=Status.ACCEPTED,
        becomes=Status.SENT_BACK,
        refusal=_("Only an accepted quarter can be reopened."),
        reason=ChangeReason.REOPENED,
        words=reason,
    )


def progress_change_reason(activity: Activity, quarter: int) -> str:
    """Why a quarter's progress is written: reported; or corrected as the coordinator asked, in their
    words, while the agency's quarter is sent back (or reopened)."""
    asked = (
        Submission.objects.filter(
            work_plan_id=activity.work_plan_id, agency_id=activity.agency_id, quarter=quarter, status=Status.SENT_BACK
        )
        .values_list("comment", flat=True)
        .first()
    )
    if asked is None:
        return change_reason(ChangeReason.PROGRESS_REPORTED)
    return change_reason(ChangeReason.CORRECTED, asked)


def unaccepted_agencies(work_plan: WorkPlan, quarter: int) -> list[Agency]:
    """The agencies with activities to report in the quarter whose submission is not accepted: three
    queries."""
    accepted = set(
        Submission.objects.filter(work_plan=work_plan, quarter=quarter, status=Status.ACCEPTED).values_list(
            "agency_id", flat=True
        )
    )
    reporting = {activity.agency for activity in activities_to_report(work_plan, None, quarter)}
    return sorted((agency for agency in reporting if agency.pk not in accepted), key=lambda agency: agency.code)


# Locks


def accepted_submissions(work_plan_ids: Iterable[int]) -> dict[tuple[int, int, int], Submission]:
    """(work plan, agency, quarter) -> its accepted submission."""
    return {
        (s.work_plan_id, s.agency_id, s.quarter): s
        for s in Submission.objects.filter(status=Status.ACCEPTED, work_plan_id__in=set(work_plan_ids)).select_related(
            "work_plan", "agency", "reviewed_by"
        )
    }


def refuse_locked_changes(activities: list[Activity], *, quarter: int | None = None) -> None:
    """Raise PeriodLocked when a write touches an accepted quarter of an activity's agency: quarterly
    progress for `quarter`, or a change of the activity's Q marks (or of its agency) in an accepted
    quarter. The activities carry their new values; the database still holds the old ones."""
    accepted = accepted_submissions(a.work_plan_id for a in activities)
    if not accepted:
        return
    stored = {
        pk: (agency_id, marks)
        for pk, agency_id, *marks in Activity.objects.filter(pk__in=[a.pk for a in activities if a.pk]).values_list(
            "pk", "agency_id", *PLANNED_QUARTER_FIELDS
        )
    }
    for activity in activities:
        new_marks = [getattr(activity, name) for name in PLANNED_QUARTER_FIELDS]
        old_agency, old_marks = stored.get(activity.pk, (activity.agency_id, [False] * len(QUARTERS)))
        touched = set()
        if quarter is not None:
            touched.add((activity.agency_id, quarter))
        for q, old_mark, new_mark in zip(QUARTERS, old_marks, new_marks, strict=True):
            if old_mark != new_mark or (old_agency != activity.agency_id and (old_mark or new_mark)):
                touched |= {(old_agency, q), (activity.agency_id, q)}
        for agency_id, touched_quarter in sorted(touched):
            submission = accepted.get((activity.work_plan_id, agency_id, touched_quarter))
            if submission is not None:
                raise PeriodLocked(submission, activity.code or activity.title)


def accepted_quarter_for(programme: Programme, agency_ids: Iterable[int], day: date) -> Submission | None:
    """The accepted submission, of one of these agencies, of the quarter `day` falls in."""
    found = quarter_of(programme, day)
    if found is None:
        return None
    work_plan, quarter = found
    return (
        Submission.objects.filter(
            work_plan=work_plan, quarter=quarter, agency_id__in=set(agency_ids), status=Status.ACCEPTED
        )
        .select_related("work_plan", "agency", "reviewed_by")
        .first()
    )


def refuse_locked_result(programme: Programme, agency_ids: Iterable[int], *days: date, what: str = "") -> None:
    """An indicator result dated in an accepted quarter of an agency working toward the indicator is
    locked: neither changed nor moved into or out of that quarter."""
    agency_ids = set(agency_ids)
    for day in days:
        if day is None:
            continue
        submission = accepted_quarter_for(programme, agency_ids, day)
        if submission is not None:
            raise PeriodLocked(submission, what)


def is_published(programme: Programme, agency_ids: Iterable[int], day: date) -> bool:
    """Whether an indicator result dated `day` may be shown to the public: once the quarter it falls
    in is accepted for an agency working toward the indicator. Results dated outside every work plan
    year (transcribed from the programme's published documents) are public."""
    return quarter_of(programme, day) is None or accepted_quarter_for(programme, agency_ids, day) is not None
