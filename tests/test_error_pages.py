"""The 403, 404 and 500 pages as production shows them (DEBUG off): in the site's layout, saying why
and where to go instead."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from workplan.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def test_a_refusal_says_why_in_the_layout_with_the_way_back(users, client_for):
    unesco_activity = Activity.objects.filter(
        agency__code="UNESCO", work_plan__programme__mptf_project_id="00067193"
    ).first()
    response = client_for(users["ilo"]).get(reverse("budgets:entry", args=["00067193", unesco_activity.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Only the focal point of UNESCO may edit this budget." in page
    assert 'class="site-nav"' in page  # the programme's menu
    assert f'href="{reverse("dashboard", args=["00067193"])}"' in page


def test_a_programme_without_a_role_is_not_found_and_names_no_programme(users, client_for, demo):
    response = client_for(users["unesco"]).get(reverse("dashboard", args=["DEMO0001"]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "belongs to a programme you have no role in" in page
    assert "Youth Employment" not in page
    assert f'href="{reverse("portfolio")}"' in page


def test_a_missing_page_tells_a_visitor_to_log_in(db):
    response = Client().get("/factsheets/no-such-page/")
    assert response.status_code == 404
    assert f'href="{reverse("login")}"' in response.content.decode()


def test_a_server_error_keeps_the_header_of_the_person(users, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(users["unesco"])
    monkeypatch.setattr("workplan.views.WorkPlanView.get_queryset", _fail)
    response = client.get(reverse("workplan:work_plan", args=["00067193", 1]))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on the server" in page
    assert 'class="site-nav"' in page and "alice" in page


def test_the_server_error_page_is_drawn_with_the_database_down(users, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(users["unesco"])
    monkeypatch.setattr(SessionStore, "load", _fail)
    response = client.get(reverse("portfolio"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on the server" in page
    assert f'href="{reverse("home")}"' in page and 'name="csrfmiddlewaretoken"' in page


def _fail(*args, **kwargs):
    raise OperationalError("the database went away")
