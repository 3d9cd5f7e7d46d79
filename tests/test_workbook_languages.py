"""The workbooks in the language of the person downloading them; the work plan import reads the
headers and sheet names of either language, whatever language is active."""

from io import BytesIO, StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from exchange.import_plan import UNCHANGED
from exchange.workplan_import import plan_work_plan_import
from tests.workbooks import editable, exported, saved


def in_khmer(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"
    return client


@pytest.fixture
def khmer_workbook(client_for, users):
    """The CISP Year-1 work plan as a Khmer-speaking coordinator downloads it."""
    client = in_khmer(client_for(users["coordinator"]))
    response = client.get(reverse("exchange:export", args=["00067193", 1]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def rows(data: bytes, sheet_index: int = 0) -> list[tuple]:
    return list(load_workbook(BytesIO(data)).worksheets[sheet_index].iter_rows(values_only=True))


def test_the_work_plan_workbook_is_written_in_khmer(khmer_workbook):
    workbook = load_workbook(BytesIO(khmer_workbook))
    assert workbook.sheetnames == ["ផែនការការងារ", "ខ្ទង់ថវិកា", "ការណែនាំ"]
    sheet = rows(khmer_workbook)
    assert sheet[1][0] == "ថវិការួមទាំងចំណាយប្រយោល 7%"
    assert sheet[2][:4] == ("គោលដៅប្រចាំឆ្នាំ", "លេខកូដសកម្មភាព", "សកម្មភាព", "Q1")
    assert "ទីភ្នាក់ងារ UN" in sheet[2] and "Mgt support" in sheet[2] and "សរុប" in sheet[2]
    assert sheet[3][0].startswith("ទិន្នផល JP 1.1 ")
    assert sheet[-1][0] == "សរុបរួម"
    assert rows(khmer_workbook, 1)[0][:3] == ("ទិន្នផល JP", "លេខកូដសកម្មភាព", "សកម្មភាព")
    assert rows(khmer_workbook, 2)[0][0] == "របៀបប្រើឯកសារ Excel នេះ"


@pytest.mark.parametrize("language", ["km", "en"])
def test_a_khmer_workbook_imports_back_unchanged_whatever_the_language(cisp, khmer_workbook, language):
    with translation.override(language):
        plan = plan_work_plan_import(work_plan=cisp, data=khmer_workbook)
    assert plan.problems == [] and plan.warnings == []
    assert plan.activities and all(planned.action == UNCHANGED for planned in plan.activities)


def test_an_english_workbook_imports_while_khmer_is_active(cisp, cisp_workbook):
    with translation.override("km"):
        plan = plan_work_plan_import(work_plan=cisp, data=cisp_workbook)
    assert plan.problems == [] and plan.warnings == []
    assert plan.activities and all(planned.action == UNCHANGED for planned in plan.activities)


def test_the_upload_page_in_khmer_previews_an_english_workbook(client_for, users, cisp, cisp_workbook):
    client = in_khmer(client_for(users["coordinator"]))
    upload = BytesIO(cisp_workbook)
    upload.name = "plan.xlsx"
    response = client.post(reverse("exchange:import", args=["00067193"]), {"work_plan": cisp.pk, "workbook": upload})
    page = response.content.decode()
    assert response.status_code == 200, page
    assert "ឯកសារ Excel នេះមិនផ្លាស់ប្តូរអ្វីទេ។" in page  # "The workbook changes nothing."


def test_khmer_headers_retyped_with_zero_width_spaces_still_match(cisp):
    """Khmer typists put zero-width spaces between words; a retyped header keeps its meaning."""
    with translation.override("km"):
        workbook = editable(exported(cisp))
    sheet = workbook.worksheets[0]
    sheet["B3"] = "លេខកូដ\u200bសកម្មភាព"
    sheet["H3"] = "ទីភ្នាក់ងារ\u200b UN"
    plan = plan_work_plan_import(work_plan=cisp, data=saved(workbook))
    assert plan.problems == []


def test_the_progress_report_workbook_is_written_in_the_language_of_the_page(client_for, users):
    client = client_for(users["coordinator"])
    url = reverse("reports:quarter_xlsx", args=["00067193", 1, 2])
    english = load_workbook(BytesIO(client.get(url).content))
    assert english.sheetnames == ["Activities", "Budget", "Indicators", "Planned and spent"]
    khmer = load_workbook(BytesIO(in_khmer(client).get(url).content))
    assert khmer.sheetnames == ["សកម្មភាព", "ថវិកា", "សូចនាករ", "គ្រោងទុក និងចំណាយ"]
    activities = list(khmer.worksheets[0].iter_rows(values_only=True))
    assert activities[0][0].startswith("សកម្មភាព: Creative Industries Support Programme")
    assert activities[1][0].startswith("ឆ្នាំទី1 ត្រីមាសទី2៖ ពី 10 ធ្នូ 2008 ដល់ 9 មីនា 2009។")
    assert activities[3][:4] == ("លេខកូដ", "សកម្មភាព", "ទីភ្នាក់ងារ UN", "ភាគីទទួលខុសត្រូវ")
    assert activities[4][0].startswith("ទិន្នផល JP 1.1៖ ")
    budget = list(khmer.worksheets[1].iter_rows(values_only=True))
    assert budget[3] == ("ទិន្នផល JP និងទីភ្នាក់ងារ UN", "ចំណាយផ្ទាល់", "Mgt support", "សរុប")
    indicators = list(khmer.worksheets[2].iter_rows(values_only=True))
    assert indicators[3][:3] == ("លេខកូដ", "សូចនាករ", "ឯកតា") and "% នៃគោលដៅ" in indicators[3]


def test_the_commands_write_the_workbooks_in_the_language_asked(cisp, tmp_path):
    plan = tmp_path / "plan.xlsx"
    call_command(
        "export_workplan", "--programme", "00067193", "--year", "1", "--language", "km", "-o", plan, stdout=StringIO()
    )
    assert load_workbook(plan).sheetnames[0] == "ផែនការការងារ"
    call_command(
        "quarterly_report", "--programme", "00067193", "--year", "1", "--quarter", "2", "--language", "km",
        "-o", tmp_path / "report.xlsx", stdout=StringIO(),
    )  # fmt: skip
    assert load_workbook(tmp_path / "report.xlsx").sheetnames == ["សកម្មភាព", "ថវិកា", "សូចនាករ", "គ្រោងទុក និងចំណាយ"]
