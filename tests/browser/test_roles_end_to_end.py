"""Each role logs in and does its main job in a real browser."""

import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from budgets.models import BudgetLine
from tests.browser.conftest import ARTIFACTS
from workplan.models import Activity, ActivityProgress
from workplan.permissions import Role


def test_a_pmc_member_updates_the_status_of_an_activity(page_as):
    page = page_as(Role.PMC_MEMBER)

    page.get_by_role("link", name="Identify existing and potential groups and associations").click()
    page.get_by_role("link", name="Update status").click()
    page.wait_for_url(re.compile(r"/progress/$"))  # loaded, the form's script in
    page.select_option("#id_quarter", "2")  # nothing typed yet: the form reloads for Q2 at once
    page.wait_for_url(re.compile(r"\?quarter=2$"))
    page.select_option("#id_status", "ongoing")
    page.fill("#id_comment", "Shortlists agreed in the four provinces.")
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".message.success")).to_contain_text("Progress of 2.1.1 for Q2 saved")
    expect(page.locator("dl.facts")).to_contain_text("Ongoing")
    expect(page.locator("dl.facts")).to_contain_text("Shortlists agreed in the four provinces.")
    progress = ActivityProgress.objects.get(activity__code="2.1.1", quarter=2)
    assert progress.status == "ongoing"

    # Switching quarter shows that quarter's own status and comment, never the one on screen.
    page.get_by_role("link", name="Update status").click()
    page.wait_for_url(re.compile(r"/progress/$"))
    expect(page.locator("#id_comment")).to_have_value("Shortlists agreed in the four provinces.")  # Q2, the latest
    page.fill("#id_comment", "Typed, not saved.")
    page.once("dialog", lambda dialog: dialog.dismiss())  # "Leave what you typed...?" No: nothing changes
    page.select_option("#id_quarter", "3")
    expect(page.locator("#id_quarter")).to_have_value("2")
    expect(page.locator("#id_comment")).to_have_value("Typed, not saved.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.select_option("#id_quarter", "3")
    page.wait_for_url(re.compile(r"\?quarter=3$"))
    expect(page.locator("#id_comment")).to_have_value("")  # nothing saved for Q3
    page.select_option("#id_quarter", "2")
    page.wait_for_url(re.compile(r"\?quarter=2$"))
    expect(page.locator("#id_comment")).to_have_value("Shortlists agreed in the four provinces.")


def test_a_focal_point_enters_a_budget_line_and_sees_mgt_support_change_as_they_type(page_as):
    page = page_as(Role.FOCAL_POINT, "UNESCO")
    activity = Activity.objects.get(code="1.1.1")  # Int personnel 500, Nat personnel 434: Mgt support 65.38
    page.goto(page.url.replace("/work-plans/1/", f"/activities/{activity.pk}/"))
    page.get_by_role("link", name="Edit budget").click()
    expect(page.get_by_test_id("live-mgt-support")).to_have_text("65.38")

    page.fill("#id_amount_travel", "1,000")
    # 934 + 1,000 = 1,934; 7% = 135.38, shown before anything is saved.
    expect(page.get_by_test_id("live-mgt-support")).to_have_text("135.38")
    expect(page.get_by_test_id("live-total")).to_have_text("2,069.38")
    page.fill("#id_amount_travel", "1,000.50")
    expect(page.get_by_test_id("live-mgt-support")).to_have_text("135.42")  # 135.4150 rounds half-up
    page.screenshot(path=ARTIFACTS / "focal-point-typing.png", full_page=True)

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("mgt-support")).to_have_text("135.42")
    expect(page.get_by_test_id("budget-total")).to_have_text("2,069.92")
    assert BudgetLine.objects.get(activity=activity, category__code="travel").amount == 1000.50


def test_a_focal_point_cannot_open_another_agency_budget(page_as):
    page = page_as(Role.FOCAL_POINT, "UNESCO")
    ilo_activity = Activity.objects.get(code="2.1.1")
    response = page.goto(page.url.replace("/work-plans/1/", f"/activities/{ilo_activity.pk}/budget/"))
    assert response.status == 403


def test_a_coordinator_filters_the_work_plan_and_downloads_the_export(page_as):
    page = page_as(Role.COORDINATOR)

    page.select_option("#id_agency", label="FAO")
    page.select_option("#id_quarter", label="Q4")
    page.get_by_role("button", name="Filter").click()

    rows = page.locator("table.activities tbody tr:not(.group)")
    expect(rows).to_have_count(7)  # FAO in Q4: 2.1.7, 2.1.8, 2.1.9, 2.2.6, 2.2.7, 2.2.10, 2.2.11
    expect(page.locator("table.activities")).not_to_contain_text("UNESCO")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as Excel").click()
    download = download_info.value
    assert re.search(r"\.xlsx$", download.suggested_filename)
    saved = ARTIFACTS / download.suggested_filename
    download.save_as(saved)
    sheet = load_workbook(saved)["Work plan"]
    downloaded = [row[1] for row in sheet.iter_rows(min_row=4, values_only=True) if row[1] and row[7]]
    assert downloaded == ["2.1.7", "2.1.8", "2.1.9", "2.2.6", "2.2.7", "2.2.10", "2.2.11"]  # what the filter shows
