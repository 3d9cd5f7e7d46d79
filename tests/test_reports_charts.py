"""The server-drawn SVG charts: accessible, figures written as text, labels escaped, Decimal only."""

import re
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from reports.charts import bar_chart, format_number, progress_bars, stacked_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def texts(svg: str) -> list[str]:
    return [element.text for element in parse(svg).iter(f"{SVG}text")]


def test_bar_chart_writes_each_value_and_scales_to_the_largest():
    svg = bar_chart([("FAO", Decimal("264399.14")), ("ILO", Decimal("311040.44"))], title="Budget by agency")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Budget by agency"
    assert root.get("aria-label") == "Budget by agency. FAO: 264,399.14; ILO: 311,040.44"
    assert texts(svg) == ["FAO", "264,399.14", "ILO", "311,040.44"]
    widths = [Decimal(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert widths[1] == 190  # the largest bar takes the whole room
    assert widths[0] == Decimal("161.5")


def test_labels_are_escaped():
    svg = bar_chart([("<script>alert(1)</script>", 3)], title='A "quoted" & <b>bold</b> title')
    assert "<script>" not in svg and "<b>" not in svg
    assert texts(svg)[0] == "<script>alert(1)</script>"
    assert parse(svg).find(f"{SVG}title").text == 'A "quoted" & <b>bold</b> title'


def test_stacked_bar_chart_gives_each_part_and_its_share():
    svg = stacked_bar_chart([("Planned", 3), ("Ongoing", 1), ("Completed", 0)], title="Activities by status")
    assert texts(svg) == ["Planned: 3 (75%)", "Ongoing: 1 (25%)", "Completed: 0 (0%)"]
    bars = [rect for rect in parse(svg).iter(f"{SVG}rect") if rect.get("height") != "12"]
    assert [bar.get("width") for bar in bars] == ["300.0", "100.0"]  # no segment for zero


def test_progress_bars_cap_the_bar_but_not_the_percent():
    svg = progress_bars(
        [("I2.1.1", Decimal("7"), Decimal("10")), ("I3.3.1", Decimal("6"), Decimal("4")), ("I2.2.3", None, 8)],
        title="Progress",
    )
    assert texts(svg) == [
        "I2.1.1", "7.00 of 10.00 (70%)", "I3.3.1", "6.00 of 4.00 (150%)", "I2.2.3", "no result yet",
    ]  # fmt: skip
    fills = [rect.get("width") for rect in parse(svg).iter(f"{SVG}rect") if rect.get("fill") != "#e3e8ed"]
    assert fills == ["98.0", "140.0"]


@pytest.mark.parametrize("chart", [bar_chart, stacked_bar_chart, progress_bars])
def test_empty_data_draws_an_empty_chart(chart):
    assert parse(chart([], title="Nothing")).find(f"{SVG}title").text == "Nothing"


def test_floats_are_refused():
    with pytest.raises(TypeError):
        format_number(1.5)


def test_report_page_carries_the_three_charts_inline(admin_client, cisp):
    page = admin_client.get(reverse("reports:quarter", args=["00067193", 1, 2])).content.decode()
    assert page.count('<svg class="chart"') == 3
    assert "UNESCO: 214,460.10" in page
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/js/offline.js" defer>']  # none for charts
