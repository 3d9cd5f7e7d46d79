"""The quarterly reporting cycle in Chromium, as its three roles live it: the focal point submits, the
coordinator sends back with a comment, the focal point corrects and resubmits, the coordinator accepts,
the locked quarter refuses an edit, the PMC approves the joint report, and the approved report stays
as approved after a later change."""

import re

from playwright.sync_api import expect

from tests.factories import accept_quarter, make_user
from workplan.models import Activity, Agency, WorkPlan
from workplan.permissions import Role
from workplan.reporting import missing_reports, reopen, reporting_agencies
from workplan.services import report_progress


def test_a_quarter_goes_from_the_focal_point_to_the_coordinator_to_the_pmc(page_as, cisp_live):
    cisp = WorkPlan.objects.select_related("programme").get(programme__mptf_project_id="00067193", year=1)
    unesco = Agency.objects.get(code="UNESCO")
    # Every other agency's Q1 is accepted, and UNESCO has reported all but one activity.
    others_focal_point, others_coordinator = make_user("others-fp"), make_user("others-co")
    for agency in reporting_agencies(cisp):
        if agency != unesco:
            accept_quarter(cisp, agency, 1, focal_point=others_focal_point, coordinator=others_coordinator)
    left, *others_to_report = missing_reports(cisp, unesco.pk, 1)
    focal = page_as(Role.FOCAL_POINT, "UNESCO")
    for activity in others_to_report:
        report_progress(
            activity=activity,
            quarter=1,
            status="ongoing",
            comment="Under way.",
            user=others_focal_point,
            seen_version=activity.version,
        )
    quarter_url = f"{cisp_live.url}/p/00067193/reporting/1/q1/UNESCO/"

    # The focal point is told what is missing, reports it, and submits.
    focal.goto(quarter_url)
    expect(focal.locator("#missing")).to_contain_text(left.code)
    focal.locator("#missing").get_by_role("link", name=left.code).click()
    focal.wait_for_url(re.compile(r"/progress/\?quarter=1$"))
    focal.select_option("#id_status", "ongoing")
    focal.fill("#id_comment", "Calls for proposals out.")
    focal.get_by_role("button", name="Save").click()
    focal.goto(quarter_url)
    focal.get_by_role("button", name="Submit the quarter for review").click()
    expect(focal.locator("#submission-status")).to_contain_text("Submitted")

    # The coordinator sends it back with a comment.
    coordinator = page_as(Role.COORDINATOR)
    coordinator.goto(quarter_url)
    coordinator.fill("#send-back-comment", "Name the provinces of the calls.")
    coordinator.get_by_role("button", name="Send back to the agency").click()
    expect(coordinator.locator("#submission-status")).to_contain_text("Sent back")

    # The focal point reads it, corrects the activity and resubmits.
    focal.goto(quarter_url)
    expect(focal.locator("#review-comment")).to_contain_text("Name the provinces of the calls.")
    focal.goto(f"{cisp_live.url}/p/00067193/activities/{left.pk}/progress/?quarter=1")
    focal.fill("#id_comment", "Calls for proposals out in Siem Reap and Kampot.")
    focal.get_by_role("button", name="Save").click()
    expect(focal.locator(".message.success")).to_contain_text(f"Progress of {left.code} for Q1 saved")
    focal.goto(quarter_url)
    expect(focal.locator("main")).to_contain_text(
        "Corrected as the coordinator asked: Name the provinces of the calls."
    )
    focal.get_by_role("button", name="Submit the quarter for review").click()

    # The coordinator accepts: the quarter is locked.
    coordinator.goto(quarter_url)
    expect(coordinator.locator("#submission-activities")).to_contain_text("Siem Reap and Kampot")
    coordinator.get_by_role("button", name="Accept and lock").click()
    expect(coordinator.locator("#submission-status")).to_contain_text("Accepted")
    coordinator_name = coordinator.locator(".site-tools .user").inner_text()

    # An edit of the accepted quarter is refused, saying by whom it was accepted.
    focal.goto(f"{cisp_live.url}/p/00067193/activities/{left.pk}/progress/?quarter=1")
    focal.fill("#id_comment", "Changed after the acceptance.")
    focal.get_by_role("button", name="Save").click()
    refusal = focal.locator(".progress-form .errorlist")
    expect(refusal).to_contain_text("Q1 of year 1 for UNESCO was accepted on")
    expect(refusal).to_contain_text(f"by {coordinator_name}")

    # The PMC approves the joint report.
    pmc = page_as(Role.PMC_MEMBER)
    report_url = f"{cisp_live.url}/p/00067193/reports/1/q1/"
    pmc.goto(report_url)
    pmc.get_by_role("button", name="Approve the joint report (PMC)").click()
    expect(pmc.locator("#report-approval")).to_contain_text("Approved by the PMC")

    # A later change, after the quarter was reopened, leaves the approved report as it was.
    submission = unesco.submissions.get(work_plan=cisp, quarter=1)
    reopen(submission=submission, user=others_coordinator, reason="Kampot was Kep.")
    left.refresh_from_db()
    report_progress(
        activity=left,
        quarter=1,
        status="completed",
        comment="Calls for proposals out in Siem Reap and Kep.",
        user=others_focal_point,
        seen_version=left.version,
    )
    pmc.goto(report_url)
    expect(pmc.locator("main")).to_contain_text("Calls for proposals out in Siem Reap and Kampot.")
    expect(pmc.locator("main")).not_to_contain_text("Siem Reap and Kep.")
    assert Activity.objects.get(pk=left.pk).implementation_comment.endswith("Kep.")
