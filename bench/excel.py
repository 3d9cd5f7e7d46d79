"""Benchmark of the work plan workbook: our export and import against openpyxl alone.

    .venv/bin/python bench/excel.py [-n 5000 | --n 5000] [--json] [--database-url postgres://...]

Builds a synthetic work plan of N activities with every budget category filled, in a
throwaway database (SQLite, or a test database beside the PostgreSQL one given), then
times in one run: our export; our import into an empty year, and again as an update
(every amount changed); and the limits, openpyxl alone
writing (write-only) the same cells of all three sheets and reading (read-only) the sheet
the import reads. Ratios are ours / openpyxl's. Beside them, two parts of our import: the
checks made before a file is read (workplan.spreadsheet_contents) and python-calamine alone
reading the sheet. Peak memory is the most traced
allocation of our export or import (tracemalloc, measured apart from the timings),
beside the process's maximum resident size (Django, the benchmark's own copies included).
With --json the last line is one JSON object.
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cisp.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings

    settings.WORKBOOK_MAX_ROWS = max(settings.WORKBOOK_MAX_ROWS, 10**6)
    settings.WORKBOOK_MAX_UPLOAD_BYTES = max(settings.WORKBOOK_MAX_UPLOAD_BYTES, 10**9)
    settings.WORKBOOK_MAX_UNCOMPRESSED_BYTES = max(settings.WORKBOOK_MAX_UNCOMPRESSED_BYTES, 10**10)
    settings.WORKBOOK_MAX_CELLS = max(settings.WORKBOOK_MAX_CELLS, 10**8)
    settings.WORKBOOK_MAX_TEXT_CHARACTERS = max(settings.WORKBOOK_MAX_TEXT_CHARACTERS, 10**10)


def load_data() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_cisp", verbosity=0)


def build_work_plan(n: int, year: int):
    from budgets.models import BudgetCategory, BudgetLine, FundingSource
    from workplan.models import Activity, Agency, Output, Partner, Programme, WorkPlan

    programme = Programme.objects.get()
    work_plan = WorkPlan.objects.create(programme=programme, year=year)
    outputs = list(Output.objects.filter(outcome__programme=programme))
    agencies, partners = list(Agency.objects.all()), list(Partner.objects.all())
    activities = Activity.objects.bulk_create(
        Activity(
            work_plan=work_plan,
            output=outputs[k % len(outputs)],
            code=f"{outputs[k % len(outputs)].code}.{k + 1}",
            title=f"Synthetic activity {k + 1}: train producer groups in the target provinces",
            annual_target=f"{k % 40 + 1} groups trained",
            agency=agencies[k % len(agencies)],
            responsible_party=partners[k % len(partners)],
            planned_q1=k % 2 == 0,
            planned_q2=k % 3 == 0,
            planned_q3=True,
            planned_q4=k % 5 == 0,
            implementation_comment="On-going. Groups selected; training materials being translated.",
        )
        for k in range(n)
    )
    source = FundingSource.objects.get()
    BudgetLine.objects.bulk_create(
        BudgetLine(
            activity=activity,
            category=category,
            source=source,
            amount=Decimal(100 + (k * 37 + category.position * 11) % 9000) + Decimal("0.50"),
        )
        for k, activity in enumerate(activities)
        for category in BudgetCategory.objects.all()
    )
    return WorkPlan.objects.select_related("programme").get(pk=work_plan.pk)


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--n", dest="n", type=int, default=5000, help="number of activities (default 5000)")
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to measure on, e.g. postgres://postgres@127.0.0.1:5432/cisp: a throwaway "
        "bench_excel_<pid> database is created on it and dropped afterwards (default: a temporary SQLite file)",
    )
    args = parser.parse_args()

    if args.database_url:
        setup_django(args.database_url)
        from django.db import connection

        # A name of its own: the default test_<name> could be a test run's database.
        connection.settings_dict["TEST"]["NAME"] = f"bench_excel_{os.getpid()}"
        test_database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            load_data()
            report = {**run(args.n), "database": connection.vendor}
        finally:
            connection.creation.destroy_test_db(test_database, verbosity=0)
    else:
        with tempfile.TemporaryDirectory() as directory:
            setup_django(f"sqlite:///{Path(directory) / 'bench.sqlite3'}")
            load_data()
            report = {**run(args.n), "database": "sqlite"}
    if not args.json:
        for key, value in report.items():
            print(f"{key:>20}: {value}")
    print(json.dumps(report))


def run(n: int) -> dict:
    from openpyxl import Workbook, load_workbook
    from python_calamine import CalamineWorkbook

    from exchange.services import import_work_plan
    from exchange.workplan_export import export_work_plan
    from exchange.workplan_import import plan_work_plan_import, work_plan_sheet
    from workplan.models import WorkPlan
    from workplan.spreadsheet_contents import check_xlsx_upload

    source = build_work_plan(n, year=3)
    target = WorkPlan.objects.create(programme=source.programme, year=2)

    def export(work_plan) -> bytes:
        stream = BytesIO()
        export_work_plan(work_plan=work_plan, stream=stream)
        return stream.getvalue()

    def run_import(data: bytes):
        plan = plan_work_plan_import(work_plan=target, data=data)
        assert plan.is_valid, [str(problem) for problem in plan.problems[:5]]
        return import_work_plan(plan=plan)

    export_s, data = timed(lambda: export(source))
    import_new_s, summary = timed(lambda: run_import(data))
    assert summary.created == n, summary
    changed = _with_every_amount_changed(data)
    import_update_s, summary = timed(lambda: run_import(changed))
    assert summary.changed == n, summary

    # The limits: openpyxl alone writing the same cells of every sheet (values, formulas as
    # text; no styles, no database), and reading the sheet our import reads.
    written = load_workbook(BytesIO(data), read_only=True)
    sheets = {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in written.worksheets}
    written.close()

    def openpyxl_write() -> bytes:
        workbook = Workbook(write_only=True)
        for title, rows in sheets.items():
            sheet = workbook.create_sheet(title)
            for row in rows:
                sheet.append(row)
        stream = BytesIO()
        workbook.save(stream)
        return stream.getvalue()

    def openpyxl_read() -> int:
        workbook = load_workbook(BytesIO(data), read_only=True)
        count = sum(1 for _row in workbook["Work plan"].iter_rows(values_only=True))
        workbook.close()
        return count

    def calamine_read() -> int:
        workbook = CalamineWorkbook.from_filelike(BytesIO(data))
        count = len(workbook.get_sheet_by_name("Work plan").to_python(skip_empty_area=False))
        workbook.close()
        return count

    openpyxl_write_s, _written = timed(openpyxl_write)
    openpyxl_read_s, _count = timed(openpyxl_read)
    # Parts of our import: calamine alone reading the sheet, and the checks made before it reads.
    calamine_read_s, _count = timed(calamine_read)
    checks_s, _checked = timed(lambda: check_xlsx_upload(data, choose_sheet=work_plan_sheet))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # Memory, apart from the timings (tracing slows Python down): the most our export or an
    # import into another empty year holds at once, beyond what was held before.
    fresh = WorkPlan.objects.create(programme=source.programme, year=4)
    peaks = []
    for operation in (
        lambda: export(source),
        lambda: import_work_plan(plan=plan_work_plan_import(work_plan=fresh, data=data)),
    ):
        tracemalloc.start()
        operation()
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    peak_mb = max(peaks) / 2**20
    return {
        "n": n,
        "export_s": round(export_s, 3),
        "import_new_s": round(import_new_s, 3),
        "import_update_s": round(import_update_s, 3),
        "openpyxl_write_s": round(openpyxl_write_s, 3),
        "openpyxl_read_s": round(openpyxl_read_s, 3),
        "calamine_read_s": round(calamine_read_s, 3),
        "checks_s": round(checks_s, 3),
        "export_ratio": round(export_s / openpyxl_write_s, 2),
        "import_ratio": round(import_new_s / openpyxl_read_s, 2),
        "import_update_ratio": round(import_update_s / openpyxl_read_s, 2),
        "export_rows_per_s": round(n / export_s),
        "import_new_rows_per_s": round(n / import_new_s),
        "import_update_rows_per_s": round(n / import_update_s),
        "workbook_mb": round(len(data) / 2**20, 2),
        "peak_mb": round(peak_mb, 1),
        "peak_kb_per_activity": round(peak_mb * 1024 / n, 1),
        "process_max_rss_mb": round(rss_mb, 1),
    }


def _with_every_amount_changed(data: bytes) -> bytes:
    """The same workbook with one cent added to every amount, as an update would bring."""
    from openpyxl import load_workbook

    from exchange.layout import LEADING_COLUMNS

    workbook = load_workbook(BytesIO(data))
    sheet = workbook["Work plan"]
    first = len(LEADING_COLUMNS) + 1
    for row in sheet.iter_rows(min_row=4, min_col=first, max_col=first + 8):
        for cell in row:
            if isinstance(cell.value, int | float):
                cell.value = Decimal(str(cell.value)) + Decimal("0.01")
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()


if __name__ == "__main__":
    main()
