"""The portfolio and the pages of one programme run as many queries with 20 programmes as with one."""

from decimal import Decimal

from django.urls import reverse

from budgets.models import BudgetLine
from outcomes.models import Indicator, IndicatorResult
from tests.factories import make_activity, make_budget_line, make_member, make_programme, make_work_plan
from workplan.models import Activity, Membership, Outcome, Programme

Role = Membership.Role


def add_programmes(count: int) -> None:
    for n in range(count):
        work_plan = make_work_plan(make_programme(title=f"Programme {n}"))
        first = make_activity(work_plan, "1.1.1", status=Activity.Status.COMPLETED)
        make_budget_line(first, "1000.00")
        make_budget_line(make_activity(work_plan, "1.1.2"), "250.50")
        indicator = Indicator.objects.create(
            outcome=Outcome.objects.get(programme=work_plan.programme), code="I1", statement="People", target=10
        )
        IndicatorResult.objects.create(indicator=indicator, as_of="2012-01-01", period_label="Final", value=12)


def test_the_portfolio_runs_the_same_queries_for_1_and_20_programmes(client_for, cisp, django_assert_max_num_queries):
    client = client_for(make_member("fund", None, Role.FUND_SECRETARIAT))
    assert Programme.objects.count() == 1
    with django_assert_max_num_queries(20) as one:  # the key figures: five
        assert client.get(reverse("portfolio")).status_code == 200

    add_programmes(19)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("portfolio"))
    text = page.content.decode()
    assert '<div class="muted">Programme 18' in text
    # Each made-up programme: 1,000.00 + 70.00 and 250.50 + 17.54 (7% per activity, half-up).
    assert "1,338.04 USD" in text
    assert "50%" in text and "1 / 1" in text  # one of two activities completed; its one indicator reached


def test_a_programme_page_runs_the_same_queries_whatever_the_number_of_programmes(
    client_for, cisp, django_assert_max_num_queries
):
    client = client_for(make_member("fund", None, Role.FUND_SECRETARIAT))
    urls = [
        reverse("workplan:work_plan", args=["00067193", 1]),
        reverse("dashboard", args=["00067193"]),
        reverse("outcomes:indicators", args=["00067193"]),
        reverse("reports:index", args=["00067193"]),
        reverse("reports:quarter", args=["00067193", 1, 2]),
    ]
    with_one = {}
    for url in urls:
        with django_assert_max_num_queries(30) as counted:
            assert client.get(url).status_code == 200
        with_one[url] = len(counted.captured_queries)

    add_programmes(19)
    for url in urls:
        with django_assert_max_num_queries(with_one[url]):
            page = client.get(url)
        assert "Programme 18" in page.content.decode()  # the switcher lists every programme
    assert BudgetLine.objects.filter(amount=Decimal("250.50")).count() == 19
