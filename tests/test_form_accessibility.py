"""Every field of every form names, for screen readers, only elements that are on the page: the help
text and the error Django points at with `aria-describedby` carry the ids it expects."""

import re

import pytest
from django.urls import reverse

from outcomes.models import Indicator
from tests.factories import make_user
from workplan.models import Activity
from workplan.permissions import Role

REFERENCE = re.compile(r'\saria-(?:describedby|labelledby)="([^"]*)"')
ID = re.compile(r'\sid="([^"]*)"')


def missing_references(html: str) -> set[str]:
    ids = set(ID.findall(html))
    return {name for names in REFERENCE.findall(html) for name in names.split() if name not in ids}


@pytest.fixture
def pages(cisp):
    activity = Activity.objects.get(work_plan=cisp, code="1.1.1")
    indicator = Indicator.objects.get(code="I1.2")
    budget = reverse("budgets:entry", args=["00067193", activity.pk])
    result = reverse("outcomes:result_add", args=["00067193", indicator.pk])
    progress = reverse("workplan:report_progress", args=["00067193", activity.pk])
    return [
        ("get", budget, None),
        ("post", budget, {"seen_version": activity.version, "source": 1, "amount_travel": "-5"}),
        ("get", result, None),
        ("post", result, {"value": "x"}),
        ("get", progress, None),
        ("post", progress, {"quarter": "9", "seen_version": activity.version}),
        ("get", reverse("exchange:import", args=["00067193"]), None),
        ("post", reverse("exchange:import", args=["00067193"]), {"work_plan": ""}),
    ]


def test_no_field_points_at_an_element_that_is_not_there(client, cisp, pages):
    client.force_login(make_user("alice", Role.FOCAL_POINT, "UNESCO"))
    for method, url, data in pages:
        response = getattr(client, method)(url, data)
        assert response.status_code in (200, 400, 422), (method, url, response.status_code)
        if method == "post":
            assert b"errorlist" in response.content, url  # the refused form, with its errors
        assert missing_references(response.content.decode()) == set(), (method, url)


def test_the_login_form_with_its_errors_too(client, cisp):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    assert b"errorlist" in response.content
    assert missing_references(response.content.decode()) == set()
