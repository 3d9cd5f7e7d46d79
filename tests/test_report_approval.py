"""The PMC approves the joint quarterly report once every agency's quarter is accepted; the approved
report stays as approved."""

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from reports.selectors import quarterly_report
from reports.snapshot import report_from_json, report_to_json
from tests.factories import accept_quarter
from workplan.models import ActivityProgress, ReportApproval
from workplan.periods import report_period
from workplan.reporting import reopen, reporting_agencies
from workplan.services import report_progress

CISP = "00067193"


def accept_every_agency(work_plan, quarter, focal, coordinator):
    for agency in reporting_agencies(work_plan):
        accept_quarter(work_plan, agency, quarter, focal_point=focal, coordinator=coordinator)


def test_a_report_survives_its_snapshot_unchanged(cisp):
    report = quarterly_report(cisp, report_period(cisp, 2))
    assert report_from_json(report_to_json(report), cisp) == report


def test_the_pmc_approves_only_once_every_agency_is_accepted(client_for, users, cisp):
    client = client_for(users["pmc"])
    page = client.get(reverse("reports:quarter", args=[CISP, 1, 1])).content.decode()
    assert "Waiting for these agencies" in page and "Approve the joint report" not in page
    client.post(reverse("reports:approve", args=[CISP, 1, 1]))
    assert not ReportApproval.objects.exists()

    accept_every_agency(cisp, 1, users["unesco"], users["coordinator"])
    assert client_for(users["coordinator"]).post(reverse("reports:approve", args=[CISP, 1, 1])).status_code == 403
    client = client_for(users["pmc"])
    assert "Approve the joint report" in client.get(reverse("reports:quarter", args=[CISP, 1, 1])).content.decode()
    client.post(reverse("reports:approve", args=[CISP, 1, 1]))
    approval = ReportApproval.objects.get(work_plan=cisp, quarter=1)
    assert approval.approved_by == users["pmc"]


def test_the_approved_report_stays_as_approved_after_a_later_change(client_for, users, cisp):
    accept_every_agency(cisp, 1, users["unesco"], users["coordinator"])
    client_for(users["pmc"]).post(reverse("reports:approve", args=[CISP, 1, 1]))

    progress = ActivityProgress.objects.filter(activity__work_plan=cisp, quarter=1, activity__agency__code="UNESCO")
    activity = progress.first().activity
    submission = activity.agency.submissions.get(quarter=1)
    reopen(submission=submission, user=users["coordinator"], reason="A correction.")
    activity.refresh_from_db()
    report_progress(
        activity=activity,
        quarter=1,
        status="completed",
        comment="Changed after the approval.",
        user=users["unesco"],
        seen_version=activity.version,
    )

    page = client_for(users["coordinator"]).get(reverse("reports:quarter", args=[CISP, 1, 1])).content.decode()
    assert "Changed after the approval." not in page and "Under way." in page
    assert "Approved by the PMC: pmc" in page
    response = client_for(users["coordinator"]).get(reverse("reports:quarter_xlsx", args=[CISP, 1, 1]))
    sheet = load_workbook(BytesIO(response.content))["Activities"]
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
    assert any(cell.startswith("Approved by the PMC: pmc") for cell in cells)
    assert "Changed after the approval." not in cells and "Under way." in cells
    live = quarterly_report(cisp, report_period(cisp, 1))
    assert "Changed after the approval." in [row.comment for row in live.activities.rows]
