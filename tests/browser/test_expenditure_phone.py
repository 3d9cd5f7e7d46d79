"""The transfers and expenditure pages on a 390-pixel phone, as `test_phone` checks every other page: no
sideways scroll of the page, touch targets of 44 x 44 px, no serious or critical axe-core violation."""

from datetime import date
from decimal import Decimal

from finance.models import Transfer
from tests.browser.test_phone import PhonePage, walk
from tests.factories import make_user
from tests.test_expenditure_workbook import exported
from tests.workbooks import editable, saved
from workplan.models import Activity, Agency, WorkPlan
from workplan.permissions import Role


def test_the_money_pages_fit_a_phone_and_axe_finds_no_serious_violation(browser, cisp_live, settings, tmp_path):
    focal_point = make_user("unesco-money-phone", Role.FOCAL_POINT, "UNESCO")
    coordinator = make_user("coordinator-money-phone", Role.COORDINATOR)
    work_plan = WorkPlan.objects.get(programme__mptf_project_id="00067193", year=1)
    Transfer.objects.create(
        programme=work_plan.programme, work_plan=work_plan, agency=Agency.objects.get(code="UNESCO"),
        date=date(2008, 10, 15), amount=Decimal("250000.00"), voucher="MDTF-2008-17",
    )  # fmt: skip
    activity = Activity.objects.get(work_plan=work_plan, code="1.1.1")
    base = "/p/00067193"

    def refused_amount(page):
        page.fill("input.amount >> nth=0", "-5")
        page.get_by_role("button", name="Save").click()
        page.wait_for_selector(".errorlist")

    settings.MEDIA_ROOT = tmp_path  # where the previewed upload waits
    workbook = editable(exported(work_plan, agency_ids=[activity.agency_id]))
    workbook["Expenditure"]["H4"] = 1500  # 1.1.1, Q2 committed
    upload = tmp_path / "expenditure.xlsx"
    upload.write_bytes(saved(workbook))

    def previewed_import(page):
        page.set_input_files("#id_workbook", str(upload))
        page.get_by_role("button", name="Check the workbook").click()
        page.wait_for_selector("text=To change")

    pages = [
        PhonePage(coordinator, f"{base}/transfers/"),
        PhonePage(focal_point, f"{base}/expenditure/"),
        PhonePage(focal_point, f"{base}/expenditure/1/q2/UNESCO/"),
        PhonePage(focal_point, f"{base}/expenditure/1/q2/UNESCO/", refused_amount),
        PhonePage(focal_point, f"{base}/activities/{activity.pk}/expenditure/"),
        PhonePage(focal_point, f"{base}/expenditure/workbooks/"),
        PhonePage(focal_point, f"{base}/expenditure/workbooks/", previewed_import),
        PhonePage(coordinator, f"{base}/transfers/{Transfer.objects.get().pk}/"),
    ]
    layout, violations, _charts = walk(browser, cisp_live, pages)
    assert layout == {}, "pages wider than the phone, or touch targets under 44 x 44 px"
    assert violations == {}, "axe-core: serious or critical violations"
