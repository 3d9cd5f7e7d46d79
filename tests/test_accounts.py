from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from workplan.middleware import SessionRenewalMiddleware


def test_repeated_failed_logins_are_throttled_and_the_user_is_told_for_how_long(client, users, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})

    locked = client.post(reverse("login"), {"username": "alice", "password": "alice-Passw0rd!"})

    assert locked.status_code == 429
    assert "locked for 15 minutes after too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_correct_login_works_and_lands_on_the_dashboard(client, users, cisp):
    response = client.post(reverse("login"), {"username": "alice", "password": "alice-Passw0rd!"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard", args=["00067193"])
    assert response.status_code == 200


def test_a_session_ends_after_the_idle_timeout(client_for, users, cisp, settings):
    client = client_for(users["pmc"])
    assert client.get(reverse("workplan:work_plan", args=["00067193", 1])).status_code == 200

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    sessions = Session.objects.count()
    assert client.get(reverse("workplan:work_plan", args=["00067193", 1])).status_code == 302
    assert Session.objects.count() == sessions  # the expired session is not renewed, nor replaced by an empty one


def _expires(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def _session_writes(queries) -> list[str]:
    return [query["sql"] for query in queries if "django_session" in query["sql"] and "SELECT" not in query["sql"]]


def test_each_request_restarts_the_idle_clock_writing_the_session_at_most_once_a_minute(
    client_for, users, cisp, settings
):
    client = client_for(users["pmc"])
    url = reverse("workplan:work_plan", args=["00067193", 1])
    client.get(url)
    renewed = _expires(client)
    assert renewed > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 10)

    # Within the minute, a request reads the session and writes nothing.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert _session_writes(queries.captured_queries) == []
    assert _expires(client) == renewed

    # Fifty minutes later, with the session last written then, the next request restarts the clock.
    session = client.session
    session[SessionRenewalMiddleware.RENEWED_AT] -= 50 * 60
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=10))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(_session_writes(queries.captured_queries)) == 1
    assert _expires(client) > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 10)
    assert not settings.SESSION_SAVE_EVERY_REQUEST


def test_passwords_must_pass_the_validators(client_for, users):
    response = client_for(users["pmc"]).post(
        reverse("password_change"),
        {"old_password": "pmc-Passw0rd!", "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()


@pytest.mark.parametrize("login_url", ["login", "admin:login"])
def test_a_username_too_long_for_the_lockout_records_is_an_ordinary_failed_login(client, users, settings, login_url):
    too_long = "a" * 300  # axes' username column holds 255: on PostgreSQL this was a DataError and a 500

    refused = client.post(reverse(login_url), {"username": too_long, "password": "wrong"})

    assert refused.status_code == 200
    assert "correct username and password" in refused.content.decode()
    assert AccessAttempt.objects.get().username == too_long[:255]
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse(login_url), {"username": too_long, "password": "wrong"})
    assert client.post(reverse(login_url), {"username": too_long, "password": "wrong"}).status_code == 429


def test_empty_login_fields_say_what_is_missing(client, users):
    response = client.post(reverse("login"), {"username": "", "password": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter your username." in page
    assert "Enter your password." in page
    assert "_auth_user_id" not in client.session

    page = client.post(reverse("login"), {"username": "alice", "password": ""}).content.decode()
    assert "Enter your username." not in page
    assert "Enter your password." in page


PROXY = "10.0.0.1"  # the address every request comes from behind a reverse proxy


def log_in(username, password, **meta):
    return Client().post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=PROXY, **meta)


def test_behind_a_trusted_proxy_locking_one_client_out_does_not_lock_another(users, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker, alice = {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}, {"HTTP_X_FORWARDED_FOR": "198.51.100.9"}
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in("alice", "wrong", **attacker)

    assert log_in("alice", "alice-Passw0rd!", **attacker).status_code == 429
    assert log_in("alice", "alice-Passw0rd!", **alice).status_code == 302  # the owner, behind the same proxy
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    # Addresses the client writes itself stand left of the one the proxy appends: not believed.
    spoofed = {"HTTP_X_FORWARDED_FOR": "198.51.100.9, 203.0.113.7"}
    assert log_in("alice", "alice-Passw0rd!", **spoofed).status_code == 429


def test_with_no_trusted_proxy_a_forged_forwarded_for_header_is_ignored(users, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0  # the default
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in("alice", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")  # a new address each time

    assert log_in("alice", "alice-Passw0rd!", HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429
    assert AccessAttempt.objects.get().ip_address == PROXY


def test_a_forwarded_for_entry_that_is_not_an_address_falls_back_to_the_connection(users, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    log_in("alice", "wrong", HTTP_X_FORWARDED_FOR="unknown, 10.0.0.2")  # not an address: not a proxy's entry
    log_in("alice", "wrong", HTTP_X_FORWARDED_FOR="10.0.0.2")  # fewer entries than proxies: came round them

    assert list(AccessAttempt.objects.values_list("ip_address", "failures_since_start")) == [(PROXY, 2)]


def test_a_person_changes_their_password_from_the_link_on_their_name(client, users, cisp):
    client.post(reverse("login"), {"username": "alice", "password": "alice-Passw0rd!"})
    dashboard = client.get(reverse("dashboard", args=["00067193"])).content.decode()
    assert f'href="{reverse("password_change")}"' in dashboard

    form = client.get(reverse("password_change")).content.decode()
    assert "Change your password" in form and 'class="site-header"' in form  # the site's layout, not the admin's

    changed = client.post(
        reverse("password_change"),
        {
            "old_password": "alice-Passw0rd!",
            "new_password1": "Kampot-pepper-2009",
            "new_password2": "Kampot-pepper-2009",
        },
        follow=True,
    )
    assert "Your password was changed" in changed.content.decode()
    fresh = Client()
    fresh.post(reverse("login"), {"username": "alice", "password": "Kampot-pepper-2009"})
    assert "_auth_user_id" in fresh.session
