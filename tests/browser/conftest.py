"""Browser tests in Debian's Chromium, driven by Playwright against pytest-django's live_server.

Playwright never downloads a browser here: it drives /usr/bin/chromium (`apt-get install -y
chromium`). Screenshots go to test-artifacts/ for a person to look at.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connections

from tests.factories import make_user

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: install it with `apt-get update && apt-get install -y chromium`"
        if os.environ.get("REQUIRE_BROWSER") == "1":  # CI: a browser test must run, not be skipped
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()
        # While Playwright's event loop runs, this thread's database connections are others than before it started
        # (asgiref's Local): close them with it, or PostgreSQL would refuse to drop the test database.
        connections.close_all()


@pytest.fixture
def cisp_live(transactional_db, live_server):
    """The live server, on the CISP data loaded for the session (tests/conftest.py restores it after each test)."""
    return live_server


@pytest.fixture
def page_as(browser, cisp_live, request):
    """A logged-in page for a fresh user of the given role; screenshots on the way out."""
    contexts = []

    def open_page(role, agency_code=None, width=1280):
        username = f"{role.name.lower()}-{len(contexts)}"
        make_user(username, role, agency_code)
        context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{cisp_live.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", f"{username}-Passw0rd!")
        page.click("main button[type=submit]")
        page.wait_for_url(f"{cisp_live.url}/")
        page.goto(f"{cisp_live.url}/work-plans/1/")
        return page

    yield open_page
    ARTIFACTS.mkdir(exist_ok=True)
    for number, context in enumerate(contexts):
        for page in context.pages:
            page.screenshot(path=ARTIFACTS / f"{request.node.name}-{number}.png", full_page=True)
        context.close()
