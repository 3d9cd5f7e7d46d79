"""The service worker and the offline page are served to anyone, as a browser fetches them; every page
tells the worker's script where it is and carries the sentences it shows (tests/browser/test_offline.py
checks the whole in Chromium)."""

from django.urls import reverse


def test_the_service_worker_is_served_from_the_root_as_javascript_and_checked_at_every_visit(client, db):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert b'addEventListener("fetch"' in response.content
    assert client.post("/sw.js").status_code == 405


def test_the_offline_page_needs_no_login_and_names_no_one(client, cisp):
    from tests.factories import make_user
    from workplan.permissions import Role

    assert "You are offline" in client.get(reverse("offline")).content.decode()
    # The worker keeps it through logging out and in: it must not show who was logged in when it was kept.
    client.force_login(make_user("sokha-offline", Role.PMC_MEMBER))
    page = client.get(reverse("offline")).content.decode()
    assert "You are offline" in page
    assert "sokha-offline" not in page and "Log out" not in page and "Creative Industries" not in page


def test_every_page_says_where_the_worker_is_and_carries_the_offline_sentences(client, cisp):
    page = client.get(reverse("login")).content.decode()
    assert 'data-page-source="network"' in page  # what the worker marks "cache" in a copy it serves
    assert (
        'data-service-worker="/sw.js?login=/accounts/login/&amp;logout=/accounts/logout/&amp;offline=/offline/'
        '&amp;static=/static/"' in page
    )
    assert '<script src="/static/js/offline.js" defer></script>' in page
    assert 'id="offline-note" class="offline-note" role="status" hidden>Offline: ' in page
    assert '<template id="offline-form-note">' in page
