"""Time the programme's pages against a bare view through the same middleware, at 35 and at N activities.

    .venv/bin/python bench/pages.py [--n 2000] [--json] [--database-url postgres://...]

Builds the CISP data (its Year 1: 35 activities) in a throwaway database (a temporary SQLite file, or a
bench_pages_<pid> database created beside the PostgreSQL one given, and dropped afterwards), logs a
coordinator of CISP in with Django's test client, and times each page in-process, the whole request
through every middleware (session, login, the programme's check, CSP, GZip: the client accepts gzip as
a browser does), the response's body read to the end:

- bare: a view added by this benchmark under /p/<programme>/ that answers "ok";
- work_plan: the work plan page (its first page); dashboard; activity: one activity's page;
  report: the Q2 progress report; indicators; work_plan_xlsx: the work plan workbook.

First at 35 activities (CISP Year 1 as loaded), then after adding a Year 2 of N activities (the latest
year, which the dashboard shows) with nine budget lines each, a status and comment for Q1 and Q2, their
history, and four more results per indicator. Each size: a warm-up, then `--repeat` rounds of every page
once, interleaved with the bare view, after a garbage collection; the median of each counts. Ratios are
page / bare of the same size, measured in the same rounds. `rows_*` are the activities a page lists.
With --json the last line is one JSON object.
"""

import argparse
import gc
import gzip
import json
import os
import re
import statistics
import sys
import tempfile
import time
import warnings
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CISP = "00067193"
PAGES = ("work_plan", "dashboard", "activity", "report", "indicators", "work_plan_xlsx")

# The goals of issue 12: page / bare at 35 and at N activities.
RATIO_GOALS = {
    "work_plan": (4, 10),
    "dashboard": (4, 4),
    "activity": (4, 4),
    "indicators": (4, 4),
    "report": (6, None),
}
REPORT_GROWTH_GOAL = 2.0  # the report at N: at most twice its own time at 35
GROWTH_GOAL = 1.5  # any page from 35 to N, unless it lists more rows (then no faster than its rows)


def setup_django(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cisp.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # whitenoise, before collectstatic has made STATIC_ROOT: the pages' static files are not requested here.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    import django

    django.setup()
    from django.conf import settings

    # As in production: templates without debug information, queries not recorded. (The rest of the
    # production settings, HTTPS and the static files' manifest, need a deployment.)
    settings.DEBUG = False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", "-n", type=int, default=2000, help="activities in the large year (default 2000)")
    parser.add_argument("--repeat", type=int, default=15, help="timed rounds per size; the median counts (default 15)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed rounds before them (default 3)")
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to measure on, e.g. postgres://postgres@127.0.0.1:5432/cisp: a throwaway "
        "bench_pages_<pid> database is created on it and dropped afterwards (default: a temporary SQLite file)",
    )
    args = parser.parse_args()

    if args.database_url:
        setup_django(args.database_url)
        from django.db import connection

        # A name of its own: the default test_<name> could be a test run's database.
        connection.settings_dict["TEST"]["NAME"] = f"bench_pages_{os.getpid()}"
        test_database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            report = {**run(args.n, args.repeat, args.warmup), "database": connection.vendor}
        finally:
            connection.creation.destroy_test_db(test_database, verbosity=0)
    else:
        with tempfile.TemporaryDirectory() as directory:
            setup_django(f"sqlite:///{Path(directory) / 'bench.sqlite3'}")
            from django.core.management import call_command
            from django.db import connections

            call_command("migrate", verbosity=0)
            report = {**run(args.n, args.repeat, args.warmup), "database": "sqlite"}
            connections.close_all()
    if not args.json:
        print_table(report)
    print(json.dumps(report))


def run(n: int, repeat: int, warmup: int) -> dict:
    from django.core.management import call_command
    from django.test import Client

    from workplan.models import Activity, WorkPlan

    call_command("load_cisp", verbosity=0)
    add_bare_view()
    client = Client(SERVER_NAME="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    client.force_login(coordinator())

    small = WorkPlan.objects.get(programme__mptf_project_id=CISP, year=1)
    at_35 = measure(client, urls(small), repeat, warmup)
    large = build_year(small.programme, n)
    at_n = measure(client, urls(large), repeat, warmup)
    assert Activity.objects.filter(work_plan=large).count() == n

    activities_35 = Activity.objects.filter(work_plan=small).count()
    at_35["work_plan_xlsx"]["rows"], at_n["work_plan_xlsx"]["rows"] = activities_35, n
    report: dict = {"n": n, "activities_35": activities_35, "repeat": repeat}
    report["bare"] = {"ms_35": at_35["bare"]["ms"], "ms_n": at_n["bare"]["ms"]}
    goals = {}
    for page in PAGES:
        small_page, large_page = at_35[page], at_n[page]
        figures = {
            "ms_35": small_page["ms"],
            "ms_n": large_page["ms"],
            "ratio_35": round(small_page["ms"] / at_35["bare"]["ms"], 2),
            "ratio_n": round(large_page["ms"] / at_n["bare"]["ms"], 2),
            "growth": round(large_page["ms"] / small_page["ms"], 2),
            "rows_35": small_page["rows"],
            "rows_n": large_page["rows"],
            "kb_35": small_page["kb"],
            "kb_n": large_page["kb"],
        }
        report[page] = figures
        goals[page] = meets_goals(page, figures)
    report["goals_met"] = goals
    return report


def meets_goals(page: str, figures: dict) -> bool:
    at_35, at_n = RATIO_GOALS.get(page, (None, None))
    met = True
    if at_35 is not None:
        met &= figures["ratio_35"] <= at_35
    if at_n is not None:
        met &= figures["ratio_n"] <= at_n
    if page == "report":
        met &= figures["growth"] <= REPORT_GROWTH_GOAL
    rows_growth = figures["rows_n"] / figures["rows_35"] if figures["rows_35"] else 1
    met &= figures["growth"] <= max(GROWTH_GOAL, rows_growth)
    return bool(met)


def add_bare_view() -> None:
    """The yardstick: "ok" from a view under /p/<programme>/, so that it goes through every
    middleware the pages go through, the programme's check included."""
    from django.http import HttpResponse
    from django.urls import clear_url_caches, path

    from cisp import urls

    def bare(request):
        return HttpResponse("ok", content_type="text/plain")

    urls.urlpatterns.insert(0, path("p/<str:programme>/bench-bare/", bare, name="bench_bare"))
    clear_url_caches()


def coordinator():
    from django.contrib.auth import get_user_model

    from workplan.models import Membership, Programme

    user = get_user_model().objects.create_user("bench-coordinator", password="bench-only-Passw0rd!")
    Membership.objects.create(
        user=user, programme=Programme.objects.get(mptf_project_id=CISP), role=Membership.Role.COORDINATOR
    )
    return user


def urls(work_plan) -> dict[str, str]:
    from django.urls import reverse

    from workplan.models import Activity

    year = work_plan.year
    activity = Activity.objects.filter(work_plan=work_plan).order_by("sort_key").first()
    return {
        "bare": f"/p/{CISP}/bench-bare/",
        "work_plan": reverse("workplan:work_plan", args=[CISP, year]),
        "dashboard": reverse("dashboard", args=[CISP]),
        "activity": reverse("workplan:activity", args=[CISP, activity.pk]),
        "report": reverse("reports:quarter", args=[CISP, year, 2]),
        "indicators": reverse("outcomes:indicators", args=[CISP]),
        "work_plan_xlsx": reverse("exchange:export", args=[CISP, year]),
    }


def measure(client, urls: dict[str, str], repeat: int, warmup: int) -> dict[str, dict]:
    """The median time of each page over `repeat` interleaved rounds, after `warmup` rounds."""
    times: dict[str, list[float]] = {name: [] for name in urls}
    bodies: dict[str, tuple[int, bytes]] = {}
    for round_number in range(warmup + repeat):
        for name, url in urls.items():
            gc.collect()
            start = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            elapsed = time.perf_counter() - start
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            if round_number >= warmup:
                times[name].append(elapsed)
            bodies[name] = (len(body), _decoded(response, body))
    return {
        name: {
            "ms": round(statistics.median(times[name]) * 1000, 1),
            "kb": round(bodies[name][0] / 1024, 1),
            "rows": listed_rows(name, bodies[name][1]),
        }
        for name in urls
    }


def _decoded(response, body: bytes) -> bytes:
    return gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body


def listed_rows(page: str, body: bytes) -> int | None:
    """The activities a page lists: the rows of the work plan table or of the report's activity table.
    (The workbook lists every activity of the year.)"""
    if page == "work_plan":
        return body.count(b"data-status=")
    if page == "report":
        table = body.split(b'id="report-activities"', 1)[1].split(b"</table>", 1)[0]
        return len(re.findall(rb"<tr(?: class=\"late\")?><td>", table.split(b"</thead>", 1)[1]))
    return None


def build_year(programme, n: int):
    """A Year 2 of `n` activities over CISP's outputs, agencies and partners: nine budget lines
    each, a status and comment for Q1 and Q2, their history; and four more results per indicator."""
    from budgets.models import BudgetCategory, BudgetLine, FundingSource
    from outcomes.models import Indicator, IndicatorResult
    from workplan.bulk_history import record_created_where_missing
    from workplan.models import Activity, ActivityProgress, Agency, Output, Partner, WorkPlan

    work_plan = WorkPlan.objects.create(programme=programme, year=2)
    outputs = list(Output.objects.filter(outcome__programme=programme))
    agencies, partners = list(Agency.objects.all()), list(Partner.objects.all())
    statuses = [choice for choice, _label in Activity.Status.choices]
    activities = Activity.objects.bulk_create(
        Activity(
            work_plan=work_plan,
            output=outputs[k % len(outputs)],
            code=f"{outputs[k % len(outputs)].code}.{k + 1}",
            title=f"Activity {k + 1}: train producer groups in marketing, quality control and costing",
            annual_target=f"{k % 40 + 1} groups trained",
            agency=agencies[k % len(agencies)],
            responsible_party=partners[k % len(partners)],
            planned_q1=k % 4 == 0,
            planned_q2=k % 4 in (0, 1),
            planned_q3=k % 4 in (1, 2),
            planned_q4=k % 4 == 3,
            status=statuses[k % len(statuses)],
        )
        for k in range(n)
    )
    source = FundingSource.objects.get()
    categories = list(BudgetCategory.objects.filter(programme=programme))
    BudgetLine.objects.bulk_create(
        BudgetLine(
            activity=activity,
            category=category,
            source=source,
            amount=Decimal(100 + (k * 37 + category.position * 11) % 9000) + Decimal("0.35"),
        )
        for k, activity in enumerate(activities)
        for category in categories
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
    for model in (Activity, BudgetLine, ActivityProgress):
        record_created_where_missing(model, reason="Benchmark data")
    IndicatorResult.objects.bulk_create(
        IndicatorResult(indicator=indicator, as_of=date(2010, month, 28), period_label=f"2010-{month:02d}", value=q)
        for indicator in Indicator.objects.of_programme(programme)
        for q, month in enumerate((3, 6, 9, 12), start=1)
    )
    return work_plan


def print_table(report: dict) -> None:
    n = report["n"]
    print(f"{report['database']}, median of {report['repeat']} rounds; ms at 35 and {n} activities")
    print(f"{'page':>15} {'ms_35':>8} {'ms_n':>8} {'ratio_35':>9} {'ratio_n':>8} {'growth':>7} {'rows':>11}  goals")
    print(f"{'bare':>15} {report['bare']['ms_35']:>8} {report['bare']['ms_n']:>8}")
    for page in PAGES:
        f = report[page]
        rows = f"{f['rows_35']}->{f['rows_n']}" if f["rows_35"] is not None else ""
        met = "met" if report["goals_met"][page] else "MISSED"
        print(
            f"{page:>15} {f['ms_35']:>8} {f['ms_n']:>8} {f['ratio_35']:>9} {f['ratio_n']:>8} {f['growth']:>7} "
            f"{rows:>11}  {met}"
        )


if __name__ == "__main__":
    main()
