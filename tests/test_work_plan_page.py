"""The work plan page's filters."""

from django.urls import reverse

URL = reverse("workplan:work_plan", args=["00067193", 1])


def test_each_filter_offers_all_rather_than_dashes(client_for, users, cisp):
    page = client_for(users["coordinator"]).get(URL).content.decode()
    assert "---------" not in page
    for name in ("agency", "responsible_party", "output", "status", "quarter"):
        assert f'<select name="{name}" id="id_{name}">\n  <option value="" selected>All</option>' in page, name
