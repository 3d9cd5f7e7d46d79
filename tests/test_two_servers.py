"""Two real app servers (gunicorn) on one PostgreSQL database: a user logs in on one and is logged in
on the other, and a work plan import previewed on one is confirmed on the other.

The servers share what several servers behind a proxy share in production: the database (sessions,
the login throttle, the data), Redis (cache and cached sessions, CACHE_URL), MEDIA_ROOT (the upload
waiting between preview and confirm) and SECRET_KEY. Nothing else: a separate process each, with its
own memory and workers.
"""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import connection

from budgets.models import BudgetLine
from tests.factories import make_member
from tests.workbooks import CONTRACTS, editable, exported, row_of, saved
from workplan.models import Membership, Programme, WorkPlan

PROJECT = Path(__file__).resolve().parent.parent
CISP = "00067193"
REDIS_URL = "redis://127.0.0.1:6379/5"  # a database number of its own, apart from test_several_servers' 0
START_TIMEOUT_SECONDS = 20

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the servers are other processes, and SQLite's in-memory test database is "
    "private to this one; it runs in CI's PostgreSQL pass (DATABASE_URL=postgres://... make test)",
)


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return f"--- server {self.name} ({self.url}), exit code {self.process.poll()} ---\n{self.log.read_text()}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def servers_database_url() -> str:
    """The test database (test_<name>), as a URL the servers' settings read."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start(name: str, environment: dict[str, str], logs: Path) -> Server:
    port = free_port()
    log = logs / f"gunicorn-{name}.log"
    command = [
        *(sys.executable, "-m", "gunicorn", "cisp.wsgi", "--bind", f"127.0.0.1:{port}"),
        *("--worker-class", "sync", "--workers", "1", "--graceful-timeout", "5"),
        "--no-control-socket",  # its default path is one per machine: two servers would share it
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=PROJECT, env=environment, stdout=output, stderr=subprocess.STDOUT)
    return Server(name, f"http://127.0.0.1:{port}", process, log)


def wait_until_ready(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"server {server.name} stopped while starting\n{server.output()}")
        try:
            with urllib.request.urlopen(f"{server.url}/accounts/login/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"server {server.name} not ready after {START_TIMEOUT_SECONDS} s\n{server.output()}")


def stop(servers: list[Server]) -> None:
    for server in servers:
        if server.process.poll() is None:
            server.process.terminate()
    for server in servers:
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture
def two_servers(transactional_db, tmp_path, request):
    """Servers A and B on the test database, with the same SECRET_KEY, Redis and MEDIA_ROOT; stopped
    before the database is emptied at the end of the test."""
    media = tmp_path / "media"
    media.mkdir()
    inherited = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "CSRF_TRUSTED_ORIGINS"}
    environment = {key: value for key, value in os.environ.items() if key not in inherited}
    environment.update(
        DATABASE_URL=servers_database_url(),
        SECRET_KEY=secrets.token_hex(32),
        MEDIA_ROOT=str(media),
        CACHE_URL=REDIS_URL,
        DEBUG="1",
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="cisp.settings",
    )
    servers = []
    request.addfinalizer(lambda: stop(servers))
    for name in ("A", "B"):
        servers.append(start(name, environment, tmp_path))
    for server in servers:
        wait_until_ready(server)
    return (*servers, media)


@contextmanager
def server_output_on_failure(*servers: Server):
    """On a failure, the servers' output (tracebacks, access errors) goes into the test's report."""
    try:
        yield
    except BaseException:
        for server in servers:
            print(server.output())
        raise


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def cisp_work_plan() -> WorkPlan:
    """CISP's Year-1 work plan: loaded once per session by some set-ups; this test's own database
    starts empty in others (a transactional test commits, and the database is emptied after each)."""
    if not Programme.objects.filter(mptf_project_id=CISP).exists():
        call_command("load_cisp", verbosity=0)
    return WorkPlan.objects.get(programme__mptf_project_id=CISP, year=1)


def coordinator_who_logs_in(username: str):
    """A CISP coordinator whose password the servers can check: hashed with Django's default hasher,
    whatever faster one the tests themselves use."""
    user = make_member(username, CISP, Membership.Role.COORDINATOR)
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(f"{username}-Passw0rd!", hasher.salt())
    user.save(update_fields=["password"])
    return user


@pytest.mark.django_db(transaction=True)
def test_an_import_previewed_on_one_server_is_confirmed_on_another(two_servers, playwright):
    a, b, media = two_servers
    work_plan = cisp_work_plan()
    coordinator = coordinator_who_logs_in("carol")
    workbook = editable(exported(work_plan))
    sheet = workbook["Work plan"]
    sheet[f"{CONTRACTS}{row_of(sheet, '2.1.1')}"] = "3,000"
    upload = {"name": "plan.xlsx", "mimeType": "application/octet-stream", "buffer": saved(workbook)}
    line = BudgetLine.objects.get(activity__work_plan=work_plan, activity__code="2.1.1", category__code="contracts")
    assert line.amount == Decimal("2000.00")

    import_path = f"/p/{CISP}/work-plans/import/"
    with server_output_on_failure(a, b):
        http = playwright.request.new_context()  # one cookie jar for both: 127.0.0.1, whatever the port

        login = http.get(f"{a.url}/accounts/login/")
        logged_in = http.post(
            f"{a.url}/accounts/login/",
            form={"username": "carol", "password": "carol-Passw0rd!", "csrfmiddlewaretoken": csrf_token(login.text())},
        )
        assert logged_in.ok and 'title="Change your password">carol</a>' in logged_in.text(), logged_in.text()
        session_key = next(c["value"] for c in http.storage_state()["cookies"] if c["name"] == "sessionid")

        # Server B knows the session server A opened: from Redis (cached_db), else from the database.
        page_on_b = http.get(f"{b.url}/p/{CISP}/work-plans/1/")
        assert page_on_b.ok and page_on_b.url == f"{b.url}/p/{CISP}/work-plans/1/"
        assert 'title="Change your password">carol</a>' in page_on_b.text()
        assert redis.Redis.from_url(REDIS_URL).keys(f"*{session_key}")

        form = http.get(f"{a.url}{import_path}")
        preview = http.post(
            f"{a.url}{import_path}",
            multipart={
                "csrfmiddlewaretoken": csrf_token(form.text()),
                "work_plan": str(work_plan.pk),
                "workbook": upload,
            },
        )
        assert preview.status == 200, preview.text()
        token = re.search(r'name="token" value="([0-9a-f]+)"', preview.text()).group(1)
        assert (media / "work-plan-imports" / f"{token}.xlsx").exists()  # kept in the shared MEDIA_ROOT

        done = http.post(
            f"{b.url}{import_path}confirm/", form={"token": token, "csrfmiddlewaretoken": csrf_token(preview.text())}
        )
        assert done.ok and done.url == f"{b.url}{import_path}", done.text()
        assert "1 changed" in done.text(), done.text()
        http.dispose()

    line.refresh_from_db()
    assert line.amount == Decimal("3000.00")
    assert line.history.first().history_user == coordinator
    assert not list((media / "work-plan-imports").iterdir())  # server B removed what server A kept
