import os
from collections.abc import Callable

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.utils import translation
from pytest_django.fixtures import validate_django_db

from tests.workbooks import exported
from workplan.models import WorkPlan

_restore_database = pytest.StashKey[Callable[[], None]]()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """The test database, built once per session as `make run` builds it: migrated (the data migrations create
    the role groups and their permissions) and the CISP data loaded.

    A `db` test runs in a transaction rolled back at its end, so it finds the data as loaded. A transactional
    test (`transactional_db`, `live_server`) commits and empties the database at its end: the hook below puts
    back what was there, with the same primary keys.
    """
    with django_db_blocker.unblock():
        call_command("load_cisp", verbosity=0)
        loaded = connection.creation.serialize_db_to_string()

    def restore():
        with django_db_blocker.unblock():
            # The flush that ended the test recreated content types and permissions: empty it all again. Sequences
            # are left past the keys put back, as the test's own flush leaves them.
            call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True, reset_sequences=False)
            connection.creation.deserialize_db_from_string(loaded)
            ContentType.objects.clear_cache()

    request.config.stash[_restore_database] = restore
    yield
    # The test database is dropped after this: from here on nothing may be restored, least of all in the
    # database that the settings name again.
    del request.config.stash[_restore_database]


def _empties_the_database(item: pytest.Item) -> bool:
    """Whether pytest-django runs the test as a TransactionTestCase, flushed at its end (its own rule)."""
    marker = item.get_closest_marker("django_db")
    transaction, reset_sequences, *_ = validate_django_db(marker) if marker else (False, False)
    fixtures = getattr(item, "fixturenames", ())
    return transaction or reset_sequences or "transactional_db" in fixtures or "live_server" in fixtures


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        # After every fixture's teardown, the flush included: whatever the order of the tests, the next one
        # finds the CISP data.
        restore = item.config.stash.get(_restore_database, None)
        if restore is not None and _empties_the_database(item):
            restore()


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A request in Khmer leaves Khmer active in this thread (LocaleMiddleware activates a language per
    request and never puts the previous one back): the next test starts in the default language."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as it starts with the data as loaded: what a test counts
    (its queries) does not depend on what the tests before it left in the cache (the budget figures)."""
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Test users' passwords hashed with MD5: the production hasher (PBKDF2) takes about half a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cisp(db):
    """The CISP programme's Year-1 work plan, as `make run` loads it (loaded once per session)."""
    return WorkPlan.objects.select_related("programme").get(programme__mptf_project_id="00067193", year=1)


@pytest.fixture(scope="session")
def cisp_workbook(django_db_setup, django_db_blocker) -> bytes:
    """The CISP Year-1 work plan exported as loaded, built once per session: tests that edit or import it before
    changing any data start from it (a test that changes the data first exports it again)."""
    with django_db_blocker.unblock():
        return exported(WorkPlan.objects.get(programme__mptf_project_id="00067193", year=1))


@pytest.fixture
def demo(db):
    """The made-up demo programme's Year-1 work plan, beside CISP."""
    call_command("load_demo_programme", verbosity=0)
    return WorkPlan.objects.select_related("programme").get(programme__mptf_project_id="DEMO0001", year=1)


@pytest.fixture
def users(cisp):
    """One user per role in CISP: alice is UNESCO's focal point, bob ILO's."""
    from tests.factories import make_user
    from workplan.models import Membership

    Role = Membership.Role

    return {
        "pmc": make_user("pmc", Role.PMC_MEMBER),
        "unesco": make_user("alice", Role.FOCAL_POINT, "UNESCO"),
        "ilo": make_user("bob", Role.FOCAL_POINT, "ILO"),
        "coordinator": make_user("carol", Role.COORDINATOR),
    }


@pytest.fixture
def client_for(client):
    def logged_in(user):
        client.force_login(user)
        return client

    return logged_in


@pytest.fixture(scope="session")
def playwright():
    """Playwright's sync API, started once per session: it runs an event loop in this thread for
    the rest of the session, and only one may run. Its request context needs no browser; the
    browser tests launch Debian's Chromium from it."""
    from playwright.sync_api import sync_playwright

    # Django refuses ORM calls from a thread with a running event loop unless told it is deliberate.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as running:
        yield running
    # While the event loop ran, this thread's database connections were others than before it started
    # (asgiref's Local): close them with it, or PostgreSQL would refuse to drop the test database.
    connections.close_all()
