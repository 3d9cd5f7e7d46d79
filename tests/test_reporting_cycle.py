"""The quarterly reporting cycle's services: submit, send back, accept, reopen; due dates; locks."""

from datetime import date
from decimal import Decimal

import pytest

from budgets.services import set_activity_budget
from tests.factories import (
    make_activity,
    make_agency,
    make_category,
    make_source,
    make_user,
    make_work_plan,
    report_quarter,
)
from workplan.models import Membership, Submission
from workplan.reporting import (
    CycleError,
    PeriodLocked,
    accept_submission,
    due_date,
    missing_reports,
    reopen,
    send_back,
    submission_grid,
    submission_status,
    submit_quarter,
    unaccepted_agencies,
)
from workplan.services import mark_changed, raise_versions, report_progress

Role = Membership.Role
Status = Submission.Status


@pytest.fixture
def plan(db):
    """A programme starting 1 Jan 2009 (Q1 = Jan-Mar): UNESCO has 1.1.1 (Q1) and 1.1.2 (Q1, Q2),
    ILO has 1.1.3 (Q2)."""
    work_plan = make_work_plan()
    unesco, ilo = make_agency("UNESCO"), make_agency("ILO")
    programme = work_plan.programme
    return {
        "work_plan": work_plan,
        "programme": programme,
        "unesco": unesco,
        "ilo": ilo,
        "a1": make_activity(work_plan, "1.1.1", agency=unesco, planned_q1=True),
        "a2": make_activity(work_plan, "1.1.2", agency=unesco, planned_q1=True, planned_q2=True),
        "a3": make_activity(work_plan, "1.1.3", agency=ilo, planned_q2=True),
        "focal": make_user("fp", Role.FOCAL_POINT, "UNESCO", programme=programme),
        "coordinator": make_user("co", Role.COORDINATOR, programme=programme),
    }


def progress(plan, code, quarter, status="ongoing", comment="Under way."):
    activity = plan[code]
    activity.refresh_from_db()
    return report_progress(
        activity=activity,
        quarter=quarter,
        status=status,
        comment=comment,
        user=plan["focal"],
        seen_version=activity.version,
    )


def submit(plan, quarter=1):
    return submit_quarter(
        programme=plan["programme"], agency=plan["unesco"], year=1, quarter=quarter, user=plan["focal"]
    )


def test_due_dates_and_computed_statuses(plan, settings):
    settings.REPORT_DUE_DAYS = 30
    work_plan = plan["work_plan"]
    assert due_date(work_plan, 1) == date(2009, 4, 30)
    assert submission_status(None, work_plan, 1, date(2009, 3, 31)) == Status.NOT_YET_DUE
    assert submission_status(None, work_plan, 1, date(2009, 4, 1)) == Status.DUE
    assert submission_status(None, work_plan, 1, date(2009, 5, 1)) == Status.OVERDUE


def test_submitting_names_the_activities_without_a_status(plan):
    progress(plan, "a1", 1)
    with pytest.raises(CycleError, match=r"Missing: 1\.1\.2"):
        submit(plan)
    assert [a.code for a in missing_reports(plan["work_plan"], plan["unesco"].pk, 1)] == ["1.1.2"]


def test_an_activity_still_open_from_an_earlier_quarter_must_be_reported(plan):
    progress(plan, "a1", 1, status="ongoing")
    progress(plan, "a2", 1, status="completed")
    progress(plan, "a2", 2, status="completed")
    with pytest.raises(CycleError, match=r"1\.1\.1"):
        submit(plan, quarter=2)


def test_the_whole_cycle_is_recorded(plan):
    report_quarter(plan["work_plan"], plan["unesco"], 1, user=plan["focal"])
    submission = submit(plan)
    assert submission.status == Status.SUBMITTED

    with pytest.raises(CycleError, match="comment is required"):
        send_back(submission=submission, user=plan["coordinator"], comment="  ")
    send_back(submission=submission, user=plan["coordinator"], comment="Say what was trained.")
    progress(plan, "a1", 1, comment="Forty officials trained.")
    submit(plan)
    accepted = accept_submission(submission=submission, user=plan["coordinator"])
    assert accepted.status == Status.ACCEPTED and accepted.reviewed_by == plan["coordinator"]

    reasons = list(submission.history.order_by("history_date").values_list("status", "history_change_reason"))
    assert reasons == [
        ("submitted", "Submitted"),
        ("sent_back", "Sent back: Say what was trained."),
        ("submitted", "Submitted"),
        ("accepted", "Accepted"),
    ]


def test_an_accepted_quarter_is_locked_for_quarterly_progress(plan):
    report_quarter(plan["work_plan"], plan["unesco"], 1, user=plan["focal"])
    accept_submission(submission=submit(plan), user=plan["coordinator"])

    with pytest.raises(PeriodLocked, match=r"1.1.1: Q1 of year 1 for UNESCO was accepted on .* by co"):
        progress(plan, "a1", 1, comment="Changed afterwards.")
    progress(plan, "a2", 2)  # the next quarter is open
    plan["a3"].refresh_from_db()
    report_progress(
        activity=plan["a3"],
        quarter=1,
        status="ongoing",
        comment="",
        user=plan["focal"],
        seen_version=plan["a3"].version,
    )  # another agency's quarter is open


def test_a_timeframe_change_in_an_accepted_quarter_is_locked_but_a_budget_revision_is_not(plan):
    report_quarter(plan["work_plan"], plan["unesco"], 1, user=plan["focal"])
    accept_submission(submission=submit(plan), user=plan["coordinator"])

    activity = plan["a1"]
    activity.refresh_from_db()
    set_activity_budget(
        activity=activity,
        source=make_source(),
        amounts={make_category(plan["programme"]): Decimal("100.00")},
        user=plan["focal"],
        seen_version=activity.version,
    )
    mark_changed(activity_ids=[activity.pk])

    activity.refresh_from_db()
    activity.planned_q1 = False
    with pytest.raises(PeriodLocked):
        raise_versions([activity])


def test_a_reopened_quarter_goes_back_to_the_agency_and_unlocks(plan):
    report_quarter(plan["work_plan"], plan["unesco"], 1, user=plan["focal"])
    submission = accept_submission(submission=submit(plan), user=plan["coordinator"])
    with pytest.raises(CycleError, match="reason"):
        reopen(submission=submission, user=plan["coordinator"], reason="")
    reopened = reopen(submission=submission, user=plan["coordinator"], reason="Figures for Siem Reap were wrong.")
    assert reopened.status == Status.SENT_BACK and reopened.comment == "Figures for Siem Reap were wrong."
    progress(plan, "a1", 1, comment="Corrected.")
    assert submission.history.latest().history_change_reason == "Reopened: Figures for Siem Reap were wrong."


def test_transitions_out_of_order_are_refused(plan):
    report_quarter(plan["work_plan"], plan["unesco"], 1, user=plan["focal"])
    submission = submit(plan)
    with pytest.raises(CycleError, match="already submitted"):
        submit(plan)
    accept_submission(submission=submission, user=plan["coordinator"])
    with pytest.raises(CycleError):
        accept_submission(submission=submission, user=plan["coordinator"])
    with pytest.raises(CycleError):
        send_back(submission=submission, user=plan["coordinator"], comment="Too late")


def test_the_grid_shows_each_agency_per_quarter(plan):
    report_quarter(plan["work_plan"], plan["unesco"], 1, user=plan["focal"])
    submit(plan)
    grid = dict(submission_grid(plan["work_plan"], date(2009, 7, 15)))
    assert [cell.status for cell in grid[plan["unesco"]]] == ["submitted", "due", "not_yet_due", "not_yet_due"]
    assert [cell.status for cell in grid[plan["ilo"]]] == ["overdue", "due", "not_yet_due", "not_yet_due"]
    assert unaccepted_agencies(plan["work_plan"], 1) == [plan["unesco"]]  # ILO has nothing to report in Q1
