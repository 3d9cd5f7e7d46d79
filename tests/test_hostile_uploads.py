"""Uploads made to exhaust a worker, or to end in an error page: each is refused, with a message
that names the limit or the cell, before any spreadsheet library reads it; the hostile ones in
well under a second and with little memory."""

import random
import re
import time
import tracemalloc
import zipfile
from io import BytesIO

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from exchange.workplan_import import plan_work_plan_import
from tests.test_workplan_import_views import upload, user_with_role
from tests.workbooks import CONTRACTS, database_dump, editable, exported, row_of
from workplan.admin_import_export import SafeImportExportMixin, SafeXLSX
from workplan.models import Activity
from workplan.permissions import Role
from workplan.resources import ActivityResource

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="{workbook}"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_WORKBOOK_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSX_FORMAT = next(number for number, format in enumerate(SafeImportExportMixin.formats) if format is SafeXLSX)


def workbook_of(sheet: bytes | None = None, shared_strings: bytes | None = None, *, parts=None, stream=None) -> bytes:
    """A workbook of one sheet "Work plan", written part by part: `stream(archive)` may write
    a part of hundreds of megabytes a block at a time, so the test holds only the archive."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(workbook=WORKBOOK_TYPE))
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>'
            '<sheet name="Work plan" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        if sheet is not None:
            archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        for name, content in (parts or {}).items():
            archive.writestr(name, content)
        if stream:
            stream(archive)
    return out.getvalue()


def sheet_xml(rows: str, before: str = "") -> bytes:
    return f'<worksheet xmlns="{MAIN}">{before}<sheetData>{rows}</sheetData></worksheet>'.encode()


def one_row_of_millions_of_cells() -> bytes:
    """The issue's first file: one row of 8.5 million number cells, 185 MB unpacked at 29 to 1,
    a 6.4 MB upload that passes the size and archive checks."""
    pick = random.Random(1838)
    block = "".join(f"<c><v>{pick.randrange(4)}</v></c>" for _ in range(50_000)).encode()

    def write(archive):
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'.encode())
            for _ in range(185_000_000 // len(block)):
                part.write(block)
            part.write(b"</row></sheetData></worksheet>")

    return workbook_of(stream=write, shared_strings=f'<sst xmlns="{MAIN}"/>'.encode())


def ten_million_shared_strings() -> bytes:
    """The issue's second file: 10 million shared strings, 170 MB unpacked at 39 to 1, a 4.4 MB upload."""
    pick = random.Random(1838)
    block = "".join(f"<si><t>{pick.choice('abc')}</t></si>" for _ in range(100_000)).encode()

    def write(archive):
        with archive.open("xl/sharedStrings.xml", "w") as part:
            part.write(f'<sst xmlns="{MAIN}">'.encode())
            for _ in range(100):
                part.write(block)
            part.write(b"</sst>")

    sheet = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    return workbook_of(sheet, stream=write)


@pytest.fixture(scope="module")
def hostile():
    return {"millions of cells": one_row_of_millions_of_cells(), "millions of strings": ten_million_shared_strings()}


def archive_sizes(data: bytes) -> tuple[int, int]:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        entries = archive.infolist()
    return sum(entry.file_size for entry in entries), sum(entry.compress_size for entry in entries)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("millions of cells", "This row holds more than 100 cells; at most 100 columns are accepted."),
        ("millions of strings", "The workbook holds more than 200,000 different texts (shared strings)"),
    ],
)
def test_the_issues_hostile_workbooks_are_refused_in_well_under_a_second_with_little_memory(
    cisp, hostile, name, message
):
    data = hostile[name]
    unpacked, packed = archive_sizes(data)
    assert len(data) < 10 * 2**20 and unpacked < 200 * 2**20 and unpacked / packed < 100  # passes the archive checks
    assert unpacked > 150 * 2**20 and unpacked / packed > 25
    before = database_dump()

    started = time.perf_counter()
    plan = plan_work_plan_import(work_plan=cisp, data=data)
    elapsed = time.perf_counter() - started
    # Memory apart: tracing makes Python several times slower.
    tracemalloc.start()
    plan_work_plan_import(work_plan=cisp, data=data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert [problem.message for problem in plan.problems if message in problem.message], plan.problems
    assert elapsed < 1.0, f"refused in {elapsed:.2f} s"
    assert peak < 100 * 2**20, f"{peak / 2**20:.1f} MB at most"
    assert database_dump() == before


def test_the_hostile_workbooks_are_refused_by_the_command_line(cisp, hostile, tmp_path):
    for number, data in enumerate(hostile.values()):
        path = tmp_path / f"hostile-{number}.xlsx"
        path.write_bytes(data)
        with pytest.raises(CommandError, match="nothing was imported"):
            call_command("import_workplan", str(path), "--year", "1")


def test_the_hostile_workbooks_are_refused_by_the_upload_page(client, cisp, hostile, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(user_with_role("coordinator", Role.COORDINATOR))
    for data in hostile.values():
        started = time.perf_counter()
        page = upload(client, cisp, data)
        assert time.perf_counter() - started < 2.0
        assert page.status_code == 422
        assert "at most" in page.content.decode() or "the most accepted" in page.content.decode()
    assert not (tmp_path / "work-plan-imports").exists()


def admin_upload(admin_client, data: bytes, name: str = "activities.xlsx", format: int = XLSX_FORMAT):
    return admin_client.post(
        reverse("admin:workplan_activity_import"),
        {"resource": 0, "format": format, "import_file": SimpleUploadedFile(name, data)},
    )


def test_the_hostile_workbooks_are_refused_by_the_admin_import(cisp, admin_client, hostile, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for data in hostile.values():
        started = time.perf_counter()
        page = admin_upload(admin_client, data)
        assert time.perf_counter() - started < 2.0
        assert page.status_code == 200
        assert "accepted" in page.context["form"].errors["import_file"][0]
    assert not any((tmp_path / "django-import-export").iterdir())


def with_part(data: bytes, name: str, change) -> bytes:
    """The workbook with part `name` changed by `change(bytes) -> bytes`."""
    entries = {}
    with zipfile.ZipFile(BytesIO(data)) as archive:
        for entry in archive.namelist():
            entries[entry] = archive.read(entry)
    entries[name] = change(entries[name])
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, content in entries.items():
            archive.writestr(entry, content)
    return out.getvalue()


def with_sheet(data: bytes, change) -> bytes:
    return with_part(data, "xl/worksheets/sheet1.xml", change)


def refusals(cisp, data: bytes) -> list:
    plan = plan_work_plan_import(work_plan=cisp, data=data)
    assert not plan.is_valid
    return plan.problems


def test_a_cell_beyond_the_last_column_accepted_is_refused_naming_it(cisp):
    data = exported(cisp)
    row = row_of(editable(data)["Work plan"], "1.1.2")
    broken = with_sheet(data, lambda xml: xml.replace(b"</row>", b'<c r="CW%d"><v>1</v></c></row>' % row, 6))
    (problem,) = refusals(cisp, broken)
    assert (problem.sheet, problem.row, problem.column) == ("Work plan", row, "CW")
    assert problem.message == "A cell in column CW: at most 100 columns (up to column CV) are accepted."


def test_a_sheet_declaring_a_million_rows_is_refused_before_a_reader_pads_rows_to_it(
    cisp, admin_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    sheet = sheet_xml(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row>', '<dimension ref="A1:XFD1048576"/>'
    )
    data = workbook_of(sheet, f'<sst xmlns="{MAIN}"/>'.encode())
    (problem,) = refusals(cisp, data)
    assert problem.message == (
        "The sheet declares its size as A1:XFD1048576 (1,048,576 rows, 16,384 columns); at most 20,000 rows and 100 "
        "columns are accepted."
    )
    page = admin_upload(admin_client, data)
    assert "declares its size as A1:XFD1048576" in page.context["form"].errors["import_file"][0]


def test_the_cell_count_and_the_characters_of_text_are_limited(cisp, settings):
    settings.WORKBOOK_MAX_CELLS = 500
    (problem,) = refusals(cisp, exported(cisp))
    assert problem.message.startswith("The sheet spans ") and problem.message.endswith("at most 500 are accepted.")

    settings.WORKBOOK_MAX_CELLS = 2_000_000
    settings.WORKBOOK_MAX_TEXT_CHARACTERS = 1000
    (problem,) = refusals(cisp, exported(cisp))
    assert problem.message == "The workbook holds more than 1,000 characters of text, the most accepted."

    strings = f'<sst xmlns="{MAIN}">' + "<si><t>A comment typed once</t></si>" * 60 + "</sst>"
    (problem,) = refusals(cisp, workbook_of(sheet_xml(""), strings.encode()))
    assert problem.message == "The workbook holds more than 1,000 characters of text, the most accepted."


def test_a_declared_count_of_shared_strings_over_the_limit_is_refused_at_once(cisp):
    strings = f'<sst xmlns="{MAIN}" count="10000000" uniqueCount="10000000"><si><t>a</t></si></sst>'
    (problem,) = refusals(cisp, workbook_of(sheet_xml(""), strings.encode()))
    assert problem.message == (
        "The workbook declares 10,000,000 different texts (shared strings); at most 200,000 are accepted."
    )


def test_cells_are_counted_whatever_their_namespace_prefix(cisp):
    cells = "".join(f"<x:c><x:v>{number}</x:v></x:c>" for number in range(150))
    sheet = f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1">{cells}</x:row></x:sheetData></x:worksheet>'
    (problem,) = refusals(cisp, workbook_of(sheet.encode(), f'<sst xmlns="{MAIN}"/>'.encode()))
    assert problem.message == "This row holds more than 100 cells; at most 100 columns are accepted."


def test_the_admin_import_has_a_row_limit_for_workbooks_and_csv(cisp, admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ADMIN_IMPORT_MAX_ROWS = 20
    dataset = ActivityResource().export(Activity.objects.filter(work_plan=cisp))
    assert len(dataset) == 35
    before = list(Activity.objects.values_list("pk", "title", "version"))

    page = admin_upload(admin_client, SafeXLSX().export_data(dataset))
    assert "more than 20 rows" in page.context["form"].errors["import_file"][0]

    page = admin_upload(admin_client, dataset.export("csv").encode(), "activities.csv", format=0)
    assert "more than 20 rows" in page.context["form"].errors["import_file"][0]

    # Line breaks inside a quoted field do not count as rows.
    dataset = ActivityResource().export(Activity.objects.filter(work_plan=cisp)[:5])
    dataset.dict = [{**row, "annual_target": "one\ntwo\nthree\nfour\nfive"} for row in dataset.dict]
    page = admin_upload(admin_client, dataset.export("csv").encode(), "activities.csv", format=0)
    assert "confirm_form" in page.context, page.context["form"].errors
    assert list(Activity.objects.values_list("pk", "title", "version")) == before


def test_a_csv_row_of_too_many_fields_is_refused_before_it_is_parsed(cisp, admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = ("code," + ",".join(["x"] * 2_000_000) + "\n").encode()
    started = time.perf_counter()
    page = admin_upload(admin_client, data, "activities.csv", format=0)
    assert time.perf_counter() - started < 2.0
    assert "more than 100 fields" in page.context["form"].errors["import_file"][0]


# --- macro-enabled workbooks -------------------------------------------------------------------


def test_a_macro_enabled_workbook_is_refused(cisp, admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = exported(cisp)
    stream = BytesIO(data)
    with zipfile.ZipFile(stream, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 a VBA project")
    with_vba = stream.getvalue()
    macro_type = with_part(
        data,
        "[Content_Types].xml",
        lambda xml: re.sub(rb"[^\"]*spreadsheetml\.sheet\.main\+xml", MACRO_WORKBOOK_TYPE.encode(), xml),
    )
    for data in (with_vba, macro_type):
        (problem,) = refusals(cisp, data)
        assert problem.message.startswith("The workbook contains macros")
        page = admin_upload(admin_client, data)
        assert "contains macros" in page.context["form"].errors["import_file"][0]


def test_a_workbook_named_xlsm_is_refused_by_the_upload_forms(client, cisp, admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(user_with_role("coordinator", Role.COORDINATOR))
    workbook = SimpleUploadedFile("plan.xlsm", exported(cisp))
    page = client.post(reverse("exchange:import", args=["00067193"]), {"work_plan": cisp.pk, "workbook": workbook})
    assert "contains macros" in page.context["form"].errors["workbook"][0]

    page = admin_upload(admin_client, exported(cisp), "activities.xlsm")
    assert "contains macros" in page.context["form"].errors["import_file"][0]
    assert not (tmp_path / "work-plan-imports").exists()


def test_the_command_line_refuses_a_workbook_named_xlsm(cisp, tmp_path):
    path = tmp_path / "plan.xlsm"
    path.write_bytes(exported(cisp))
    with pytest.raises(CommandError, match="contains macros"):
        call_command("import_workplan", str(path), "--year", "1")


def test_a_workbook_named_csv_is_read_as_the_workbook_it_is_by_the_admin_import(cisp, admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dataset = ActivityResource().export(Activity.objects.filter(work_plan=cisp, code="2.1.1"))
    dataset.dict = [{**dataset.dict[0], "title": "Renamed in a workbook named .csv"}]
    page = admin_upload(admin_client, SafeXLSX().export_data(dataset), "activities.csv", format=0)
    assert page.status_code == 200
    assert "confirm_form" in page.context, page.context["form"].errors
    done = admin_client.post(reverse("admin:workplan_activity_process_import"), page.context["confirm_form"].initial)
    assert done.status_code == 302
    assert Activity.objects.get(work_plan=cisp, code="2.1.1").title == "Renamed in a workbook named .csv"

    page = admin_upload(admin_client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an old .xls", "activities.csv", format=0)
    assert page.context["form"].errors["import_file"][0].startswith("The file is not CSV text in UTF-8.")


# --- stored values that do not match their cell's type -----------------------------------------


@pytest.mark.parametrize("stored", ["NaN", "INF", "-inf", "1,5"])
def test_a_number_cell_storing_nan_or_inf_is_refused_naming_the_cell(cisp, admin_client, settings, tmp_path, stored):
    settings.MEDIA_ROOT = tmp_path
    data = exported(cisp)
    row = row_of(editable(data)["Work plan"], "1.1.2")
    cell = re.compile(rb'<c r="%s%d"(?: [^>]*?)?(?:/>|>.*?</c>)' % (CONTRACTS.encode(), row))
    nan = b'<c r="%s%d" t="n"><v>%s</v></c>' % (CONTRACTS.encode(), row, stored.encode())
    broken = with_sheet(data, lambda xml: cell.sub(nan, xml, 1))
    assert broken != data
    (problem,) = refusals(cisp, broken)
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("Work plan", row, CONTRACTS, stored)
    assert problem.message == "The cell's stored value is not a number: retype the number, or clear the cell."

    dataset = ActivityResource().export(Activity.objects.filter(work_plan=cisp))
    first_cell = re.compile(rb'<c r="A2"(?: [^>]*?)?(?:/>|>.*?</c>)')
    stored_cell = b'<c r="A2" t="n"><v>%s</v></c>' % stored.encode()
    in_admin = with_sheet(SafeXLSX().export_data(dataset), lambda xml: first_cell.sub(stored_cell, xml, 1))
    page = admin_upload(admin_client, in_admin)
    assert page.context["form"].errors["import_file"][0] == (
        f'sheet "Export", row 2, column A, value “{stored}”: The cell\'s stored value is not a number: retype the '
        "number, or clear the cell."
    )


def test_a_text_cell_pointing_past_the_shared_strings_is_refused_naming_the_cell(cisp):
    sheet = sheet_xml('<row r="1"><c r="B1" t="s"><v>7</v></c></row>')
    (problem,) = refusals(cisp, workbook_of(sheet, f'<sst xmlns="{MAIN}"><si><t>Activity</t></si></sst>'.encode()))
    assert (problem.row, problem.column, problem.value) == (1, "B", "7")
    assert problem.message == "The cell refers to a text that the workbook does not hold: retype it."


def test_an_admin_csv_is_still_read_when_within_every_limit(cisp):
    rows = tablib.Dataset(["1.1.1", "x"], headers=["code", "title"])
    assert SafeImportExportMixin.formats[0]().create_dataset(rows.export("csv").encode()).dict == [
        {"code": "1.1.1", "title": "x"}
    ]
