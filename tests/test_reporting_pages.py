"""The reporting cycle's pages: who may submit, review and reopen, in which programme."""

from decimal import Decimal

import pytest
from django.urls import reverse

from finance.services import QuarterFigures, record_expenditure
from tests.factories import make_member, make_user, report_quarter
from workplan.models import Activity, ActivityProgress, Membership, Submission

Role = Membership.Role
CISP = "00067193"


def url(name, agency="UNESCO", quarter=1, programme=CISP):
    return reverse(f"reporting:{name}", args=[programme, 1, quarter, agency])


@pytest.fixture
def reported(cisp, users):
    """Every UNESCO activity to report in Q1 has a status."""
    report_quarter(cisp, users["unesco"].memberships.get().agency, 1, user=users["unesco"])
    return cisp


def test_the_focal_point_submits_and_the_coordinator_sends_back_then_accepts(client_for, users, reported):
    client = client_for(users["unesco"])
    page = client.get(url("submission")).content.decode()
    assert "Submit the quarter for review" in page
    assert client.post(url("submit")).status_code == 302
    submission = Submission.objects.get(work_plan=reported, agency__code="UNESCO", quarter=1)
    assert submission.status == "submitted"

    client = client_for(users["coordinator"])
    page = client.get(url("submission")).content.decode()
    assert "Accept and lock" in page and "Send back to the agency" in page
    client.post(url("send_back"), {"comment": ""})
    submission.refresh_from_db()
    assert submission.status == "submitted"  # a comment is required
    client.post(url("send_back"), {"comment": "Name the provinces."})
    submission.refresh_from_db()
    assert (submission.status, submission.comment) == ("sent_back", "Name the provinces.")

    client = client_for(users["unesco"])
    assert "Name the provinces." in client.get(url("submission")).content.decode()
    client.post(url("submit"))
    client = client_for(users["coordinator"])
    client.post(url("accept"))
    submission.refresh_from_db()
    assert submission.status == "accepted"
    page = client.get(url("submission")).content.decode()
    assert "locked" in page and "Reopen" in page


def test_submitting_with_activities_missing_names_them(client_for, users, cisp):
    client = client_for(users["unesco"])
    response = client.post(url("submit"), follow=True)
    assert "Missing:" in response.content.decode()
    assert not Submission.objects.filter(work_plan=cisp, agency__code="UNESCO").exists()


def test_another_agency_may_not_submit_and_a_focal_point_may_not_review(client_for, users, reported):
    assert client_for(users["ilo"]).post(url("submit")).status_code == 403
    client_for(users["unesco"]).post(url("submit"))
    assert client_for(users["unesco"]).post(url("accept")).status_code == 403
    assert client_for(users["pmc"]).post(url("send_back"), {"comment": "x"}).status_code == 403
    assert Submission.objects.get(agency__code="UNESCO", quarter=1).status == "submitted"


def test_another_programme_is_not_found(client_for, users, reported, demo):
    stranger = make_member("dara", "DEMO0001", Role.COORDINATOR)
    client = client_for(stranger)
    assert client.get(url("submission")).status_code == 404
    assert client.post(url("accept")).status_code == 404
    assert client_for(users["unesco"]).get(url("submission", programme="DEMO0001")).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, cisp):
    response = client.get(url("submission"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_state_changes_need_a_post(client_for, users, reported):
    assert client_for(users["unesco"]).get(url("submit")).status_code == 405


def test_the_dashboard_shows_the_grid_with_overdue_in_words_and_the_to_do_list(client_for, users, cisp):
    page = client_for(users["unesco"]).get(reverse("dashboard", args=[CISP])).content.decode()
    assert 'id="submission-grid"' in page
    assert "⚠" in page and "Overdue" in page  # CISP Year 1 ended in 2009
    assert "Overdue: UNESCO report for year 1 Q1" in page


def test_the_coordinator_to_do_list_has_submissions_waiting(client_for, users, reported):
    client_for(users["unesco"]).post(url("submit"))
    page = client_for(users["coordinator"]).get(reverse("reporting:overview", args=[CISP])).content.decode()
    assert "Review: UNESCO report for year 1 Q1" in page


def test_a_locked_quarter_refuses_the_progress_form(client_for, users, reported):
    client_for(users["unesco"]).post(url("submit"))
    client_for(users["coordinator"]).post(url("accept"))
    activity = Activity.objects.filter(work_plan=reported, agency__code="UNESCO", planned_q1=True).first()
    response = client_for(users["unesco"]).post(
        reverse("workplan:report_progress", args=[CISP, activity.pk]),
        {"quarter": 1, "status": "completed", "comment": "Late change", "seen_version": activity.version},
    )
    assert response.status_code == 409
    assert "was accepted on" in response.content.decode() and "by carol" in response.content.decode()
    assert ActivityProgress.objects.get(activity=activity, quarter=1).comment == "Under way."


def test_a_secretariat_member_reads_but_cannot_act(client_for, users, reported):
    reader = make_user("sam")
    make_member(reader, None, Role.FUND_SECRETARIAT)
    client = client_for(reader)
    assert client.get(url("submission")).status_code == 200
    assert client.post(url("submit")).status_code == 403


def test_the_submission_shows_the_agencys_expenditure_for_the_quarter(client_for, users, reported):
    """The coordinator reviews the quarter's money with its status: what the agency committed and
    disbursed in that quarter, and nothing of another quarter or agency."""
    unesco_activity = Activity.objects.get(work_plan=reported, code="1.1.1")
    ilo_activity = Activity.objects.filter(work_plan=reported, agency__code="ILO").first()
    source = unesco_activity.budget_lines.first().source

    def spent(activity, quarter, committed, disbursed):
        return QuarterFigures(
            activity=activity,
            source=source,
            quarter=quarter,
            committed=Decimal(committed),
            disbursed=Decimal(disbursed),
        )

    record_expenditure(
        figures=[spent(unesco_activity, 1, "1200.50", "800"), spent(unesco_activity, 2, "9", "77777")],
        user=users["unesco"],
    )
    record_expenditure(figures=[spent(ilo_activity, 1, "0", "55555")], user=users["coordinator"])

    page = client_for(users["coordinator"]).get(url("submission")).content.decode()
    start = page.index('id="submission-expenditure"')
    table = page[start : page.index("</table>", start)]
    assert "1,200.50" in table and "800.00" in table
    assert "77,777.00" not in table and "55,555.00" not in table
    assert "Enter the quarter's expenditure" not in page  # the coordinator does not enter it
    focal_point_page = client_for(users["unesco"]).get(url("submission")).content.decode()
    assert "Enter the quarter's expenditure" in focal_point_page
