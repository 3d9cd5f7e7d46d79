"""Who may see the reports and download them."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

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


def user_in(*groups):
    user = get_user_model().objects.create_user(username="user-" + "-".join(groups) or "nobody", password="x")
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


@pytest.mark.parametrize("url", PAGES + DOWNLOADS)
def test_anonymous_users_are_sent_to_log_in(client, cisp, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", DOWNLOADS)
def test_download_needs_the_export_permission(client, cisp, url):
    client.force_login(user_in())
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_pages_need_only_a_login_and_hide_the_download_without_permission(client, cisp, url):
    client.force_login(user_in())
    response = client.get(url)
    assert response.status_code == 200
    assert ".xlsx" not in response.content.decode()


@pytest.mark.parametrize("role", list(Role))
def test_every_role_may_download(client, cisp, role):
    client.force_login(user_in(role.value))
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
