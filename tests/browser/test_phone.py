"""Every page on a 390-pixel phone: the page never scrolls sideways (a wide table scrolls inside its
own region or stacks its rows), touch targets are at least 44 x 44 px, chart text at least 12 px; and
axe-core finds no serious or critical accessibility problem on any of them.

axe-core is vendored (tests/browser/vendor/axe.min.js, from the `axe-core` npm package, with its
licence) and injected from that file, never from another host. The policy forbids injected inline
scripts, so axe runs in a context that bypasses it; every other check runs under the policy."""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pytest
from django.test import Client

from outcomes.models import Indicator
from tests.browser.conftest import ARTIFACTS
from tests.factories import make_member, make_user
from tests.finance_examples import spend, transfer
from tests.workbooks import CONTRACTS, editable, exported, row_of, saved
from workplan.models import Activity, WorkPlan
from workplan.permissions import Role

PHONE = {"width": 390, "height": 844}
AXE = Path(__file__).parent / "vendor" / "axe.min.js"

# Navigation, buttons, form fields and quarter links; links inside text and table cells are not targets of their own.
TOUCH_TARGETS = ", ".join(
    [
        ".site-header a", ".site-header button", ".site-header select", ".site-header summary", "nav a",
        ".quarter-links a", ".breadcrumb a", ".card a", ".downloads a", "main button", "main .button",
        "main select", "main input:not([type=hidden]):not([type=checkbox]):not([type=radio])", "main summary",
    ]
)  # fmt: skip

MEASURE = """(selector) => {
  const visible = (element) => {
    const box = element.getBoundingClientRect();
    return box.width > 1 && box.height > 1 && getComputedStyle(element).visibility !== "hidden";
  };
  const name = (element) =>
    `${element.tagName.toLowerCase()} "${(element.textContent || element.name || "").trim().slice(0, 30)}"`;
  const small = [...document.querySelectorAll(selector)].filter(visible).filter((element) => {
    const box = element.getBoundingClientRect();
    return box.width < 43.5 || box.height < 43.5;
  }).map((element) => {
    const box = element.getBoundingClientRect();
    return `${name(element)} ${Math.round(box.width)}x${Math.round(box.height)}`;
  });
  const tinyText = [...document.querySelectorAll("svg text")].filter(visible).map((text) =>
    text.getScreenCTM().a * parseFloat(getComputedStyle(text).fontSize)).filter((size) => size < 12);
  return {
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    smallTargets: small,
    chartTextBelow12px: tinyText.map((size) => size.toFixed(1)),
    charts: document.querySelectorAll("svg.chart").length,
  };
}"""


def logged_in_context(browser, live_server, user, **options):
    """A browser context with `user`'s session (None: anonymous), at a phone's size."""
    context = browser.new_context(viewport=PHONE, **options)
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context


class PhonePage(NamedTuple):
    user: object  # None: anonymous
    path: str
    action: Callable | None = None  # what to do on the page before checking it
    axe: bool = True

    @property
    def name(self) -> str:
        return f"{self.path} ({self.action.__name__.replace('_', ' ')})" if self.action else self.path


@pytest.fixture
def phone_pages(cisp_live, tmp_path, settings) -> list[PhonePage]:
    """Every page, each opened as a role that may see it: the focal point of UNESCO in CISP sees every
    page of the programme and may use its forms."""
    focal_point = make_user("unesco-phone", Role.FOCAL_POINT, "UNESCO")
    secretariat = make_member("secretariat-phone", None, Role.FUND_SECRETARIAT)
    activity = Activity.objects.get(work_plan__programme__mptf_project_id="00067193", code="1.1.1")
    yes_no = Indicator.objects.get(code="I1.1")  # an outcome-1 indicator: UNESCO works toward it
    base = "/p/00067193"
    # Money moved, so that the key figures, their chart and the warnings have rows to lay out.
    transfer(activity.work_plan, "UNESCO", "100000.00", date(2008, 9, 20), illustrative=True)
    spend(activity, 1, committed="250.00", disbursed="1000.50", illustrative=True)

    def refused_amount(page):
        page.fill("#id_amount_travel", "-5")
        page.get_by_role("button", name="Save").click()
        page.wait_for_selector(".errorlist")

    workbook = editable(exported(WorkPlan.objects.get(programme__mptf_project_id="00067193", year=1)))
    sheet = workbook["Work plan"]
    sheet[f"{CONTRACTS}{row_of(sheet, '1.1.1')}"] = 1500
    settings.MEDIA_ROOT = tmp_path  # where the previewed upload waits
    upload = tmp_path / "edited.xlsx"
    upload.write_bytes(saved(workbook))

    def previewed_import(page):
        page.set_input_files("#id_workbook", str(upload))
        page.get_by_role("button", name="Check the workbook").click()
        page.wait_for_selector("text=To change")

    # axe runs once per template: the budget form with its errors, a result form, one report.
    return [
        PhonePage(secretariat, "/programmes/"),
        PhonePage(focal_point, f"{base}/"),
        PhonePage(focal_point, f"{base}/work-plans/1/"),
        PhonePage(focal_point, f"{base}/activities/{activity.pk}/"),
        PhonePage(focal_point, f"{base}/activities/{activity.pk}/budget/", axe=False),
        PhonePage(focal_point, f"{base}/activities/{activity.pk}/budget/", refused_amount),
        PhonePage(focal_point, f"{base}/activities/{activity.pk}/progress/"),
        PhonePage(focal_point, f"{base}/indicators/"),
        PhonePage(focal_point, f"{base}/indicators/{yes_no.pk}/results/new/", axe=False),
        PhonePage(focal_point, f"{base}/indicators/{yes_no.pk}/results/{yes_no.results.get().pk}/"),
        PhonePage(focal_point, f"{base}/reports/"),
        PhonePage(focal_point, f"{base}/reports/1/q2/"),
        PhonePage(focal_point, f"{base}/reports/1/ytd/", axe=False),
        PhonePage(focal_point, f"{base}/work-plans/import/"),
        PhonePage(focal_point, f"{base}/work-plans/import/", previewed_import),
        PhonePage(focal_point, f"{base}/reporting/"),
        PhonePage(focal_point, f"{base}/reporting/1/q1/UNESCO/"),
        PhonePage(focal_point, "/accounts/password/"),
        PhonePage(None, "/accounts/login/"),
        PhonePage(None, "/factsheets/"),
        PhonePage(None, f"{base}/factsheet/"),
    ]


class Tabs:
    """One tab per user, each in a context of its own (with or without the policy)."""

    def __init__(self, browser, live_server, *, bypass_csp: bool):
        self.browser, self.live_server, self.bypass_csp = browser, live_server, bypass_csp
        self.tabs = {}

    def open(self, page: PhonePage):
        key = page.user.pk if page.user else None
        if key not in self.tabs:
            context = logged_in_context(self.browser, self.live_server, page.user, bypass_csp=self.bypass_csp)
            self.tabs[key] = context.new_page()
        tab = self.tabs[key]
        response = tab.goto(self.live_server.url + page.path)
        assert response.status == 200, page.path
        if page.action is not None:
            page.action(tab)
        return tab

    def close(self):
        for page in self.tabs.values():
            page.context.close()


START_AXE = """() => {
    // Started after this call returns, so that axe runs while the test opens the next page.
    window.seriousViolations = new Promise((resolve) => setTimeout(resolve)).then(() =>
        axe.run(document, {resultTypes: ["violations"]})).then((results) =>
        results.violations.filter((v) => ["serious", "critical"].includes(v.impact)).map((v) =>
            `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`));
}"""


class PhoneWalk(NamedTuple):
    layout: dict  # page name -> what does not fit a phone
    violations: dict  # page name -> axe-core's serious and critical violations
    charts: int  # charts measured


def walk(browser, live_server, pages: list[PhonePage], screenshots: str | None = None) -> PhoneWalk:
    """Each page is opened twice: under the policy to measure it, and in a context that bypasses the policy to
    run axe (which the test injects as an inline script); axe runs while the measured copy loads. With
    `screenshots`, each measured page is kept as ARTIFACTS/<screenshots>-<n>.png."""
    measured, checked = Tabs(browser, live_server, bypass_csp=False), Tabs(browser, live_server, bypass_csp=True)
    layout, violations, charts = {}, {}, 0
    try:
        for number, page in enumerate(pages):
            if page.axe:
                axe_tab = checked.open(page)
                axe_tab.add_script_tag(path=AXE)
                axe_tab.evaluate(START_AXE)
            tab = measured.open(page)
            measures = tab.evaluate(MEASURE, TOUCH_TARGETS)
            if screenshots:
                tab.screenshot(path=ARTIFACTS / f"{screenshots}-{number}.png", full_page=True)
            charts += measures.pop("charts")
            if problems := {key: value for key, value in measures.items() if value}:
                layout[page.name] = problems
            if page.axe and (found := axe_tab.evaluate("window.seriousViolations")):
                violations[page.name] = found
    finally:
        measured.close()
        checked.close()
    return PhoneWalk(layout, violations, charts)


def test_every_page_fits_a_phone_and_axe_finds_no_serious_or_critical_violation(browser, cisp_live, phone_pages):
    layout, violations, charts = walk(browser, cisp_live, phone_pages)
    assert layout == {}, "pages wider than the phone, touch targets under 44 x 44 px or chart text under 12 px"
    assert violations == {}, "axe-core: serious or critical violations"
    assert charts == 4 + 3 * 2  # the dashboard's and each report's: every chart was measured
