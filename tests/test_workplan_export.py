import json
import shutil
import subprocess
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from budgets.models import BudgetLine, FundingSource
from budgets.money import indirect_cost
from budgets.selectors import work_plan_budget
from exchange.import_plan import CHANGED, CREATED, UNCHANGED
from exchange.services import import_work_plan
from exchange.workplan_import import plan_work_plan_import
from tests.factories import make_activity, make_budget_line, make_category
from tests.workbooks import CODE, COMMENTS, CONTRACTS, MGT_SUPPORT, TITLE, editable, exported, row_of, saved
from workplan.models import Activity, Agency


def test_the_work_plan_sheet_mirrors_the_programme_layout(cisp):
    workbook = load_workbook(BytesIO(exported(cisp)))
    assert workbook.sheetnames == ["Work plan", "Budget lines", "Read me"]
    sheet = workbook["Work plan"]
    assert sheet["A2"].value == "Budget including 7% indirect costs"
    assert [cell.value for cell in sheet[3]] == [
        "Annual target", "Activity code", "Activity", "Q1", "Q2", "Q3", "Q4", "UN agency", "Responsible party",
        "Source of funds", "Int personnel", "Nat personnel", "Contracts", "Training", "Transport", "Supplies",
        "Equipment", "Travel", "Miscellaneous", "Mgt support", "Total", "Comments",
    ]  # fmt: skip
    assert sheet.freeze_panes == "D4"
    assert sheet["A4"].value.startswith("JP Output 1.1 National capacity")
    row = row_of(sheet, "1.1.1")
    assert sheet[f"D{row}"].value == "x" and sheet[f"E{row}"].value is None
    assert sheet[f"K{row}"].value == 500 and sheet[f"K{row}"].number_format == "#,##0.00"
    assert sheet[f"{MGT_SUPPORT}{row}"].value == f"=ROUND(SUM(K{row}:S{row})*0.07,2)"
    assert sheet[f"U{row}"].value == f"=SUM(K{row}:S{row})+T{row}"
    assert sheet[f"C{row}"].alignment.wrap_text
    other = row_of(sheet, "Programme formulation") - 2
    assert sheet[f"A{other}"].value == "Other"
    total = sheet.max_row
    assert sheet[f"A{total}"].value == "TOTAL"
    assert sheet[f"K{total}"].value == f"=SUM(K4:K{total - 1})"
    assert sheet.column_dimensions["C"].width == 48


def test_the_work_plan_sheet_prints_and_shows_its_wrapped_text(cisp):
    sheet = load_workbook(BytesIO(exported(cisp)))["Work plan"]

    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$3:$3"  # the column headers on every page
    # Rows are as tall as their longest wrapped text: LibreOffice would otherwise print
    # 1.1.4's five-line comment over the next row.
    short, long = row_of(sheet, "1.1.1"), row_of(sheet, "1.1.4")
    assert sheet.row_dimensions[short].height == 45  # "Establish a PMC, ..." wraps over three lines
    assert sheet.row_dimensions[long].height > 4 * 15


def test_the_budget_lines_sheet_has_one_row_per_line_and_mgt_support(cisp):
    sheet = load_workbook(BytesIO(exported(cisp)))["Budget lines"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    lines = [row for row in rows if row[1] == "1.1.1"]
    assert [(row[6], row[7]) for row in lines] == [
        ("Int personnel", 500),
        ("Nat personnel", 434),
        ("Mgt support", 65.38),
    ]
    total = sum(Decimal(str(row[7])) for row in rows)
    assert total == work_plan_budget(cisp).listed.total


def test_the_budget_lines_sheet_gives_each_line_its_source_of_funds(cisp):
    activity = Activity.objects.get(work_plan=cisp, code="1.1.1")
    government = FundingSource.objects.create(code="RGC", name="Royal Government of Cambodia")
    BudgetLine.objects.create(
        activity=activity, category=make_category(cisp.programme), source=government, amount=Decimal("100")
    )
    sheet = load_workbook(BytesIO(exported(cisp)))["Budget lines"]
    lines = [row[5:] for row in sheet.iter_rows(min_row=2, values_only=True) if row[1] == "1.1.1"]
    assert lines == [
        ("MDG-F", "Int personnel", 500),
        ("MDG-F", "Nat personnel", 434),
        ("RGC", "Contracts", 100),
        ("MDG-F, RGC", "Mgt support", 72.38),
    ]


def test_the_read_me_lists_agencies_partners_and_outputs(cisp):
    sheet = load_workbook(BytesIO(exported(cisp)))["Read me"]
    first_column = [row[0] for row in sheet.iter_rows(values_only=True)]
    for expected in ["UN agencies", "UNESCO", "National partners", "MoCFA", "JP outputs", "3.2", "Mgt support"]:
        assert expected in first_column


def test_user_text_is_written_as_text_never_as_a_formula(cisp):
    activity = Activity.objects.get(work_plan=cisp, code="1.1.1")
    activity.implementation_comment = "=1+1"
    activity.title = '=HYPERLINK("http://evil.example","click")'
    activity.annual_target = "@SUM(A1)"
    activity.save()
    data = exported(cisp)
    sheet = load_workbook(BytesIO(data))["Work plan"]
    row = row_of(sheet, "1.1.1")
    for column, text in [(COMMENTS, "=1+1"), (TITLE, activity.title), ("A", "@SUM(A1)")]:
        assert sheet[f"{column}{row}"].data_type == "s"
        assert sheet[f"{column}{row}"].value == text
    lines = load_workbook(BytesIO(data))["Budget lines"]
    assert all(row[2].data_type == "s" for row in lines.iter_rows(min_row=2) if row[1].value == "1.1.1")
    # ...and it comes back exactly.
    plan = plan_work_plan_import(work_plan=cisp, data=data)
    assert {planned.action for planned in plan.activities} == {"unchanged"}


def test_a_code_that_looks_like_a_number_stays_text(cisp):
    sheet = load_workbook(BytesIO(exported(cisp)))["Work plan"]
    assert sheet[f"{CODE}{row_of(sheet, '2.1.10')}"].data_type == "s"


def test_export_workplan_command_writes_the_workbook(cisp, tmp_path):
    path = tmp_path / "plan.xlsx"
    call_command("export_workplan", "--year", "1", "-o", str(path), stdout=StringIO())
    assert load_workbook(path, read_only=True).sheetnames == ["Work plan", "Budget lines", "Read me"]


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice is not installed, so the sheet's formulas cannot be recalculated: "
    "install it with `apt-get install -y libreoffice-calc-nogui` (Debian/Ubuntu) to run this test.",
)
def test_the_formulas_of_the_exported_sheet_give_the_app_totals_to_the_cent(cisp, tmp_path):
    # Direct totals whose 7% ends in half a cent, where float arithmetic could round the other way.
    for n, amount in enumerate(["4673.50", "150.50", "1.50", "12345.50", "0.50", "71428.50"], start=50):
        make_budget_line(make_activity(cisp, f"1.1.{n}"), amount)
    # Two sources, two rows: the 7% of each row would add up to a cent more than the activity's.
    two_sources = make_activity(cisp, "1.1.60")
    make_budget_line(two_sources, "150.50")
    government = FundingSource.objects.create(code="RGC", name="Royal Government of Cambodia")
    BudgetLine.objects.create(
        activity=two_sources, category=make_category(cisp.programme), source=government, amount=Decimal("150.50")
    )
    assert work_plan_budget(cisp).by_activity[two_sources.pk].indirect == Decimal("21.07")
    source = tmp_path / "plan.xlsx"
    source.write_bytes(exported(cisp))
    out = tmp_path / "calculated"
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to", "xlsx",
         "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    sheet = load_workbook(out / "plan.xlsx", data_only=True)["Work plan"]
    budget = work_plan_budget(cisp)
    rate = cisp.programme.indirect_cost_rate

    def cents(value) -> Decimal:
        return Decimal(str(value)).quantize(Decimal("0.01"))

    for activity in Activity.objects.filter(work_plan=cisp):
        row = row_of(sheet, activity.code or activity.title)
        figures = budget.by_activity[activity.pk]
        assert cents(sheet[f"{MGT_SUPPORT}{row}"].value) == indirect_cost(figures.direct, rate) == figures.indirect
        assert cents(sheet[f"U{row}"].value) == figures.total
    summary = json.loads(_budget_summary_json())
    total_row = [cell.value for cell in sheet[sheet.max_row]]
    assert total_row[0] == "TOTAL"
    category_totals = dict(zip([cell.value for cell in sheet[3]][10:19], total_row[10:19], strict=True))
    for name, value in category_totals.items():
        assert f"{cents(value or 0):.2f}" == summary["by_category"][name]
    assert f"{cents(total_row[19]):.2f}" == summary["indirect"] == summary["by_category"]["Mgt support"]
    assert f"{cents(total_row[20]):.2f}" == summary["total"]


def _budget_summary_json() -> str:
    out = StringIO()
    call_command("budget_summary", "--year", "1", "--json", stdout=out)
    return out.getvalue()


def test_export_and_import_run_a_constant_number_of_queries(cisp, django_assert_max_num_queries):
    with django_assert_max_num_queries(12) as small_export:
        data = exported(cisp)
    with django_assert_max_num_queries(12) as small_import:
        plan_work_plan_import(work_plan=cisp, data=data)
    for n in range(200):
        make_budget_line(make_activity(cisp, f"1.1.{100 + n}"), "100.00")
    with django_assert_max_num_queries(len(small_export.captured_queries)):
        data = exported(cisp)
    with django_assert_max_num_queries(len(small_import.captured_queries)):
        plan = plan_work_plan_import(work_plan=cisp, data=data)
    assert len(plan.activities) == 235


def download(client, query: dict | None = None) -> bytes:
    response = client.get(reverse("exchange:export", args=["00067193", 1]), query or {})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def activity_codes(data: bytes) -> list[str]:
    sheet = load_workbook(BytesIO(data))["Work plan"]
    return [row[1] for row in sheet.iter_rows(min_row=4, values_only=True) if row[1] and row[7]]


def test_the_download_holds_what_the_work_plan_filter_shows(client_for, users, cisp):
    client = client_for(users["coordinator"])
    fao = Agency.objects.get(code="FAO").pk
    query = {"agency": fao, "quarter": "4", "sort": "title"}
    page = client.get(reverse("workplan:work_plan", args=["00067193", 1]), query)
    shown = [row.record.code for row in page.context["table"].rows]
    link = reverse("exchange:export", args=["00067193", 1]) + f"?agency={fao}&amp;quarter=4"
    assert f'href="{link}" download' in page.content.decode()

    data = download(client, {"agency": fao, "quarter": "4"})

    assert (
        sorted(activity_codes(data))
        == sorted(shown)
        == ["2.1.7", "2.1.8", "2.1.9", "2.2.10", "2.2.11", "2.2.6", "2.2.7"]
    )
    sheet = load_workbook(BytesIO(data))["Work plan"]
    assert sheet["A1"].value.endswith("(7 of its 35 activities, as filtered)")
    lines = load_workbook(BytesIO(data))["Budget lines"]
    assert {row[1] for row in lines.iter_rows(min_row=2, values_only=True)} == set(shown)
    # Unfiltered (or only sorted), every activity.
    assert len(activity_codes(download(client, {"sort": "title"}))) == 33  # the two under "Other" have no code
    assert client.get(reverse("exchange:export", args=["00067193", 1]), {"agency": "999"}).status_code == 400


def test_a_filtered_download_imports_back_cleanly_and_leaves_the_other_activities_alone(client_for, users, cisp):
    client = client_for(users["coordinator"])
    fao = Agency.objects.get(code="FAO").pk
    data = download(client, {"agency": fao})
    unchanged = plan_work_plan_import(work_plan=cisp, data=data)
    assert unchanged.is_valid and not unchanged.with_action(CREATED) and not unchanged.with_action(CHANGED)
    assert len(unchanged.with_action(UNCHANGED)) == Activity.objects.filter(work_plan=cisp, agency__code="FAO").count()

    workbook = editable(data)
    sheet = workbook["Work plan"]
    sheet[f"{CONTRACTS}{row_of(sheet, '2.1.7')}"] = 18000
    before = {line.pk: line.amount for line in BudgetLine.objects.exclude(activity__code="2.1.7")}
    plan = plan_work_plan_import(work_plan=cisp, data=saved(workbook))
    assert plan.is_valid and [planned.code for planned in plan.with_action(CHANGED)] == ["2.1.7"]
    import_work_plan(plan=plan)

    assert BudgetLine.objects.get(activity__code="2.1.7", category__code="contracts").amount == Decimal("18000.00")
    assert {line.pk: line.amount for line in BudgetLine.objects.exclude(activity__code="2.1.7")} == before
