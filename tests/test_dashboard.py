from django.urls import reverse

from tests.test_query_counts import add_activities
from workplan.models import Activity


def test_the_dashboard_shows_the_key_figures_and_charts(client_for, users, cisp):
    page = client_for(users["pmc"]).get(reverse("dashboard", args=["00067193"])).content.decode()

    assert "3,298,053.00" in page  # net funded amount
    assert "931,852.30" in page  # this year's listed activities, Mgt support included
    assert "1,001,851.70" in page and "69,999.40" in page  # the TOTAL row and the difference
    assert page.count("<svg") >= 2  # budget by agency, activities by status
    assert "311,040.44" in page  # ILO's budget, in the chart's text
    assert 'aria-label="' in page


def test_the_dashboard_runs_the_same_queries_at_35_and_2000_activities(
    client_for, users, cisp, django_assert_max_num_queries
):
    client = client_for(users["coordinator"])
    with django_assert_max_num_queries(25) as at_35:
        assert client.get(reverse("dashboard", args=["00067193"])).status_code == 200

    add_activities(cisp, 2000 - Activity.objects.filter(work_plan=cisp).count())

    with django_assert_max_num_queries(len(at_35.captured_queries)):
        assert client.get(reverse("dashboard", args=["00067193"])).status_code == 200
