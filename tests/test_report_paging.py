"""A report page lists its activities 200 at a time, or all of them with `?page=all`; its summary, its
totals and its workbook cover the whole year whatever the page."""

from django.urls import reverse

from tests.factories import make_member
from tests.report_pages import html_tables, workbook_rows
from tests.test_reports_queries import add_activities
from workplan.permissions import Role

URL = reverse("reports:quarter", args=["00067193", 1, 3])


def listed_codes(content: bytes) -> list[str]:
    """The codes of the activity rows of the page (after the head; group headings have one cell)."""
    return [row[0] for row in html_tables(content.decode())["report-activities"][1:] if len(row) == 11]


def test_a_long_report_lists_its_activities_page_by_page(client, cisp):
    client.force_login(make_member("coordinator", "00067193", Role.COORDINATOR))
    add_activities(cisp, 450)

    whole_year = client.get(URL, {"page": "all"})
    every_code = listed_codes(whole_year.content)
    assert len(every_code) > 400
    pages = [client.get(URL, {"page": number}) for number in (1, 2, 3)]
    assert [len(listed_codes(page.content)) for page in pages] == [200, 200, len(every_code) - 400]
    assert [code for page in pages for code in listed_codes(page.content)] == every_code
    assert listed_codes(client.get(URL).content) == listed_codes(pages[0].content)
    assert listed_codes(client.get(URL, {"page": "99"}).content) == listed_codes(pages[2].content)

    first = pages[0].content.decode()
    assert f"Activities 1 to 200 of {len(every_code)}" in first
    assert '<a href="?page=1" aria-current="page">Page 1</a>' in first
    assert '<a href="?page=all">Every activity on one page</a>' in first
    assert '<a href="?page=all" aria-current="page">' in whole_year.content.decode()
    # The summary and the totals count every activity on every page.
    for page in (*pages, whole_year):
        assert f"{len(every_code)} activities listed" in page.content.decode()
        assert f"{len(every_code)} activities in this report" in page.content.decode()

    workbook = workbook_rows(client.get(reverse("reports:quarter_xlsx", args=["00067193", 1, 3])).content)
    assert [str(row[0] or "") for row in workbook["Activities"] if len(row) > 4][1:] == every_code


def test_a_short_report_has_no_pages(client, cisp):
    client.force_login(make_member("coordinator", "00067193", Role.COORDINATOR))
    page = client.get(URL).content.decode()
    assert "?page=" not in page
    assert listed_codes(client.get(URL).content) == listed_codes(client.get(URL, {"page": "all"}).content)
