"""A second programme loaded beside CISP: every page keeps working, on one programme at a time."""

import pytest
from django.urls import reverse

from tests.factories import make_activity, make_programme, make_work_plan


@pytest.fixture
def second(cisp):
    work_plan = make_work_plan(make_programme(code="ZZ-SECOND", mptf_project_id="00099999"), year=1)
    make_activity(work_plan, "1.1.1", title="An activity of the second programme")
    return work_plan


@pytest.mark.parametrize(
    "url",
    [
        reverse("workplan:work_plan", args=[1]),
        reverse("dashboard"),
        reverse("outcomes:indicators"),
        reverse("reports:quarter", args=[1, 2]),
    ],
)
def test_pages_show_the_first_programme_unless_another_is_asked_for(client_for, users, second, url):
    client = client_for(users["coordinator"])

    default = client.get(url)
    chosen = client.get(url, {"programme": "00099999"})

    assert default.status_code == 200 and chosen.status_code == 200
    assert "Creative Industries Support Programme" in default.content.decode()
    assert "Test programme" in chosen.content.decode()
    assert client.get(url, {"programme": "unknown"}).status_code == 404


def test_the_work_plan_of_the_chosen_programme_lists_its_own_activities(client_for, users, second):
    page = client_for(users["coordinator"]).get(reverse("workplan:work_plan", args=[1]), {"programme": "00099999"})
    text = page.content.decode()
    assert "An activity of the second programme" in text
    assert "Establish a PMC" not in text
