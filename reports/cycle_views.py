"""The pages of the quarterly reporting cycle: the grid of agencies and quarters with each person's
to-do list, and one page per agency and quarter where the focal point submits and the coordinator
reviews (what changed since the agency's last accepted quarter), accepts, sends back or reopens."""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budgets.money import ZERO
from finance.selectors import expenditure_rows
from outcomes.models import IndicatorResult
from outcomes.selectors import agencies_reporting_on
from workplan.models import Activity, ActivityProgress, Agency, ReportApproval, Submission, WorkPlan
from workplan.periods import QUARTERS, report_period
from workplan.permissions import (
    agencies_in,
    can_approve_report,
    can_enter_agency_expenditure,
    can_review,
    can_submit,
    get_agency_of_programme,
    require_review,
    require_submit,
)
from workplan.reporting import (
    REMINDER_WINDOW,
    CycleError,
    GridCell,
    accept_submission,
    activities_to_report,
    due_date,
    missing_reports,
    reopen,
    send_back,
    submission_grid,
    submission_status,
    submit_quarter,
    unaccepted_agencies,
)
from workplan.selectors import NO_VALUE, quarter_report_history

Status = Submission.Status


@dataclass(frozen=True)
class ToDo:
    text: str
    url: str
    overdue: bool = False


def submission_url(programme, year: int, quarter: int, agency_code: str) -> str:
    return reverse("reporting:submission", args=[programme.mptf_project_id, year, quarter, agency_code])


@dataclass(frozen=True)
class LinkedCell(GridCell):
    """A cell of the grid with its link and its due date written out, once here rather than per cell
    in the template."""

    url: str
    due_label: str


def linked_grid(programme, work_plan: WorkPlan, today: date) -> list[tuple[Agency, list[LinkedCell]]]:
    # Every agency's quarter falls due on the same day: each day written once.
    due_labels = {
        quarter: _("due %(due)s") % {"due": date_format(due_date(work_plan, quarter), "j M Y")} for quarter in QUARTERS
    }
    return [
        (
            agency,
            [
                LinkedCell(
                    **vars(cell),
                    url=submission_url(programme, work_plan.year, cell.quarter, agency.code),
                    due_label=due_labels[cell.quarter],
                )
                for cell in cells
            ],
        )
        for agency, cells in submission_grid(work_plan, today)
    ]


def to_do_list(
    user, programme, work_plan: WorkPlan, grid: list[tuple[Agency, list[LinkedCell]]], today: date
) -> list[ToDo]:
    """What the person has to do in the programme: their agency's quarters due, overdue or sent back;
    the submissions waiting for a coordinator; the reports waiting for the PMC's approval."""
    items = []
    my_agencies = {agency.pk for agency in agencies_in(user, programme)}
    reviewer = can_review(user, programme)
    for agency, cells in grid:
        for cell in cells:
            url = cell.url
            label = {"agency": agency.code, "quarter": cell.quarter, "year": work_plan.year, "due": cell.due}
            if agency.pk in my_agencies:
                if cell.status == Status.OVERDUE:
                    items.append(
                        ToDo(
                            _("Overdue: %(agency)s report for year %(year)s Q%(quarter)s, due %(due)s") % label,
                            url,
                            True,
                        )
                    )
                elif cell.status == Status.DUE or (
                    cell.status == Status.NOT_YET_DUE and cell.due - today <= REMINDER_WINDOW and cell.due >= today
                ):
                    items.append(ToDo(_("Due %(due)s: %(agency)s report for year %(year)s Q%(quarter)s") % label, url))
                elif cell.status == Status.SENT_BACK:
                    items.append(ToDo(_("Sent back: %(agency)s report for year %(year)s Q%(quarter)s") % label, url))
            if reviewer and cell.status == Status.SUBMITTED:
                items.append(ToDo(_("Review: %(agency)s report for year %(year)s Q%(quarter)s") % label, url))
    if can_approve_report(user, programme):
        approved = set(ReportApproval.objects.filter(work_plan=work_plan).values_list("quarter", flat=True))
        for quarter in QUARTERS:
            some_accepted = any(cells[quarter - 1].status == Status.ACCEPTED for _agency, cells in grid)
            if quarter not in approved and some_accepted and not unaccepted_agencies(work_plan, quarter):
                items.append(
                    ToDo(
                        _("Approve the joint report for year %(year)s Q%(quarter)s")
                        % {"year": work_plan.year, "quarter": quarter},
                        reverse("reports:quarter", args=[programme.mptf_project_id, work_plan.year, quarter]),
                    )
                )
    return items


def reporting_context(request, work_plan: WorkPlan) -> dict:
    """The grid and the person's to-do list, for the reporting page and the dashboard."""
    today = timezone.localdate()
    grid = linked_grid(request.programme, work_plan, today)
    return {
        "grid": grid,
        "quarters": QUARTERS,
        "to_do": to_do_list(request.user, request.programme, work_plan, grid, today),
    }


def reporting_overview(request, year=None):
    """The grid of agencies and quarters of a work plan year (the latest by default) and the to-do list."""
    programme = request.programme
    work_plans = WorkPlan.objects.filter(programme=programme).order_by("-year")
    work_plan = get_object_or_404(work_plans, year=year) if year else work_plans.first()
    context = {"work_plan": work_plan, "years": [wp.year for wp in work_plans]}
    if work_plan is not None:
        work_plan.programme = programme
        context |= reporting_context(request, work_plan)
    return render(request, "reporting/overview.html", context)


@dataclass(frozen=True)
class ChangeRow:
    activity: Activity
    before_quarter: int | None
    before_status: str
    before_comment: str
    now_status: str
    now_comment: str

    @property
    def changed(self) -> bool:
        return (self.before_status, self.before_comment) != (self.now_status, self.now_comment)


def changes_since_last_accepted(
    work_plan: WorkPlan, agency: Agency, quarter: int
) -> tuple[int | None, list[ChangeRow]]:
    """Each activity to report, with what was accepted in the agency's last accepted quarter before
    this one and what is reported now."""
    last_accepted = (
        Submission.objects.filter(work_plan=work_plan, agency=agency, quarter__lt=quarter, status=Status.ACCEPTED)
        .order_by("-quarter")
        .values_list("quarter", flat=True)
        .first()
    )
    activities = activities_to_report(work_plan, agency.pk, quarter)
    wanted = [q for q in (last_accepted, quarter) if q]
    said = {
        (p.activity_id, p.quarter): p
        for p in ActivityProgress.objects.filter(activity__in=[a.pk for a in activities], quarter__in=wanted)
    }
    labels = dict(Activity.Status.choices)
    rows = []
    for activity in activities:
        before = said.get((activity.pk, last_accepted))
        now = said.get((activity.pk, quarter))
        rows.append(
            ChangeRow(
                activity=activity,
                before_quarter=last_accepted,
                before_status=str(labels[before.status]) if before else NO_VALUE,
                before_comment=before.comment if before else "",
                now_status=str(labels[now.status]) if now else NO_VALUE,
                now_comment=now.comment if now else "",
            )
        )
    return last_accepted, rows


def _page_objects(request, year, quarter, agency_code):
    if quarter not in QUARTERS:
        raise Http404(_("A year has quarters 1 to 4."))
    work_plan = get_object_or_404(WorkPlan, programme=request.programme, year=year)
    work_plan.programme = request.programme
    agency = get_agency_of_programme(request, agency_code)
    submission = (
        Submission.objects.filter(work_plan=work_plan, agency=agency, quarter=quarter)
        .select_related("submitted_by", "reviewed_by")
        .first()
    )
    return work_plan, agency, submission


def submission_page(request, year, quarter, agency):
    """Everyone with a role in the programme may read it; the forms are for the focal point of the
    agency (submit) and the coordinators (accept, send back, reopen)."""
    work_plan, agency, submission = _page_objects(request, year, quarter, agency)
    today = timezone.localdate()
    status = submission_status(submission, work_plan, quarter, today)
    last_accepted, rows = changes_since_last_accepted(work_plan, agency, quarter)
    period = report_period(work_plan, quarter)
    indicator_ids = [pk for pk, ids in agencies_reporting_on(request.programme).items() if agency.pk in ids]
    results = IndicatorResult.objects.filter(
        indicator__in=indicator_ids, as_of__gte=period.start, as_of__lte=period.end
    ).select_related("indicator")
    transitions, progress_changes = quarter_report_history(work_plan, agency, quarter, submission)
    expenditure = [
        (row, row.committed(quarter), row.disbursed(quarter))
        for row in expenditure_rows(work_plan, agency_ids=[agency.pk])
    ]
    return render(
        request,
        "reporting/submission.html",
        {
            "work_plan": work_plan,
            "agency": agency,
            "quarter": quarter,
            "period": period,
            "submission": submission,
            "status": status,
            "status_label": dict(Status.choices)[status],
            "due": due_date(work_plan, quarter),
            "missing": missing_reports(work_plan, agency.pk, quarter),
            "rows": rows,
            "last_accepted": last_accepted,
            "results": results,
            "transitions": transitions,
            "progress_changes": progress_changes,
            "expenditure": expenditure,
            "expenditure_sources": len({row.source.pk for row, _committed, _disbursed in expenditure}) > 1,
            "expenditure_totals": (
                sum((committed for _row, committed, _disbursed in expenditure), ZERO),
                sum((disbursed for _row, _committed, disbursed in expenditure), ZERO),
            ),
            "may_enter_expenditure": can_enter_agency_expenditure(request.user, request.programme, agency.pk),
            "may_submit": can_submit(request.user, request.programme, agency.pk)
            and status not in (Status.SUBMITTED, Status.ACCEPTED),
            "may_review": can_review(request.user, request.programme) and status == Status.SUBMITTED,
            "may_reopen": can_review(request.user, request.programme) and status == Status.ACCEPTED,
        },
    )


def _act(request, year, quarter, agency_code, action):
    work_plan, agency, submission = _page_objects(request, year, quarter, agency_code)
    try:
        message = action(work_plan, agency, submission)
    except CycleError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, message)
    return redirect(submission_url(request.programme, year, quarter, agency.code))


@require_POST
def submit(request, year, quarter, agency):
    def action(work_plan, agency, submission):
        require_submit(request, agency)
        submit_quarter(programme=request.programme, agency=agency, year=year, quarter=quarter, user=request.user)
        return _("Q%(quarter)s of %(agency)s submitted for review.") % {"quarter": quarter, "agency": agency}

    return _act(request, year, quarter, agency, action)


def _review(request, year, quarter, agency_code, transition, done: str, words_field: str | None = None):
    """A coordinator's transition of the quarter's submission (`transition`, a service of
    workplan.reporting), with their words from the form's `words_field` where it takes some."""

    def action(work_plan, agency, submission):
        require_review(request)
        if submission is None:
            raise CycleError(_("This quarter has not been submitted."))
        words = {words_field: request.POST.get(words_field, "")} if words_field else {}
        transition(submission=submission, user=request.user, **words)
        return done % {"quarter": quarter, "agency": agency}

    return _act(request, year, quarter, agency_code, action)


@require_POST
def accept(request, year, quarter, agency):
    done = _("Q%(quarter)s of %(agency)s accepted: it is now locked.")
    return _review(request, year, quarter, agency, accept_submission, done)


@require_POST
def send_back_view(request, year, quarter, agency):
    done = _("Q%(quarter)s of %(agency)s sent back to the agency.")
    return _review(request, year, quarter, agency, send_back, done, words_field="comment")


@require_POST
def reopen_view(request, year, quarter, agency):
    done = _("Q%(quarter)s of %(agency)s reopened and sent back to the agency.")
    return _review(request, year, quarter, agency, reopen, done, words_field="reason")
