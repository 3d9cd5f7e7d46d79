import pytest
from django.core.management import call_command

from workplan.models import WorkPlan


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Test users' passwords hashed with MD5: the production hasher (PBKDF2) takes about half a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cisp(db):
    """The CISP programme as `make run` loads it."""
    call_command("load_cisp", verbosity=0)
    return WorkPlan.objects.select_related("programme").get(programme__mptf_project_id="00067193", year=1)


@pytest.fixture
def users(db):
    """One user per role: alice is UNESCO's focal point, bob ILO's."""
    from tests.factories import make_user
    from workplan.roles import Role

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
