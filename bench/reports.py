"""Time the quarterly progress report on a large programme, against a baseline measured in the same run.

    .venv/bin/python bench/reports.py            # 5,000 activities, a table of timings
    .venv/bin/python bench/reports.py --json     # the same; the last line is one JSON object
    .venv/bin/python bench/reports.py --n 2000 --repeat 5   # -n 2000 works too

It builds a throwaway programme in a temporary SQLite file (migrated here, deleted at the end):
`--n` activities spread over nine JP outputs and four agencies, three budget lines each, a
status and comment for Q1 and Q2 each (ActivityProgress), and 30 indicators with four results.

Then it times, best of `--repeat` runs:
- html: the report page for Q2 (the view, its queries and the whole template);
- xlsx: the Excel download for Q2 (the view, its queries and the styled workbook);
- the baselines: the same activity data (code, title, agency, party, output, quarters, Q2
  status and comment, budget total) read in one plain SQL query and written with no
  formatting: an HTML table of escaped cells, and a write-only workbook of plain rows.

The ratio is report time / baseline time; the goal is within 3x.
"""

import argparse
import gc
import json
import os
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from html import escape
from io import BytesIO
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--n", dest="n", type=int, default=5000, help="number of activities (default 5000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measure; the best counts (default 5)")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cisp.settings")
        sys.path.insert(0, str(PROJECT))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        results = run(args.n, args.repeat)
        from django.db import connections

        connections.close_all()

    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:>21}: {value}")


def run(n: int, repeat: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from reports.views import QuarterlyReportView, QuarterlyReportWorkbookView

    work_plan = build_programme(n)
    user = get_user_model().objects.create_superuser("bench", password="bench-only")
    factory = RequestFactory(SERVER_NAME="127.0.0.1")

    def request(path: str):
        req = factory.get(path)
        req.user = user
        return req

    def html_report() -> int:
        response = QuarterlyReportView.as_view()(request("/reports/1/q2/"), year=1, quarter=2)
        return len(response.render().content)

    def xlsx_report() -> int:
        response = QuarterlyReportWorkbookView.as_view()(request("/reports/1/q2.xlsx"), year=1, quarter=2)
        return len(response.content)

    measures = {
        "html": html_report,
        "html_baseline": lambda: len(baseline_html(work_plan.pk)),
        "xlsx": xlsx_report,
        "xlsx_baseline": lambda: len(baseline_xlsx(work_plan.pk)),
    }
    best, sizes = best_of(repeat, measures)
    html_seconds, html_baseline, xlsx_seconds, xlsx_baseline = (
        best[name] for name in ("html", "html_baseline", "xlsx", "xlsx_baseline")
    )
    html_bytes, xlsx_bytes = sizes["html"], sizes["xlsx"]
    return {
        "n": n,
        "html_seconds": round(html_seconds, 3),
        "html_baseline_seconds": round(html_baseline, 3),
        "html_ratio": round(html_seconds / html_baseline, 2),
        "html_bytes": html_bytes,
        "xlsx_seconds": round(xlsx_seconds, 3),
        "xlsx_baseline_seconds": round(xlsx_baseline, 3),
        "xlsx_ratio": round(xlsx_seconds / xlsx_baseline, 2),
        "xlsx_bytes": xlsx_bytes,
    }


def best_of(repeat: int, measures: dict) -> tuple[dict[str, float], dict[str, int]]:
    """The best time of each measure over `repeat` rounds. Each round runs every measure once,
    after a garbage collection, so that a busy machine slows the report and its baseline alike."""
    best: dict[str, float] = {}
    sizes: dict[str, int] = {}
    for _round in range(repeat):
        for name, measure in measures.items():
            gc.collect()
            start = time.perf_counter()
            sizes[name] = measure()
            elapsed = time.perf_counter() - start
            best[name] = min(best.get(name, elapsed), elapsed)
    return best, sizes


# One plain query: the activity rows of the report with their Q2 status and budget total.
BASELINE_SQL = """
SELECT a.code, a.title, ag.code, p.code, o.code, a.planned_q1, a.planned_q2, a.planned_q3, a.planned_q4,
       COALESCE(ap.status, a.status), ap.comment, b.direct
FROM workplan_activity a
JOIN workplan_agency ag ON ag.id = a.agency_id
LEFT JOIN workplan_partner p ON p.id = a.responsible_party_id
LEFT JOIN workplan_output o ON o.id = a.output_id
LEFT JOIN workplan_activityprogress ap ON ap.activity_id = a.id AND ap.quarter = 2
LEFT JOIN (SELECT activity_id, SUM(amount) AS direct FROM budgets_budgetline GROUP BY activity_id) b
       ON b.activity_id = a.id
WHERE a.work_plan_id = %s
ORDER BY a.sort_key
"""


def baseline_rows(work_plan_id: int) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(BASELINE_SQL, [work_plan_id])
        return cursor.fetchall()


def baseline_html(work_plan_id: int) -> str:
    rows = baseline_rows(work_plan_id)
    cells = ("<tr>" + "".join(f"<td>{escape(str(value))}</td>" for value in row) + "</tr>" for row in rows)
    return "<table>" + "".join(cells) + "</table>"


def baseline_xlsx(work_plan_id: int) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in baseline_rows(work_plan_id):
        sheet.append(list(row))
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def build_programme(n: int):
    from budgets.models import BudgetCategory, BudgetLine, FundingSource, StatedBudget, StatedCategoryTotal
    from outcomes.models import Indicator, IndicatorResult
    from workplan.models import Activity, ActivityProgress, Agency, Outcome, Output, Partner, Programme, WorkPlan

    programme = Programme.objects.create(
        mptf_project_id="BENCH",
        code="BENCH-1",
        title="Benchmark programme",
        country="Cambodia",
        start_date=date(2009, 1, 1),
        end_date=date(2011, 12, 31),
        net_funded_amount=Decimal("50000000.00"),
    )
    outcomes = [Outcome.objects.create(programme=programme, number=k, statement=f"Outcome {k}") for k in (1, 2, 3)]
    outputs = [
        Output.objects.create(outcome=outcome, code=f"{outcome.number}.{m}", title=f"Output {outcome.number}.{m}")
        for outcome in outcomes
        for m in (1, 2, 3)
    ]
    agencies = [Agency.objects.create(code=code, name=code) for code in ("FAO", "ILO", "UNDP", "UNESCO")]
    partners = [Partner.objects.create(code=code, name=code) for code in ("MAFF", "MIME", "MoC", "MoCFA")]
    categories = [
        BudgetCategory.objects.create(code=f"category-{k}", name=f"Category {k}", position=k) for k in range(9)
    ]
    source = FundingSource.objects.create(code="MDG-F", name="MDG Achievement Fund")
    work_plan = WorkPlan.objects.create(programme=programme, year=1)
    stated = StatedBudget.objects.create(work_plan=work_plan, indirect_cost=Decimal("1.00"), total=Decimal("1.00"))
    StatedCategoryTotal.objects.bulk_create(
        StatedCategoryTotal(stated_budget=stated, category=category, amount=Decimal("1000.00"))
        for category in categories
    )

    statuses = [choice for choice, _label in Activity.Status.choices]
    activities = Activity.objects.bulk_create(
        Activity(
            work_plan=work_plan,
            output=outputs[k % len(outputs)],
            code=f"{outputs[k % len(outputs)].code}.{k + 1}",
            title=f"Activity {k + 1}: train producer groups in marketing, quality control and costing",
            annual_target="Ten groups trained",
            agency=agencies[k % 4],
            responsible_party=partners[k % 4],
            planned_q1=k % 4 == 0,
            planned_q2=k % 4 in (0, 1),
            planned_q3=k % 4 in (1, 2),
            planned_q4=k % 4 == 3,
        )
        for k in range(n)
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(activity=activity, category=categories[(k + j) % 9], source=source, amount=Decimal("1234.57"))
        for k, activity in enumerate(activities)
        for j in range(3)
    )
    ActivityProgress.objects.bulk_create(
        ActivityProgress(
            activity=activity,
            quarter=quarter,
            status=statuses[(k + quarter) % len(statuses)],
            comment=f"Q{quarter}: workshop held with {k % 40} participants; report submitted to the PMC.",
        )
        for k, activity in enumerate(activities)
        for quarter in (1, 2)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(outcome=outcomes[k % 3], code=f"I{k % 3 + 1}.{k + 1}", statement=f"Indicator {k + 1}", target=100)
        for k in range(30)
    )
    IndicatorResult.objects.bulk_create(
        IndicatorResult(
            indicator=indicator, as_of=date(2009, 3 * q, 28), period_label=f"Q{q}", value=10 * q, women=5 * q, men=5 * q
        )
        for indicator in indicators
        for q in (1, 2, 3, 4)
    )
    return work_plan


if __name__ == "__main__":
    main()
