"""A yes/no indicator's values (stored as 1 and 0) read "Yes" and "No" wherever they show: the indicator
pages, the result form, the factsheet, the progress report and its workbook."""

import re
from decimal import Decimal

from django.urls import reverse

from outcomes.models import Indicator, IndicatorResult
from tests.report_pages import html_tables, workbook_rows


def test_the_indicator_pages_and_the_factsheet_say_yes(client_for, users, cisp):
    client = client_for(users["unesco"])
    legislation = Indicator.objects.get(code="I1.1")  # Living Human Treasures in the legislation: 1

    rows = {row[0]: row for row in html_tables_of(client.get(reverse("outcomes:indicators", args=["00067193"])))}
    assert rows["I1.1"][4].startswith("Yes ") and rows["I3.2"][4].startswith("Yes ")
    entry = client.get(reverse("outcomes:result_add", args=["00067193", legislation.pk])).content.decode()
    assert re.search(r"</a>: Yes\s*</li>", entry) and not re.search(r"</a>: 1\s*</li>", entry)
    factsheet = client.get(reverse("outcomes:public_factsheet", args=["00067193"])).content.decode()
    assert re.search(
        r"Living Human Treasures system established in Cambodia&#x27;s legislation: <strong>Yes\s*</strong>", factsheet
    )


def html_tables_of(response):
    """The indicators table's rows (it has no id of its own): code, statement, baseline, target, latest..."""
    page = response.content.decode().replace('<table class="indicators', '<table id="indicators" class="indicators')
    return [row for row in html_tables(page)["indicators"] if len(row) > 4]


def test_the_result_form_asks_yes_or_no_and_stores_1_or_0(client_for, users, cisp):
    client = client_for(users["unesco"])
    legislation = Indicator.objects.get(code="I1.1")
    result = legislation.results.get()

    form = client.get(reverse("outcomes:result_edit", args=["00067193", legislation.pk, result.pk])).content.decode()
    assert '<select name="value"' in form
    assert '<option value="1" selected>Yes</option>' in form and '<option value="0">No</option>' in form

    response = client.post(
        reverse("outcomes:result_add", args=["00067193", legislation.pk]),
        {"as_of": "2010-06-30", "period_label": "Year 2 Q2", "value": "0"},
    )
    assert response.status_code == 302
    assert IndicatorResult.objects.get(indicator=legislation, as_of="2010-06-30").value == Decimal("0")
    refused = client.post(
        reverse("outcomes:result_add", args=["00067193", legislation.pk]),
        {"as_of": "2010-09-30", "period_label": "Year 2 Q3", "value": "2"},
    )
    assert refused.status_code == 400


def test_the_report_and_its_workbook_say_yes_and_no(admin_client, cisp):
    legislation = Indicator.objects.get(code="I1.1")
    legislation.baseline = Decimal("0")
    legislation.save()
    page = admin_client.get(reverse("reports:year_to_date", args=["00067193", 1])).content.decode()
    workbook = admin_client.get(reverse("reports:year_to_date_xlsx", args=["00067193", 1])).content

    page_row = next(row for row in html_tables(page)["report-indicators"] if row[0] == "I1.1")
    assert (page_row[2], page_row[3], page_row[6]) == ("Yes/no", "No", "Yes")  # unit, baseline, latest
    sheet_row = next(row for row in workbook_rows(workbook)["Indicators"] if row[0] == "I1.1")
    assert (sheet_row[2], sheet_row[3], sheet_row[8]) == ("Yes/no", "No", "Yes")
    # A number indicator stays a number in the workbook.
    people = next(row for row in workbook_rows(workbook)["Indicators"] if row[0] == "I2.2")
    assert people[8] == 809
