import pytest
from django.core.management import call_command

from workplan.models import WorkPlan


@pytest.fixture
def cisp(db):
    """The CISP programme as `make run` loads it."""
    call_command("load_cisp", verbosity=0)
    return WorkPlan.objects.select_related("programme").get(programme__mptf_project_id="00067193", year=1)


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
