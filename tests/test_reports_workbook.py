"""The report's page and workbook show the same figures; the workbook is laid out for print
and keeps user text as text."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from reports.selectors import quarterly_report
from reports.workbook import build_workbook
from tests.report_pages import as_decimal, html_tables, workbook_rows
from workplan.models import Activity, ActivityProgress
from workplan.periods import report_period


@pytest.fixture
def progress(cisp):
    """Some quarterly statuses, one with a comment that a spreadsheet would take for a formula."""
    for code, quarter, status, comment in [
        ("1.1.1", 1, Activity.Status.COMPLETED, "PMC established."),
        ("1.1.2", 2, Activity.Status.ONGOING, "=1+1"),
        ("1.1.4", 2, Activity.Status.ONGOING, "Workshop on LHT prepared."),
    ]:
        ActivityProgress.objects.create(
            activity=Activity.objects.get(work_plan=cisp, code=code), quarter=quarter, status=status, comment=comment
        )
    return cisp


def figures(rows):
    """Each row as its first cell (a label or code) and the figures in it, in order."""
    return [
        (str(row[0] or ""), [value for value in map(as_decimal, row[1:]) if value is not None])
        for row in rows
        if row and row[0] not in (None, "")
    ]


@pytest.mark.parametrize("url_name, args", [("quarter", [1, 2]), ("year_to_date", [1])])
def test_page_and_workbook_show_the_same_figures(admin_client, progress, url_name, args):
    tables = html_tables(admin_client.get(reverse(f"reports:{url_name}", args=["00067193", *args])).content.decode())
    sheets = workbook_rows(admin_client.get(reverse(f"reports:{url_name}_xlsx", args=["00067193", *args])).content)

    budget = sheets["Budget"]
    split = [index for index, row in enumerate(budget) if row[0] in ("Budget line", "UN agency")]
    assert figures(budget[: split[0]]) == figures(tables["report-budget-outputs"])
    assert figures(budget[split[0] : split[1]]) == figures(tables["report-budget-categories"])
    assert figures(budget[split[1] :]) == figures(tables["report-budget-agencies"])
    assert ("Total", [Decimal("931852.30"), Decimal("1001851.70"), Decimal("69999.40")]) in figures(
        tables["report-budget-categories"]
    )

    def activity_cells(row):
        # Code, title, agency, party, the four quarters, status, late flag and comment: on both.
        return [str(value or "") for value in row[:11]]

    page_activities = [activity_cells(row) for row in tables["report-activities"] if len(row) == 11]
    sheet_activities = [activity_cells(row) for row in sheets["Activities"] if len(row) > 4]
    assert page_activities == sheet_activities
    assert len(page_activities) > 10

    def indicator_figures(row, columns):
        return [row[0], *[as_decimal(row[column]) if column < len(row) else None for column in columns]]

    # Page: baseline 3, target 4, in period 5, latest 6, percent 8; sheet: 3, 5, 7, 8, 10.
    page_indicators = [
        indicator_figures(row, [3, 4, 5, 6, 8]) for row in tables["report-indicators"][1:] if len(row) == 10
    ]
    sheet_indicators = [indicator_figures(row, [3, 5, 7, 8, 10]) for row in sheets["Indicators"][1:] if len(row) > 2]
    assert page_indicators == sheet_indicators
    assert ["I2.2", None, None, None, Decimal("809"), None] in page_indicators


def test_user_text_stays_text(progress):
    report = quarterly_report(progress, report_period(progress, 2))
    stream = BytesIO()
    build_workbook(report).save(stream)
    sheet = load_workbook(BytesIO(stream.getvalue()))["Activities"]
    comments = [row[10].value for row in sheet.iter_rows(min_row=5) if row[0].value == "1.1.2"]
    assert comments == ["=1+1"]
    cell = next(row[10] for row in sheet.iter_rows(min_row=5) if row[0].value == "1.1.2")
    assert cell.data_type == "s"


def test_control_characters_pasted_into_a_comment_do_not_break_the_download(admin_client, progress):
    ActivityProgress.objects.filter(activity__code="1.1.4", quarter=2).update(comment="Line one\x0bline two")

    response = admin_client.get(reverse("reports:quarter_xlsx", args=["00067193", 1, 2]))

    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content if response.streaming else [response.content])))
    comments = [row[10].value for row in sheet["Activities"].iter_rows(min_row=5) if row[0].value == "1.1.4"]
    assert comments == ["Line one\N{REPLACEMENT CHARACTER}line two"]


def test_workbook_layout(progress):
    workbook = build_workbook(quarterly_report(progress, report_period(progress, 2)))
    assert workbook.sheetnames == ["Activities", "Budget", "Indicators", "Planned and spent"]
    for sheet in workbook:
        assert sheet.freeze_panes is not None and sheet.freeze_panes.endswith("5")
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$4:$4"
    budget = workbook["Budget"]
    total = next(row for row in budget.iter_rows() if row[0].value == "Total of the listed activities")
    assert [cell.value for cell in total[1:]] == [Decimal("870890.00"), Decimal("60962.30"), Decimal("931852.30")]
    assert all(cell.number_format == "#,##0.00" and cell.font.bold for cell in total[1:])
    output_header = next(row for row in budget.iter_rows() if str(row[0].value).startswith("JP Output 2.1"))
    assert output_header[0].font.bold and output_header[0].fill.fgColor.rgb.endswith("E8EEF4")


def test_command_writes_the_workbook(progress, tmp_path):
    path = tmp_path / "report.xlsx"
    call_command("quarterly_report", "--year", "1", "--quarter", "2", "-o", str(path))
    sheets = workbook_rows(path.read_bytes())
    assert ["Total", "14 activities listed, 6 late"] in sheets["Activities"]
    assert ["Total", Decimal("931852.30"), Decimal("1001851.70"), Decimal("69999.40")] in [
        [row[0], *map(as_decimal, row[1:])] for row in sheets["Budget"]
    ]


def test_command_refuses_a_year_without_work_plan(cisp, tmp_path):
    with pytest.raises(CommandError, match="no work plan for year 7"):
        call_command("quarterly_report", "--year", "7", "--quarter", "1", "-o", str(tmp_path / "r.xlsx"))
