"""Who may see the reports and download them."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import make_member
from workplan.permissions import Role

PAGES = [
    reverse("reports:index", args=["00067193"]),
    reverse("reports:quarter", args=["00067193", 1, 2]),
    reverse("reports:year_to_date", args=["00067193", 1]),
]
DOWNLOADS = [
    reverse("reports:quarter_xlsx", args=["00067193", 1, 2]),
    reverse("reports:year_to_date_xlsx", args=["00067193", 1]),
]


def user_in(role=None):
    """A user with this role in CISP (the fund secretariat's in every programme), or with none."""
    if role is None:
        return get_user_model().objects.create_user(username="nobody", password="x")
    programme = None if role == Role.FUND_SECRETARIAT else "00067193"
    return make_member(f"user-{role.value}", programme, role, "UNESCO" if role == Role.FOCAL_POINT else None)


@pytest.mark.parametrize("url", PAGES + DOWNLOADS)
def test_anonymous_users_are_sent_to_log_in(client, cisp, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", PAGES + DOWNLOADS)
def test_an_account_with_no_role_in_the_programme_does_not_see_its_reports(client, cisp, url):
    client.force_login(user_in())
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", list(Role))
def test_every_role_may_download(client, cisp, role):
    client.force_login(user_in(role))
    page = client.get(reverse("reports:quarter", args=["00067193", 1, 2])).content.decode()
    assert reverse("reports:quarter_xlsx", args=["00067193", 1, 2]) in page
    response = client.get(reverse("reports:quarter_xlsx", args=["00067193", 1, 2]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="progress-report-MDGF-1838-G-KHM-year1-q2.xlsx"' in response["Content-Disposition"]


@pytest.mark.parametrize(
    "url",
    [
        "/p/00067193/reports/1/q5/",
        "/p/00067193/reports/1/q0/",
        "/p/00067193/reports/9/q1/",
        "/p/00067193/reports/9/ytd.xlsx",
    ],
)
def test_unknown_quarters_and_years_are_not_found(admin_client, cisp, url):
    assert admin_client.get(url).status_code == 404


def test_index_links_every_quarter_and_the_year_to_date(admin_client, cisp):
    page = admin_client.get(reverse("reports:index", args=["00067193"])).content.decode()
    for quarter in (1, 2, 3, 4):
        assert reverse("reports:quarter", args=["00067193", 1, quarter]) in page
    assert reverse("reports:year_to_date", args=["00067193", 1]) in page
