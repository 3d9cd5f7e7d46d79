"""Helpers to build, edit and compare work plan workbooks in tests."""

import zipfile
from io import BytesIO, StringIO

from django.core.management import call_command
from openpyxl import load_workbook

from exchange.workplan_export import export_work_plan
from workplan.models import WorkPlan

# Columns of the CISP work plan sheet.
CODE, TITLE, Q1, AGENCY, PARTNER, SOURCE, INT_PERSONNEL, CONTRACTS, MGT_SUPPORT, COMMENTS = (
    "B", "C", "D", "H", "I", "J", "K", "M", "T", "V",
)  # fmt: skip


def exported(work_plan: WorkPlan) -> bytes:
    stream = BytesIO()
    export_work_plan(work_plan=work_plan, stream=stream)
    return stream.getvalue()


def editable(data: bytes):
    return load_workbook(BytesIO(data))


def saved(workbook) -> bytes:
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def row_of(sheet, code_or_title: str) -> int:
    for row in sheet.iter_rows(min_row=4):
        if code_or_title in (row[1].value, row[2].value):
            return row[0].row
    raise LookupError(code_or_title)


def sheet_data(data: bytes) -> dict[str, list[tuple]]:
    """Every cell value of every sheet (formulas as their text)."""
    workbook = load_workbook(BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def database_dump() -> str:
    out = StringIO()
    call_command("dumpdata", "workplan", "budgets", "outcomes", "auth", stdout=out)
    return out.getvalue()


def zip_of(entries: dict[str, bytes]) -> bytes:
    stream = BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return stream.getvalue()
