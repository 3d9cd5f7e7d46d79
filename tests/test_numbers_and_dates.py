"""One number format per language, the same on every page, chart, report and workbook; dates in
the user's language. English and Khmer both write 1,234.50 (README, "Numbers and dates")."""

import re
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, number_format
from openpyxl import load_workbook

from budgets.money import format_money
from reports.charts import format_number
from workplan.numbers import format_count, format_figure, format_percent

# A number with a decimal comma, or digits grouped by a dot: "3298053,00", "1.001.851,70".
OTHER_FORMAT = re.compile(r"\d,\d\d(?!\d)|\d\.\d{3}\.\d|\d{5,},\d")


@pytest.mark.parametrize("language", ["en", "km"])
def test_every_kind_of_number_has_one_format_per_language(language):
    with translation.override(language):
        assert format_money(Decimal("3298053")) == "3,298,053.00"
        assert format_money(Decimal("60962.3")) == "60,962.30"
        assert format_number(Decimal("264399.14")) == "264,399.14"
        assert format_count(5000) == format_number(5000) == "5,000"
        assert format_figure(Decimal("809.00")) == "809"
        assert format_figure(Decimal("18.50")) == "18.5"
        assert format_figure(Decimal("12000")) == "12,000"
        assert format_percent(Decimal("45.50")) == "45.5%"
        assert format_percent(Decimal("100.0")) == "100%"


AMOUNTS = [
    Decimal(text)
    for text in ("0", "-0.00", "-0.004", "0.005", "999.995", "-999.995", "1E+3", "1234567.891", "-1234.5", "0.1")
]


@pytest.mark.parametrize("language", ["en", "km", "de"])
def test_money_is_written_as_number_format_writes_it(language):
    """format_money writes amounts itself where the language groups as English does, and leaves the
    others (German: 1.234,50) to Django: the same text either way."""
    with translation.override(language):
        for amount in AMOUNTS:
            cents = amount.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
            assert format_money(amount) == number_format(cents, 2, use_l10n=True, force_grouping=True)
    with translation.override("de"):
        assert format_money(Decimal("1234567.891")) == "1.234.567,89"


FIGURES = [
    Decimal(text) for text in ("0", "-0.00", "-0.004", "809.00", "18.50", "12000", "1E+3", "1234567.891", "-1234.5")
]


@pytest.mark.parametrize("language", ["en", "km", "de"])
def test_figures_and_counts_are_written_as_number_format_writes_them(language):
    """As amounts: written by Python where the language groups as English does, by Django elsewhere."""
    with translation.override(language):
        for figure in FIGURES:
            decimals = max(-figure.normalize().as_tuple().exponent, 0)
            assert format_figure(figure) == number_format(figure, decimals, use_l10n=True, force_grouping=True)
        for count in (0, 7, -1234, 5000, 1234567):
            assert format_count(count) == number_format(count, use_l10n=True, force_grouping=True)
    with translation.override("de"):
        assert (format_figure(Decimal("1234.5")), format_count(5000)) == ("1.234,5", "5.000")


def test_dates_are_written_in_the_language_in_use():
    day = date(2008, 9, 10)
    with translation.override("en"):
        assert date_format(day, "SHORT_DATE_FORMAT") == "10 Sep 2008"
        assert date_format(day, "DATE_FORMAT") == "10 September 2008"
    with translation.override("km"):
        assert date_format(day, "SHORT_DATE_FORMAT") == "10 កញ្ញា 2008"
        assert date_format(day, "DATE_FORMAT") == "10 ខែ កញ្ញា ឆ្នាំ 2008"


def in_khmer(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"
    return client


def test_the_dashboard_in_khmer_writes_every_amount_alike(client_for, users):
    page = in_khmer(client_for(users["coordinator"])).get(reverse("dashboard", args=["00067193"]))
    text = page.content.decode()
    assert page.headers["Content-Language"] == "km"
    # The card and the chart beside it: the net funded amount, the year's budget, an agency's bar.
    for amount in ("3,298,053.00", "931,852.30", "60,962.30", "1,001,851.70", "264,399.14"):
        assert amount in text
    assert not OTHER_FORMAT.findall(text)


def test_the_public_factsheet_in_khmer(client, cisp):
    page = in_khmer(client).get(reverse("outcomes:public_factsheet", args=["00067193"]))
    text = page.content.decode()
    assert "3,298,053.00 USD" in text
    assert "10 កញ្ញា 2008" in text and "30 វិច្ឆិកា 2011" in text
    assert not OTHER_FORMAT.findall(text)


def test_the_report_page_and_its_workbook_in_khmer(client_for, users):
    client = in_khmer(client_for(users["coordinator"]))
    page = client.get(reverse("reports:quarter", args=["00067193", 1, 2])).content.decode()
    assert "931,852.30" in page and "1,001,851.70" in page and "69,999.40" in page
    assert "10 ធ្នូ 2008" in page and "9 មីនា 2009" in page  # Q2 of Year 1: 10 December 2008 to 9 March 2009
    assert not OTHER_FORMAT.findall(page)

    workbook = load_workbook(BytesIO(client.get(reverse("reports:quarter_xlsx", args=["00067193", 1, 2])).content))
    subtitle = next(workbook.worksheets[0].iter_rows(min_row=2, max_row=2, values_only=True))[0]
    assert "ពី 10 ធ្នូ 2008 ដល់ 9 មីនា 2009" in subtitle  # Django's own Khmer misspells March "មិនា"
