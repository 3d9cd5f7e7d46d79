from decimal import Decimal

from django.urls import reverse

from outcomes.models import Indicator, IndicatorResult
from outcomes.selectors import indicator_progress, latest_values
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
    with django_assert_max_num_queries(28) as at_35:
        assert client.get(reverse("dashboard", args=["00067193"])).status_code == 200
    # Read again, the budget and key figures come from the cache: no sums over the activities.
    with django_assert_max_num_queries(len(at_35.captured_queries) - 7):
        assert client.get(reverse("dashboard", args=["00067193"])).status_code == 200

    add_activities(cisp, 2000 - Activity.objects.filter(work_plan=cisp).count())

    with django_assert_max_num_queries(len(at_35.captured_queries)):
        assert client.get(reverse("dashboard", args=["00067193"])).status_code == 200


def test_the_indicator_card_and_the_progress_chart_agree_and_say_what_each_counts(client_for, users, cisp):
    def dashboard():
        page = client_for(users["pmc"]).get(reverse("dashboard", args=["00067193"])).content.decode()
        card = page[page.index('data-testid="indicators-card"') :]
        chart = page[page.index('<svg class="chart"', page.index("Indicator progress</h2>")) :]
        chart = chart[: chart.index("</svg>")]
        note = page[page.index('data-testid="progress-chart-note"') :]
        drawn = chart.count("<text") // 2  # a label and a figure per indicator
        return " ".join(card[: card.index("Open the indicators")].split()), drawn, chart.count(">no result yet<"), note

    card, drawn, without_result, note = dashboard()
    with_results = IndicatorResult.objects.filter(indicator__in=Indicator.objects.of_programme(cisp.programme))
    assert '<div class="figure">18 / 29</div>' in card  # every indicator with a result, of all
    assert drawn == 11 and without_result == 11  # the chart: the 11 with a target, none with a result yet
    assert "Of the 11 indicators with a target (the chart): 0 with a result." in card
    assert "The 11 indicators with a target, each with its latest result toward it: 0 with a result." in note
    assert "The 18 without a target have no progress to draw" in note
    assert with_results.values("indicator").distinct().count() == 18

    IndicatorResult.objects.create(
        indicator=Indicator.objects.get(code="I2.1.1"), as_of="2009-06-30", period_label="Year 1 Q2", value=7
    )
    card, drawn, without_result, note = dashboard()
    assert '<div class="figure">19 / 29</div>' in card
    assert (drawn, without_result) == (11, 10)
    assert "Of the 11 indicators with a target (the chart): 1 with a result." in card
    page = client_for(users["pmc"]).get(reverse("dashboard", args=["00067193"])).content.decode()
    assert "7 of 10 (70%)" in page  # indicator values written as people write them, not as amounts


def test_the_dashboard_reads_each_indicator_in_the_order_and_with_the_latest_value_the_indicators_page_shows(cisp):
    indicator = Indicator.objects.get(code="I2.1.1")
    for as_of, value in (("2009-06-30", 7), ("2009-12-31", 9), ("2009-03-31", 4)):
        IndicatorResult.objects.create(indicator=indicator, as_of=as_of, period_label=as_of, value=value)

    chart_rows = [(row.code, row.target, row.value) for row in latest_values(cisp.programme)]

    assert chart_rows == [
        (row.indicator.code, row.indicator.target, row.latest.value if row.latest else None)
        for row in indicator_progress(cisp.programme)
    ]
    assert ("I2.1.1", indicator.target, Decimal("9.00")) in chart_rows
    assert len(chart_rows) == 29
