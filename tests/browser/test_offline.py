"""Pages opened once stay readable offline (static/js/sw.js): served from the copy kept on the device,
with the date it was last updated; forms say they need a connection; logging out forgets the copies."""

import re

from playwright.sync_api import expect

from tests.browser.test_phone import logged_in_context
from tests.factories import make_user
from workplan.models import Activity
from workplan.permissions import Role


def wait_until(page, predicate: str, arg=None, timeout_ms: int = 5000) -> None:
    """Poll a function in the page (`wait_for_function` evaluates a string, which the policy forbids)."""
    for _attempt in range(timeout_ms // 50):
        if page.evaluate(predicate, arg):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"never true: {predicate}")


def test_pages_opened_once_read_offline_and_forms_say_they_need_a_connection(browser, cisp_live):
    user = make_user("pmc-offline", Role.PMC_MEMBER)
    activity = Activity.objects.get(work_plan__programme__mptf_project_id="00067193", code="2.1.1")
    base = f"{cisp_live.url}/p/00067193"
    context = logged_in_context(browser, cisp_live, user)
    page = context.new_page()
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))

    page.goto(f"{base}/")  # registers the worker, which then keeps this first page too
    wait_until(page, "() => navigator.serviceWorker.controller !== null")
    for path in ("/work-plans/1/", f"/activities/{activity.pk}/", f"/activities/{activity.pk}/progress/"):
        page.goto(base + path)
        expect(page.locator("#offline-note")).to_be_hidden()  # from the network: nothing to say
    wait_until(page, "async (url) => (await caches.keys()).length === 2 && !!(await caches.match(url))", f"{base}/")

    context.set_offline(True)
    page.goto(f"{base}/work-plans/1/")
    note = page.locator("#offline-note")
    expect(note).to_be_visible()
    expect(note).to_have_text(
        re.compile(r"^Offline: this is the copy of this page kept on this device, last updated at ")
    )
    expect(page.locator("table.activities")).to_contain_text("2.1.1")
    # The static files come from the device too: the page is styled.
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor") == "rgb(10, 90, 156)"
    )
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Creative Industries Support Programme")).to_be_visible()
    expect(page.locator("#offline-note")).to_be_visible()

    page.goto(f"{base}/activities/{activity.pk}/progress/")
    expect(page.locator("main form .offline-form-note")).to_have_text(re.compile(r"^This form needs a connection"))
    expect(page.get_by_role("button", name="Save")).to_be_disabled()

    page.goto(f"{base}/reports/")  # never opened
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()

    context.set_offline(False)
    page.goto(f"{base}/activities/{activity.pk}/progress/")
    expect(page.locator("#offline-note")).to_be_hidden()
    expect(page.get_by_role("button", name="Save")).to_be_enabled()
    expect(page.locator(".offline-form-note")).to_have_count(0)

    # Logging out forgets the pages kept: the next person on this device cannot read them offline.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    wait_until(page, "async (url) => !(await caches.match(url))", f"{base}/work-plans/1/")
    context.set_offline(True)
    page.goto(f"{base}/work-plans/1/")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    context.close()
    assert violations == []
