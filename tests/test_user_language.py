"""The language is remembered per person, not only per browser: chosen in the header, kept with the
account, applied on every device from the first page after logging in."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Profile
from accounts.services import remember_language

DASHBOARD = reverse("dashboard", args=["00067193"])


def choose(client, language, next_url=DASHBOARD):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def log_in(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": f"{user.username}-Passw0rd!"})


def test_choosing_a_language_in_the_header_keeps_it_with_the_account(client_for, users):
    client = client_for(users["pmc"])
    response = choose(client, "km")
    assert response.status_code == 302 and response.url == DASHBOARD
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "km"
    assert Profile.objects.get(user=users["pmc"]).language == "km"
    assert client.get(DASHBOARD).headers["Content-Language"] == "km"

    choose(client, "en")
    assert Profile.objects.get(user=users["pmc"]).language == "en"
    assert client.get(DASHBOARD).headers["Content-Language"] == "en"


def test_the_language_follows_the_person_to_another_device(users):
    remember_language(user=users["unesco"], language="km")
    phone = Client(HTTP_ACCEPT_LANGUAGE="en")  # a browser that never chose, asking for English
    assert phone.get(reverse("login")).headers["Content-Language"] == "en"

    response = log_in(phone, users["unesco"])
    assert response.status_code == 302
    # From the login on: the pages in Khmer, and the browser's cookie set so it stays after logging out.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "km"
    page = phone.get(DASHBOARD)
    assert page.headers["Content-Language"] == "km" and '<html lang="km"' in page.content.decode()
    phone.post(reverse("logout"))
    assert phone.get(reverse("login")).headers["Content-Language"] == "km"


def test_the_account_wins_over_the_browser_cookie(client_for, users):
    remember_language(user=users["coordinator"], language="km")
    client = client_for(users["coordinator"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # chosen on this browser earlier, before logging in
    response = client.get(DASHBOARD)
    assert response.headers["Content-Language"] == "km"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "km"


def test_a_person_who_never_chose_gets_the_browser_language(client_for, users):
    client = client_for(users["ilo"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"
    response = client.get(DASHBOARD)
    assert response.headers["Content-Language"] == "km"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert not Profile.objects.filter(user=users["ilo"]).exists()


def test_choosing_before_logging_in_sets_only_the_cookie(client, cisp):
    response = choose(client, "km", next_url=reverse("login"))
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "km"
    assert not Profile.objects.exists()
    assert client.get(reverse("login")).headers["Content-Language"] == "km"


def test_an_unknown_language_changes_nothing(client_for, users):
    client = client_for(users["pmc"])
    choose(client, "fr")
    assert not Profile.objects.filter(user=users["pmc"]).exists()
    assert client.get(DASHBOARD).headers["Content-Language"] == "en"
    with pytest.raises(ValueError):
        remember_language(user=users["pmc"], language="fr")


def test_the_profile_is_read_at_login_not_on_every_page(client, users):
    remember_language(user=users["pmc"], language="km")
    with CaptureQueriesContext(connection) as at_login:
        log_in(client, users["pmc"])
    with CaptureQueriesContext(connection) as pages:
        assert client.get(DASHBOARD).headers["Content-Language"] == "km"
        assert client.get(reverse("outcomes:indicators", args=["00067193"])).headers["Content-Language"] == "km"
    assert sum("accounts_profile" in query["sql"] for query in at_login.captured_queries) == 1
    assert not any("accounts_profile" in query["sql"] for query in pages.captured_queries)
