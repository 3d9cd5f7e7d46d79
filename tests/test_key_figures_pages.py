"""The key figures where people read them: the dashboard, the portfolio, the public factsheet and the
quarterly report with its workbook; each says so when a figure counted is illustrative, and each runs
as many queries whatever the amount of money recorded."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse, reverse_lazy

from finance.models import Expenditure, Transfer
from tests.factories import make_member
from tests.finance_examples import spend, transfer
from tests.report_pages import as_decimal, html_tables, workbook_rows
from tests.test_portfolio import add_programmes
from workplan.models import Activity, WorkPlan
from workplan.permissions import Role

ILLUSTRATIVE = "Illustrative figures, not from the programme's sources"


def text_of(page: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.decode()))


@pytest.fixture
def money(cisp):
    """UNESCO received 100,000.00 and disbursed 1,000.50 on 1.1.1 in Q1 (+ 70.04) and 2,000.00 on 1.1.2 in
    Q2 (+ 140.00), and committed 500.00 on 1.1.2 in Q2 (+ 35.00); ILO received 50,000.00 and reported nothing."""
    activities = {a.code: a for a in Activity.objects.filter(work_plan=cisp, code__in=["1.1.1", "1.1.2"])}
    transfer(cisp, "UNESCO", "100000.00", date(2008, 9, 20))
    transfer(cisp, "ILO", "50000.00", date(2008, 9, 20))
    spend(activities["1.1.1"], 1, disbursed="1000.50")
    spend(activities["1.1.2"], 2, disbursed="2000.00", committed="500.00")
    return cisp


def test_the_dashboard_shows_the_key_figures_by_agency(client_for, users, money):
    page = client_for(users["pmc"]).get(reverse("dashboard", args=["00067193"])).content
    text = text_of(page)

    section = text[text.index("Key figures as of") :]
    # UNESCO: approved, transferred, committed, disbursed, delivery rate, budget use.
    assert "UNESCO 214,460.10 100,000.00 535.00 3,210.54 3.2% 1.5%" in section
    assert "ILO 311,040.44 50,000.00 0.00 0.00 0% 0%" in section
    assert "Total 931,852.30 150,000.00 535.00 3,210.54 2.1% 0.3%" in section
    assert "the TOTAL row printed on the plan says 1,001,851.70, 69,999.40 more than its listed activities" in section
    assert "Approved budget, transferred and disbursed by agency" in page.decode()  # the chart's title
    assert "FAO reported no expenditure for year 1 Q1, which ended on 9 Dec 2008." in text
    assert "ILO: disbursed" not in text
    assert ILLUSTRATIVE not in page.decode()


def test_pages_say_when_a_figure_counted_is_illustrative(client_for, client, users, money):
    Transfer.objects.filter(agency__code="ILO").update(illustrative=True)
    pmc = client_for(users["pmc"])
    assert ILLUSTRATIVE in pmc.get(reverse("dashboard", args=["00067193"])).content.decode()
    secretariat = client_for(make_member("fund", None, Role.FUND_SECRETARIAT))
    assert ILLUSTRATIVE in secretariat.get(reverse("portfolio")).content.decode()
    client.logout()
    assert ILLUSTRATIVE in client.get(reverse("outcomes:public_factsheet", args=["00067193"])).content.decode()

    # The report shows planned against spent: there, only its expenditure counts.
    report_url = reverse("reports:quarter", args=["00067193", 1, 2])
    assert ILLUSTRATIVE not in client_for(users["pmc"]).get(report_url).content.decode()
    for expenditure in Expenditure.objects.all():  # marked as the admin marks them: each saved, with its history
        expenditure.illustrative = True
        expenditure.save()
    assert ILLUSTRATIVE in client_for(users["pmc"]).get(report_url).content.decode()


def test_the_public_factsheet_shows_each_participating_organisation(client, money):
    text = text_of(client.get(reverse("outcomes:public_factsheet", args=["00067193"])).content)

    section = text[text.index("Key figures") :]
    assert "Participating organisation Transferred Expenditure Delivery rate" in section
    assert "UNESCO 100,000.00 3,210.54 3.2%" in section
    assert "FAO 0.00 0.00 \N{EN DASH}" in section
    assert "Total 150,000.00 3,210.54 2.1%" in section


def test_the_portfolio_shows_each_programmes_key_figures(client_for, money):
    client = client_for(make_member("fund", None, Role.FUND_SECRETARIAT))
    text = text_of(client.get(reverse("portfolio")).content)

    section = text[text.index("Key figures as of") :]
    assert "MDGF-1838-G-KHM 931,852.30 150,000.00 535.00 3,210.54 2.1% 0.3%" in section


def test_the_report_shows_planned_and_spent_for_the_quarter_and_the_year_to_date(client_for, users, money):
    client = client_for(users["coordinator"])
    page = client.get(reverse("reports:quarter", args=["00067193", 1, 2])).content.decode()
    workbook = client.get(reverse("reports:quarter_xlsx", args=["00067193", 1, 2])).content

    rows = html_tables(page)["report-budget-spent"]
    assert rows[0][:4] == ["JP output and UN agency", "Planned", "Q2 committed", "Q2 disbursed"]
    # 1.1 · UNESCO: Q2 on 1.1.2 alone; the year to date adds Q1 on 1.1.1.
    assert rows[1] == ["1.1 · UNESCO", "72,999.68", "535.00", "2,140.00", "535.00", "3,210.54", "4.4%"]
    assert rows[-1][0] == "Total"
    assert rows[-1][5] == "3,210.54"
    sheet = {row[0]: [as_decimal(value) for value in row[1:]] for row in workbook_rows(workbook)["Planned and spent"]}
    assert sheet["1.1 · UNESCO"] == [
        Decimal(amount) for amount in ("72999.68", "535.00", "2140.00", "535.00", "3210.54", "4.4")
    ]
    assert "FAO reported no expenditure for year 1 Q1" in page


@pytest.mark.parametrize(
    "url",
    [
        reverse_lazy("dashboard", args=["00067193"]),
        reverse_lazy("outcomes:public_factsheet", args=["00067193"]),
        reverse_lazy("reports:quarter", args=["00067193", 1, 2]),
    ],
)
def test_pages_with_key_figures_run_as_many_queries_whatever_the_money_recorded(
    client_for, users, money, django_assert_max_num_queries, url
):
    client = client_for(users["coordinator"])
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200

    Expenditure.objects.all().delete()
    for activity in Activity.objects.filter(work_plan=money).select_related("agency"):
        for quarter in (1, 2, 3, 4):
            spend(activity, quarter, disbursed="10.00", committed="1.00", illustrative=quarter == 1)
        transfer(money, activity.agency.code, "99.99", date(2009, 1, 1))
    Activity.objects.filter(work_plan=money, code__startswith="2.").update(status=Activity.Status.CANCELLED)

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert ILLUSTRATIVE in page.content.decode()


def test_the_portfolio_runs_as_many_queries_for_20_programmes_with_money_as_for_one(
    client_for, money, django_assert_max_num_queries
):
    client = client_for(make_member("fund", None, Role.FUND_SECRETARIAT))
    with django_assert_max_num_queries(20) as one:
        assert client.get(reverse("portfolio")).status_code == 200

    add_programmes(19)
    for work_plan in WorkPlan.objects.exclude(pk=money.pk):
        activity = work_plan.activities.first()
        transfer(work_plan, activity.agency.code, "500.00", date(2009, 2, 1))
        spend(activity, 1, disbursed="100.00")
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("portfolio"))
    assert text_of(page.content).count(" 500.00 0.00 107.00 ") == 19


def test_the_key_figures_are_for_the_programmes_people_and_the_public_factsheet(client, client_for, demo, money):
    dashboard = reverse("dashboard", args=["00067193"])
    assert client.get(dashboard).status_code == 302  # to the login page
    outsider = make_member("demo-focal-point", "DEMO0001", Role.FOCAL_POINT, "ILO")
    assert client_for(outsider).get(dashboard).status_code == 404
    portfolio = text_of(client_for(outsider).get(reverse("portfolio")).content)
    assert "MDGF-1838-G-KHM" not in portfolio[portfolio.index("Key figures as of") :]
    client.logout()
    assert "UNESCO 100,000.00 3,210.54 3.2%" in text_of(
        client.get(reverse("outcomes:public_factsheet", args=["00067193"])).content
    )
