"""A second programme loaded beside CISP: every page shows one programme, the one in its URL."""

import pytest
from django.urls import reverse

from tests.factories import make_activity, make_member, make_programme, make_work_plan
from workplan.models import Membership

SECOND = "00099999"


@pytest.fixture
def second(cisp):
    work_plan = make_work_plan(make_programme(code="ZZ-SECOND", mptf_project_id=SECOND), year=1)
    make_activity(work_plan, "1.1.1", title="An activity of the second programme")
    return work_plan


@pytest.fixture
def coordinator_of_both(users, second):
    return make_member(users["coordinator"], second.programme, Membership.Role.COORDINATOR)


@pytest.mark.parametrize(
    "name, args",
    [("workplan:work_plan", [1]), ("dashboard", []), ("outcomes:indicators", []), ("reports:quarter", [1, 2])],
)
def test_each_page_shows_the_programme_of_its_url(client_for, coordinator_of_both, name, args):
    client = client_for(coordinator_of_both)

    first = client.get(reverse(name, args=["00067193", *args]))
    chosen = client.get(reverse(name, args=[SECOND, *args]))

    assert first.status_code == 200 and chosen.status_code == 200
    assert "Creative Industries Support Programme" in first.content.decode()
    assert "Test programme" in chosen.content.decode()
    assert client.get(reverse(name, args=["unknown", *args])).status_code == 404


def test_the_work_plan_of_a_programme_lists_its_own_activities(client_for, coordinator_of_both):
    page = client_for(coordinator_of_both).get(reverse("workplan:work_plan", args=[SECOND, 1]))
    text = page.content.decode()
    assert "An activity of the second programme" in text
    assert "Establish a PMC" not in text
