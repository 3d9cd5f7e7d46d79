"""Every page needs a login but the public ones; every write is refused to those who may not make it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from outcomes.models import Indicator
from workplan.models import Activity

PUBLIC = {"login", "set_language", "admin:login", "outcomes:public_factsheet", "public_factsheets"}
# Fetched by the browser for offline reading, whoever is logged in: no programme data.
PUBLIC |= {"service_worker", "offline"}


def named_patterns(resolver=None, namespace="", parameters=()):
    """(name, parameters) of every named URL, the parameters of the includes above it counted."""
    for pattern in (resolver or get_resolver()).url_patterns:
        own = (*parameters, *pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_patterns(pattern, inner, own)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", (own, pattern.pattern.regex.groups)


def sample_url(name, pattern, activity, indicator):
    values = {
        "programme": "00067193",
        "pk": activity.pk,
        "year": 1,
        "quarter": 2,
        "result_pk": indicator.results.first().pk,
        "object_id": str(activity.pk),
        "app_label": "workplan",
        "content_type_id": 1,
    }
    parameters, positional = pattern
    if parameters:
        return reverse(name, kwargs={key: values.get(key, 1) for key in parameters})
    return reverse(name, args=[activity.pk] * positional)


def test_every_page_but_the_public_ones_needs_a_login(client, cisp):
    activity = Activity.objects.get(work_plan=cisp, code="1.1.1")
    indicator = Indicator.objects.get(code="I2.2")
    checked = 0
    for name, pattern in named_patterns():
        url = sample_url(name, pattern, activity, indicator)
        if name in PUBLIC:
            continue
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, f"{method.__name__} {name} ({url}) answered {response.status_code}"
            assert "login" in response["Location"], f"{name} ({url}) redirects to {response['Location']}"
        checked += 1
    assert checked > 30


def test_the_public_pages_open_without_a_login(client, cisp):
    assert client.get(reverse("login")).status_code == 200
    factsheet = client.get(reverse("outcomes:public_factsheet", args=["00067193"]))
    assert factsheet.status_code == 200
    text = factsheet.content.decode()
    assert "MDGF-1838-G-KHM" in text and "3,298,053.00 USD" in text
    assert "809" in text and "of whom 540 women" in text and "18%" in text


@pytest.fixture
def ilo_activity(cisp):
    return Activity.objects.get(work_plan=cisp, code="2.1.1")


@pytest.fixture
def unesco_activity(cisp):
    return Activity.objects.get(work_plan=cisp, code="1.1.1")


def test_a_focal_point_cannot_write_for_another_agency(client_for, users, ilo_activity, cisp):
    client = client_for(users["unesco"])
    budget = client.post(
        reverse("budgets:entry", args=["00067193", ilo_activity.pk]),
        {"seen_version": ilo_activity.version, "source": 1, "amount_contracts": "1"},
    )
    progress = client.post(
        reverse("workplan:report_progress", args=["00067193", ilo_activity.pk]),
        {"quarter": 1, "status": "completed", "comment": "x", "seen_version": ilo_activity.version},
    )
    outcome_2_indicator = Indicator.objects.get(code="I2.2")  # outcome 2: ILO and FAO activities only
    result = client.post(
        reverse("outcomes:result_add", args=["00067193", outcome_2_indicator.pk]),
        {"as_of": "2010-12-31", "period_label": "Year 2", "value": "1"},
    )
    assert (budget.status_code, progress.status_code, result.status_code) == (403, 403, 403)
    for url in (
        reverse("budgets:entry", args=["00067193", ilo_activity.pk]),
        reverse("workplan:report_progress", args=["00067193", ilo_activity.pk]),
    ):
        assert client.get(url).status_code == 403
    ilo_activity.refresh_from_db()
    assert ilo_activity.status == Activity.Status.PLANNED
    assert outcome_2_indicator.results.count() == 1


def test_a_focal_point_writes_for_their_own_agency(client_for, users, unesco_activity):
    client = client_for(users["unesco"])
    assert client.get(reverse("budgets:entry", args=["00067193", unesco_activity.pk])).status_code == 200
    assert client.get(reverse("workplan:report_progress", args=["00067193", unesco_activity.pk])).status_code == 200
    indicator = Indicator.objects.get(code="I1.5")  # outcome 1: UNESCO activities
    assert client.get(reverse("outcomes:result_add", args=["00067193", indicator.pk])).status_code == 200


def test_pmc_members_report_progress_but_do_not_edit_budgets_or_results(client_for, users, ilo_activity):
    client = client_for(users["pmc"])
    assert client.get(reverse("workplan:report_progress", args=["00067193", ilo_activity.pk])).status_code == 200
    assert client.get(reverse("budgets:entry", args=["00067193", ilo_activity.pk])).status_code == 403
    indicator = Indicator.objects.get(code="I2.2")
    assert client.get(reverse("outcomes:result_add", args=["00067193", indicator.pk])).status_code == 403


def test_coordinators_read_but_do_not_edit(client_for, users, ilo_activity):
    client = client_for(users["coordinator"])
    assert client.get(reverse("workplan:activity", args=["00067193", ilo_activity.pk])).status_code == 200
    assert client.get(reverse("workplan:report_progress", args=["00067193", ilo_activity.pk])).status_code == 403
    assert client.get(reverse("budgets:entry", args=["00067193", ilo_activity.pk])).status_code == 403


def test_state_changes_need_a_post(client_for, users, unesco_activity):
    client = client_for(users["unesco"])
    client.get(reverse("workplan:report_progress", args=["00067193", unesco_activity.pk]), {"status": "completed"})
    unesco_activity.refresh_from_db()
    assert unesco_activity.status == Activity.Status.PLANNED
    assert client.get(reverse("logout")).status_code == 405
