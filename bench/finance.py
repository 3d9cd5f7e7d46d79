"""Time the key figures of a portfolio against one plain aggregate query over the same rows, in the same run.

    .venv/bin/python bench/finance.py            # 20 programmes x 3 years x 500 activities, a table of timings
    .venv/bin/python bench/finance.py --json     # the same; the last line is one JSON object
    .venv/bin/python bench/finance.py --programmes 5 --activities 200 --repeat 3

It builds a throwaway portfolio in a temporary SQLite file (migrated here, deleted at the end): `--programmes`
programmes, each with three approved work plan years of `--activities` activities over four agencies and three
JP outputs, two budget lines per activity, committed and disbursed for each quarter of each activity
(expenditure), and one transfer per agency and year.

Then it times, best of `--repeat` rounds:
- portfolio: `finance.key_figures.portfolio_key_figures()` for every programme at once, as the portfolio page
  reads them: approved, transferred, committed, disbursed by agency, output and programme, with the indirect
  cost computed per activity and the rates;
- dashboard: `key_figures_and_warnings()` for one programme, as its dashboard reads them when they are not in
  the cache (emptied before each time);
- baseline: one plain SQL query summing the same budget lines, expenditure and transfers by programme and
  agency, with no indirect cost, no dates and no rounding.

The ratio is portfolio time / baseline time; the goal is within 3x.
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
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
AS_OF = date(2012, 1, 1)  # every quarter of the three years has ended: every row counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programmes", type=int, default=20, help="number of programmes (default 20)")
    parser.add_argument("--activities", type=int, default=500, help="activities per work plan year (default 500)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of each measure; the best counts (default 5)")
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
        results = run(args.programmes, args.activities, args.repeat)
        from django.db import connections

        connections.close_all()

    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:>26}: {value}")


def run(programme_count: int, activity_count: int, repeat: int) -> dict:
    from django.core.cache import cache

    from finance.key_figures import portfolio_key_figures
    from finance.warnings import key_figures_and_warnings

    def computed_key_figures_and_warnings(programme):
        cache.clear()
        return key_figures_and_warnings(programme, AS_OF)

    programmes = build_portfolio(programme_count, activity_count)
    measures = {
        "portfolio": lambda: len(portfolio_key_figures(programmes, AS_OF)),
        "baseline": lambda: len(baseline_rows()),
        "dashboard": lambda: len(computed_key_figures_and_warnings(programmes[0])[1]),
    }
    best = best_of(repeat, measures)
    return {
        "programmes": programme_count,
        "years": 3,
        "activities_per_year": activity_count,
        "expenditure_rows": programme_count * 3 * activity_count * 4,
        "portfolio_seconds": round(best["portfolio"], 3),
        "baseline_seconds": round(best["baseline"], 3),
        "ratio": round(best["portfolio"] / best["baseline"], 2),
        "dashboard_seconds": round(best["dashboard"], 3),
        "goal_ratio": 3,
    }


def best_of(repeat: int, measures: dict) -> dict[str, float]:
    """The best time of each measure over `repeat` rounds. Each round runs every measure once, after a
    garbage collection, so that a busy machine slows the key figures and their baseline alike."""
    best: dict[str, float] = {}
    for _round in range(repeat):
        for name, measure in measures.items():
            gc.collect()
            start = time.perf_counter()
            measure()
            elapsed = time.perf_counter() - start
            best[name] = min(best.get(name, elapsed), elapsed)
    return best


# One plain query over the same rows: budget lines, expenditure and transfers summed by programme and agency.
BASELINE_SQL = """
SELECT programme_id, agency_id, SUM(budget), SUM(transferred), SUM(committed), SUM(disbursed)
FROM (
    SELECT w.programme_id, a.agency_id, b.amount AS budget, 0 AS transferred, 0 AS committed, 0 AS disbursed
    FROM budgets_budgetline b
    JOIN workplan_activity a ON a.id = b.activity_id
    JOIN workplan_workplan w ON w.id = a.work_plan_id
    UNION ALL
    SELECT w.programme_id, a.agency_id, 0, 0, e.committed, e.disbursed
    FROM finance_expenditure e
    JOIN workplan_activity a ON a.id = e.activity_id
    JOIN workplan_workplan w ON w.id = a.work_plan_id
    UNION ALL
    SELECT t.programme_id, t.agency_id, 0, t.amount, 0, 0
    FROM finance_transfer t
) AS money
GROUP BY programme_id, agency_id
"""


def baseline_rows() -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(BASELINE_SQL)
        return cursor.fetchall()


def build_portfolio(programme_count: int, activity_count: int) -> list:
    from budgets.models import BudgetCategory, BudgetLine, FundingSource
    from finance.models import Expenditure, Transfer
    from workplan.models import Activity, Agency, Outcome, Output, Programme, WorkPlan

    agencies = [Agency.objects.create(code=code, name=code) for code in ("FAO", "ILO", "UNDP", "UNESCO")]
    source = FundingSource.objects.create(code="MDG-F", name="MDG Achievement Fund")
    programmes = []
    for p in range(programme_count):
        programme = Programme.objects.create(
            mptf_project_id=f"BENCH{p:03d}",
            code=f"BENCH-{p}",
            title=f"Benchmark programme {p}",
            country="Cambodia",
            start_date=date(2009, 1, 1),
            end_date=date(2011, 12, 31),
            net_funded_amount=Decimal("50000000.00"),
        )
        programmes.append(programme)
        outcome = Outcome.objects.create(programme=programme, number=1, statement="Outcome 1")
        outputs = [Output.objects.create(outcome=outcome, code=f"1.{m}", title=f"Output 1.{m}") for m in (1, 2, 3)]
        categories = [
            BudgetCategory.objects.create(programme=programme, code=f"category-{k}", name=f"Category {k}", position=k)
            for k in range(2)
        ]
        for year in (1, 2, 3):
            work_plan = WorkPlan.objects.create(programme=programme, year=year, status=WorkPlan.Status.APPROVED)
            activities = Activity.objects.bulk_create(
                Activity(
                    work_plan=work_plan,
                    output=outputs[k % 3],
                    code=f"{outputs[k % 3].code}.{k + 1}",
                    title=f"Activity {k + 1}",
                    agency=agencies[k % 4],
                )
                for k in range(activity_count)
            )
            BudgetLine.objects.bulk_create(
                BudgetLine(
                    activity=activity,
                    category=category,
                    source=source,
                    amount=Decimal(1000 + k % 97) + Decimal("0.55"),
                )
                for k, activity in enumerate(activities)
                for category in categories
            )
            Expenditure.objects.bulk_create(
                Expenditure(
                    activity=activity,
                    quarter=quarter,
                    source=source,
                    committed=Decimal(50 + k % 13) + Decimal("0.05"),
                    disbursed=Decimal(200 + (k * quarter) % 89) + Decimal("0.35"),
                )
                for k, activity in enumerate(activities)
                for quarter in (1, 2, 3, 4)
            )
            Transfer.objects.bulk_create(
                Transfer(
                    programme=programme,
                    work_plan=work_plan,
                    agency=agency,
                    date=date(2008 + year, 1, 15),
                    amount=Decimal(activity_count * 700),
                )
                for agency in agencies
            )
    return programmes


if __name__ == "__main__":
    main()
