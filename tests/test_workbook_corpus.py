"""Broken workbooks: each is refused with a message that says what to fix and where, and
the database is left exactly as it was."""

import re
import zipfile
from datetime import datetime
from io import BytesIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from exchange.reading import read_amount, read_sheet
from exchange.workplan_import import plan_work_plan_import, work_plan_sheet
from tests.workbooks import (
    AGENCY,
    CODE,
    CONTRACTS,
    INT_PERSONNEL,
    PARTNER,
    Q1,
    SOURCE,
    TITLE,
    database_dump,
    editable,
    exported,
    row_of,
    saved,
    zip_of,
)


def edit(change):
    """A broken workbook made from the CISP export by `change(sheet)`."""

    def build(data: bytes) -> bytes:
        workbook = editable(data)
        change(workbook["Work plan"])
        return saved(workbook)

    return build


def set_cell(column, code, value):
    def change(sheet):
        sheet.cell(row_of(sheet, code), _index(column)).value = value

    return edit(change)


def _index(column: str) -> int:
    return ord(column) - ord("A") + 1


def with_entity_expansion(data):
    """A "billion laughs" in the shared strings: defusedxml refuses entity declarations."""
    entries = {}
    with zipfile.ZipFile(BytesIO(data)) as archive:
        for name in archive.namelist():
            entries[name] = archive.read(name)
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    workbook = entries["xl/workbook.xml"]
    if workbook.startswith(b"<?xml"):
        workbook = workbook.split(b"?>", 1)[1]
    entries["xl/workbook.xml"] = bomb + workbook
    return zip_of(entries)


def rename_sheet(data):
    workbook = editable(data)
    workbook["Work plan"].title = "Plan"
    return saved(workbook)


def drop_header(label):
    def change(sheet):
        for cell in sheet[3]:
            if cell.value == label:
                cell.value = None

    return edit(change)


def insert_output(sheet):
    sheet.insert_rows(5)
    sheet["A5"] = "JP Output 9.9 Not in the results chain"


def duplicate_code(sheet):
    sheet.cell(row_of(sheet, "1.1.3"), _index(CODE), "1.1.2")


CORPUS = [
    # name, how to break the export, settings, message, (row, column) or None
    ("empty file", lambda data: b"", {}, "The file is empty.", None),
    ("not a zip", lambda data: b"Activity code;Activity\n1.1.1;x\n", {}, "not a readable Excel workbook", None),
    ("zip without a workbook", lambda data: zip_of({"readme.txt": b"hello"}), {}, "not a readable Excel", None),
    ("damaged workbook", lambda data: data[: len(data) // 2], {}, "not a readable Excel workbook", None),
    ("xml entity expansion", with_entity_expansion, {}, "not a readable Excel workbook", None),
    ("too large", lambda data: data, {"WORKBOOK_MAX_UPLOAD_BYTES": 1000}, "the largest accepted is", None),
    ("zip bomb", lambda data: zip_of({"[Content_Types].xml": b"", "xl/workbook.xml": b" " * 5_000_000}), {},
     "compressed more than 100 to 1", None),
    ("too many parts", lambda data: data, {"WORKBOOK_MAX_ZIP_ENTRIES": 5}, "at most 5 are accepted", None),
    ("unpacks too large", lambda data: data, {"WORKBOOK_MAX_UNCOMPRESSED_BYTES": 1000}, "unpacks to", None),
    ("too many rows", lambda data: data, {"WORKBOOK_MAX_ROWS": 20}, "more than 20 rows", (21, "")),
    ("no work plan sheet", rename_sheet, {}, 'The workbook has no sheet "Work plan" (it has: Plan,', None),
    ("no header row", edit(lambda sheet: sheet.delete_rows(3)), {}, "No header row found", None),
    ("missing column", drop_header("UN agency"), {}, 'The required column "UN agency" is missing.', (3, "")),
    ("unknown agency", set_cell(AGENCY, "1.1.2", "UNICEF"), {}, "Unknown UN agency (known: FAO, ILO, UNDP, UNESCO)",
     ("1.1.2", "H (UN agency)")),
    ("empty agency", set_cell(AGENCY, "1.1.2", None), {}, "The UN agency is empty.", ("1.1.2", "H (UN agency)")),
    ("unknown partner", set_cell(PARTNER, "1.1.2", "MoX"), {}, "Unknown responsible party",
     ("1.1.2", "I (Responsible party)")),
    ("unknown source", set_cell(SOURCE, "1.1.2", "Gates"), {}, "Unknown source of funds",
     ("1.1.2", "J (Source of funds)")),
    ("amounts without source", set_cell(SOURCE, "1.1.2", None), {}, "source of funds is empty",
     ("1.1.2", "J (Source of funds)")),
    ("unknown output", edit(insert_output), {}, "Unknown JP output 9.9", (5, "A (Annual target)")),
    ("duplicate code", edit(duplicate_code), {}, "The activity code 1.1.2 is also on row 6, with the same source",
     (7, "B (Activity code)")),
    ("negative amount", set_cell(CONTRACTS, "1.1.2", -5), {}, "A budget amount cannot be negative.",
     ("1.1.2", "M (Contracts)")),
    ("text amount", set_cell(CONTRACTS, "1.1.2", "five hundred"), {}, "Not an amount",
     ("1.1.2", "M (Contracts)")),
    ("three decimals", set_cell(INT_PERSONNEL, "1.1.2", 10.555), {}, "at most two decimals",
     ("1.1.2", "K (Int personnel)")),
    ("formula amount", set_cell(CONTRACTS, "1.1.2", "=100+200"), {}, "A formula: type the amount",
     ("1.1.2", "M (Contracts)")),
    ("unreadable quarter", set_cell(Q1, "1.1.2", "maybe"), {}, 'Mark a planned quarter with "x"', ("1.1.2", "D (Q1)")),
    ("empty title", set_cell(TITLE, "1.1.2", None), {}, "The activity's title is empty.", ("1.1.2", "C (Activity)")),
    ("code outside its output", set_cell(CODE, "1.1.2", "2.1.77"), {},
     "Activity 2.1.77 does not belong to JP Output 1.1.", ("1.1.2", "B (Activity code)")),
    ("coded row without code", set_cell(CODE, "1.1.2", None), {}, "An activity under a JP output needs a code.",
     ("1.1.2", "B (Activity code)")),
]  # fmt: skip


@pytest.mark.parametrize(("name", "breaks", "limits", "message", "where"), CORPUS, ids=[c[0] for c in CORPUS])
def test_a_broken_workbook_is_refused_with_a_precise_message(cisp, cisp_workbook, settings, tmp_path, name, breaks,
                                                            limits, message, where):  # fmt: skip
    data = cisp_workbook
    if where and isinstance(where[0], str):
        where = (row_of(editable(data)["Work plan"], where[0]), where[1])
    broken = breaks(data)
    for setting, value in limits.items():
        setattr(settings, setting, value)
    before = database_dump()

    plan = plan_work_plan_import(work_plan=cisp, data=broken)

    assert not plan.is_valid
    assert any(message in str(problem) for problem in plan.problems), [str(p) for p in plan.problems]
    if where:
        problem = next(problem for problem in plan.problems if message in str(problem))
        assert (problem.sheet, problem.row, problem.column) == ("Work plan", *where)
    path = tmp_path / "broken.xlsx"
    path.write_bytes(broken)
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_workplan", str(path), "--year", "1")
    assert database_dump() == before


def test_every_problem_of_a_file_is_reported_at_once(cisp, cisp_workbook):
    def break_three(sheet):
        sheet.cell(row_of(sheet, "1.1.1"), _index(AGENCY), "UNICEF")
        sheet.cell(row_of(sheet, "2.1.1"), _index(CONTRACTS), -1)
        sheet.cell(row_of(sheet, "3.3.4"), _index(Q1), "?")

    plan = plan_work_plan_import(work_plan=cisp, data=edit(break_three)(cisp_workbook))
    assert len(plan.problems) == 3
    assert [problem.column for problem in plan.problems] == ["H (UN agency)", "M (Contracts)", "D (Q1)"]


def test_a_problem_reads_as_sheet_row_column_and_value(cisp, cisp_workbook):
    plan = plan_work_plan_import(work_plan=cisp, data=set_cell(CONTRACTS, "1.1.2", -5)(cisp_workbook))
    assert str(plan.problems[0]) == (
        'sheet "Work plan", row 6, column M (Contracts), value “-5”: A budget amount cannot be negative.'
    )


# --- read with python-calamine: values as openpyxl gave them, formulas still seen ----------------


def _with_sheet_xml(data: bytes, change) -> bytes:
    entries = {}
    with zipfile.ZipFile(BytesIO(data)) as archive:
        for name in archive.namelist():
            entries[name] = archive.read(name)
    entries["xl/worksheets/sheet1.xml"] = change(entries["xl/worksheets/sheet1.xml"])
    return zip_of(entries)


def _replace_cell(column: str, row: int, cell: str):
    pattern = re.compile(rb'<c r="%s%d"(?: [^>]*?)?(?:/>|>.*?</c>)' % (column.encode(), row))
    return lambda xml: pattern.sub(cell.encode(), xml, 1)


def test_the_sheet_reads_as_openpyxl_read_it(cisp):
    def change(sheet):
        row = row_of(sheet, "1.1.2")
        sheet.cell(row, _index("A")).value = datetime(2009, 12, 31)  # a date typed as annual target
        sheet.cell(row, _index(INT_PERSONNEL)).value = 1234.56
        sheet.cell(row, _index(CONTRACTS)).value = 7
        sheet.cell(row, _index("V")).value = "=CONCATENATE(B5, C5)"
        sheet.cell(row + 1, _index(Q1)).value = True

    data = edit(change)(exported(cisp))
    data = _with_sheet_xml(data, _replace_cell("L", 6, '<c r="L6" t="n"><v>0.30000000000000004</v></c>'))
    workbook = load_workbook(BytesIO(data), read_only=True)
    sheet = workbook["Work plan"]
    sheet.reset_dimensions()
    expected = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    width = max(len(row) for row in expected)
    expected = [row + [None] * (width - len(row)) for row in expected]

    rows = read_sheet(data, choose_sheet=work_plan_sheet).rows

    assert len(rows) == len(expected)
    for number, (row, before) in enumerate(zip(rows, expected, strict=True), start=1):
        assert row[: len(before)] == before, number
        assert [read_amount_or_error(value) for value in row] == [read_amount_or_error(value) for value in before]


def read_amount_or_error(value):
    try:
        return read_amount(value)
    except ValueError as error:
        return str(error)


def test_a_formula_calculated_by_a_spreadsheet_program_is_still_refused_in_an_amount_cell(cisp):
    data = exported(cisp)
    row = row_of(editable(data)["Work plan"], "1.1.2")
    calculated = _replace_cell(CONTRACTS, row, f'<c r="{CONTRACTS}{row}"><f>100+200</f><v>300</v></c>')
    plan = plan_work_plan_import(work_plan=cisp, data=_with_sheet_xml(data, calculated))
    (problem,) = plan.problems
    assert (problem.row, problem.column, problem.value) == (row, "M (Contracts)", "=100+200")
    assert problem.message.startswith("A formula: type the amount")


def test_a_shared_formula_is_refused_in_every_cell_that_uses_it_as_it_reads_there(cisp):
    data = exported(cisp)
    first = row_of(editable(data)["Work plan"], "1.1.2")
    master = f'<c r="M{first}"><f t="shared" si="0" ref="M{first}:M{first + 1}">K{first}*2</f><v>2</v></c>'
    follower = f'<c r="M{first + 1}"><f t="shared" si="0"/><v>4</v></c>'
    shared = _with_sheet_xml(
        data, lambda xml: _replace_cell("M", first + 1, follower)(_replace_cell("M", first, master)(xml))
    )
    plan = plan_work_plan_import(work_plan=cisp, data=shared)
    assert [(problem.row, problem.value) for problem in plan.problems] == [
        (first, f"=K{first}*2"),
        (first + 1, f"=K{first + 1}*2"),
    ]
