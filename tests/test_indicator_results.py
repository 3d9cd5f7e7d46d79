from decimal import Decimal

import pytest
from django.urls import reverse

from outcomes.models import Indicator, IndicatorResult, percent_of_target


@pytest.fixture
def indicator(cisp):
    indicator = Indicator.objects.get(code="I1.5")  # outcome 1: UNESCO
    indicator.disaggregated_by_sex = True
    indicator.save()
    return indicator


def test_a_result_whose_parts_do_not_add_up_is_refused_with_a_clear_message(client_for, users, indicator):
    response = client_for(users["unesco"]).post(
        reverse("outcomes:result_add", args=["00067193", indicator.pk]),
        {"as_of": "2010-06-30", "period_label": "Year 2 Q2", "value": "10", "women": "6", "men": "5"},
    )
    assert response.status_code == 400
    assert "Women (6) and men (5) add up to 11, not to the total 10." in response.content.decode()
    assert not IndicatorResult.objects.filter(indicator=indicator, as_of="2010-06-30").exists()


def test_a_focal_point_records_a_result_with_its_disaggregation(client_for, users, indicator):
    response = client_for(users["unesco"]).post(
        reverse("outcomes:result_add", args=["00067193", indicator.pk]),
        {"as_of": "2010-06-30", "period_label": "Year 2 Q2", "value": "10", "women": "6", "men": "4"},
    )
    assert response.status_code == 302
    result = IndicatorResult.objects.get(indicator=indicator, as_of="2010-06-30")
    assert (result.value, result.women, result.men) == (Decimal("10.00"), 6, 4)
    assert result.history.get().history_user == users["unesco"]


def test_the_indicator_page_shows_latest_result_and_progress(client_for, users, cisp):
    page = client_for(users["coordinator"]).get(reverse("outcomes:indicators", args=["00067193"])).content.decode()
    assert "809" in page and "540" in page  # people in producer groups, women
    assert "18%" in page  # sales increase


def test_percent_of_target_rounds_half_up_on_every_page(client_for, users, cisp):
    indicator = Indicator.objects.get(code="I1.2.2")  # target 12
    indicator.target = Decimal("400")
    indicator.save()
    IndicatorResult.objects.create(indicator=indicator, as_of="2009-06-30", period_label="Year 1", value=49)

    assert percent_of_target(Decimal("49"), Decimal("400")) == Decimal("12.3")  # 12.25, half-up
    indicators_page = client_for(users["pmc"]).get(reverse("outcomes:indicators", args=["00067193"])).content.decode()
    report_page = client_for(users["pmc"]).get(reverse("reports:quarter", args=["00067193", 1, 4])).content.decode()
    assert "12.3%" in indicators_page and "12.2%" not in indicators_page
    assert "12.3" in report_page and "12.2%" not in report_page


def test_a_second_result_for_the_same_date_is_refused_with_a_message(client_for, users, indicator):
    client = client_for(users["unesco"])
    data = {"as_of": "2010-06-30", "period_label": "Year 2 Q2", "value": "10", "women": "6", "men": "4"}
    client.post(reverse("outcomes:result_add", args=["00067193", indicator.pk]), data)

    again = client.post(
        reverse("outcomes:result_add", args=["00067193", indicator.pk]), {**data, "value": "12", "men": "6"}
    )

    assert again.status_code == 400
    assert "already has a result for 2010-06-30" in again.content.decode()
    assert IndicatorResult.objects.get(indicator=indicator, as_of="2010-06-30").value == Decimal("10.00")
