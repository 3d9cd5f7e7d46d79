"""The budget revisions and next-year pages on a 390-pixel phone, with the checks of test_phone.py: no sideways
scroll of the page, touch targets of 44 x 44 px, and no serious or critical axe-core violation."""

from datetime import date
from decimal import Decimal

import pytest

from budgets.models import BudgetLine
from budgets.services import record_budget_revision
from tests.browser.test_phone import PhonePage, walk
from tests.factories import make_user
from workplan.models import Activity, WorkPlan
from workplan.permissions import Role


@pytest.fixture
def pages(cisp_live) -> list[PhonePage]:
    coordinator = make_user("coordinator-phone", Role.COORDINATOR)
    pmc = make_user("pmc-phone", Role.PMC_MEMBER)
    year_one = WorkPlan.objects.get(programme__mptf_project_id="00067193", year=1)
    activity = Activity.objects.get(work_plan=year_one, code="1.1.1")
    BudgetLine.objects.filter(activity=activity, category__code="int-personnel").update(amount=Decimal("90000.00"))
    record_budget_revision(
        work_plan=year_one, date=date(2009, 3, 1), reason="More consultants for 1.1.1", approved_by="PMC", user=None
    )
    base = "/p/00067193/work-plans"

    def refused_revision(page):
        page.fill("#id_reason", "Nothing changed since revision 1")
        page.get_by_role("button", name="Record the revision").click()
        page.wait_for_selector(".errorlist")

    def year_two(page):
        page.get_by_role("button", name="Create work plan year 2").click()
        page.wait_for_url("**/work-plans/2/")

    return [
        PhonePage(pmc, f"{base}/1/budget-revisions/"),
        PhonePage(coordinator, f"{base}/1/budget-revisions/", refused_revision),
        PhonePage(coordinator, f"{base}/1/next-year/"),
        # Creates year 2 (once: axe does not open it), whose link the activity page then shows.
        PhonePage(coordinator, f"{base}/1/next-year/", year_two, axe=False),
        PhonePage(coordinator, f"/p/00067193/activities/{activity.pk}/"),
    ]


def test_the_budget_revision_and_next_year_pages_fit_a_phone(browser, cisp_live, pages):
    layout, violations, _charts = walk(browser, cisp_live, pages, screenshots="phone-budget-revisions")
    assert layout == {}, "pages wider than the phone or touch targets under 44 x 44 px"
    assert violations == {}, "axe-core: serious or critical violations"
