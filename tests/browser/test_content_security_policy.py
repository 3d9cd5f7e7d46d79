"""The pages work under the Content-Security-Policy: Chromium reports no violation, and the live
budget total (static/js/budget-entry.js) and the server-drawn SVG charts still show."""

from django.contrib.auth.models import User
from playwright.sync_api import expect

from workplan.models import Activity
from workplan.permissions import Role


def record_violations(page) -> list[str]:
    """Chromium writes every blocked script, style, font or image to the console."""
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


def test_the_budget_entry_page_runs_its_script_with_no_policy_violation(page_as):
    page = page_as(Role.FOCAL_POINT, "UNESCO")
    violations = record_violations(page)
    activity = Activity.objects.get(code="1.1.1")

    response = page.goto(page.url.replace("/work-plans/1/", f"/activities/{activity.pk}/budget/"))

    assert "default-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_test_id("live-mgt-support")).to_have_text("65.38")  # the script ran
    page.fill("#id_amount_travel", "1,000")
    expect(page.get_by_test_id("live-mgt-support")).to_have_text("135.38")
    assert violations == []

    # The check sees a violation when there is one: an inline script is refused and reported.
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.ran = 1";
        document.body.append(script);
    }""")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ran") is None
    assert any("inline script" in violation for violation in violations)


def test_pages_with_charts_tables_and_forms_load_with_no_policy_violation(page_as):
    page = page_as(Role.COORDINATOR)
    violations = record_violations(page)
    activity = Activity.objects.get(code="2.1.1")
    base = page.url.replace("/work-plans/1/", "")

    for path in ("/", "/work-plans/1/", f"/activities/{activity.pk}/", "/indicators/", "/reports/", "/reports/1/q2/"):
        response = page.goto(base + path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
    expect(page.locator("svg").first).to_be_visible()  # the report's charts

    assert violations == []


def test_the_admin_pages_with_inline_attributes_of_their_own_work_under_the_policy(browser, cisp_live):
    """django-import-export's export page ("Select all" toggle) and simple_history's history list:
    their inline attributes are allowed by hash (settings.CONTENT_SECURITY_POLICY)."""
    User.objects.create_superuser("root", "root@example.org", "root-Passw0rd!")
    context = browser.new_context()
    page = context.new_page()
    violations = record_violations(page)
    page.goto(f"{cisp_live.url}/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "root-Passw0rd!")
    page.click("input[type=submit]")
    page.wait_for_url(f"{cisp_live.url}/admin/")
    activity = Activity.objects.get(code="1.1.1")

    page.goto(f"{cisp_live.url}/admin/workplan/activity/{activity.pk}/change/")
    page.goto(f"{cisp_live.url}/admin/workplan/activity/{activity.pk}/history/")
    page.goto(f"{cisp_live.url}/admin/budgets/budgetline/export/")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]:not(.select-toggle)')
    expect(fields.first).to_be_checked()
    page.locator("input.select-toggle").uncheck()  # its inline onchange handler runs
    expect(fields.first).not_to_be_checked()
    page.wait_for_timeout(200)

    context.close()
    assert violations == []
