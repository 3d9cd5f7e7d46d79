"""Key figures worked out by hand on a small example (tests/finance_examples.py), the command's JSON,
the warnings, and a constant number of queries for one programme or twenty."""

import json
import random
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

from budgets.models import StatedBudget
from budgets.money import ZERO, indirect_cost
from budgets.selectors import work_plan_budget
from finance.key_figures import KeyFigures, key_figures, percent, portfolio_key_figures
from finance.models import Expenditure, Transfer
from finance.spending import work_plan_spending
from finance.warnings import key_figures_and_warnings
from tests.factories import (
    make_activity,
    make_agency,
    make_budget_line,
    make_category,
    make_programme,
    make_work_plan,
)
from tests.finance_examples import small_example, spend, transfer
from workplan.models import Activity, Agency, Programme, WorkPlan

D = Decimal
MID_JULY = date(2009, 7, 15)


@pytest.fixture
def example(db):
    return small_example()


def test_figures_by_agency_by_hand(example):
    figures = key_figures(example.programme, MID_JULY)

    assert figures.by_agency["UNESCO"] == KeyFigures(
        # 1,000.50 + 70.04 and 0.50 + 0.04: the 7% per activity (on 1,001.00 at once it would be 70.07).
        approved=D("1071.08"),
        # The transfer of 1 August is not counted yet.
        transferred=D("1000.00"),
        committed=D("107.00"),
        # Q1 and Q2 of 1.1.1: 300.50 + 21.04 (21.035 rounded half-up); 1.1.2: 0.50 + 0.04. Q3 has not ended.
        disbursed=D("322.08"),
    )
    assert figures.by_agency["UNESCO"].delivery_rate == D("32.2")
    assert figures.by_agency["UNESCO"].budget_use == D("30.1")
    ilo = figures.by_agency["ILO"]
    assert (ilo.approved, ilo.transferred, ilo.disbursed) == (D("107.00"), D("400.00"), D("32.20"))
    # 32.20 / 400.00 is 8.05%: rounded half-up to 8.1 (to even it would be 8.0).
    assert ilo.delivery_rate == D("8.1")
    fao = figures.by_agency["FAO"]
    assert fao == KeyFigures(approved=ZERO, transferred=ZERO, committed=ZERO, disbursed=ZERO)
    assert fao.delivery_rate is None
    assert fao.budget_use is None


def test_figures_of_the_programme_and_its_outputs(example):
    figures = key_figures(example.programme, MID_JULY)

    # Year 2 is a draft: its budget is not approved.
    assert figures.total == KeyFigures(
        approved=D("1178.08"), transferred=D("1400.00"), committed=D("107.00"), disbursed=D("354.28")
    )
    assert (figures.total.delivery_rate, figures.total.budget_use) == (D("25.3"), D("30.1"))
    assert list(figures.by_output) == ["1.1", "2.1"]
    assert figures.by_output["1.1"] == KeyFigures(
        approved=D("1071.08"), transferred=None, committed=D("107.00"), disbursed=D("322.08")
    )
    assert figures.by_output["1.1"].delivery_rate is None
    assert figures.by_output["2.1"].budget_use == D("30.1")
    assert [(plan.year, plan.listed, plan.stated) for plan in figures.approved_plans] == [(1, D("1178.08"), None)]
    assert not figures.illustrative


def test_the_approved_budget_is_the_work_plans_budget(example):
    budget = work_plan_budget(example.year_1)
    figures = key_figures(example.programme, MID_JULY)

    assert {code: row.approved for code, row in figures.by_agency.items()} == {
        code: row.total for code, row in budget.by_agency.items()
    }
    assert figures.total.approved == budget.listed.total


def test_a_quarter_counts_from_its_last_day(example):
    assert key_figures(example.programme, date(2009, 6, 29)).by_agency["UNESCO"].disbursed == D("321.54")
    assert key_figures(example.programme, date(2009, 6, 30)).by_agency["UNESCO"].disbursed == D("322.08")
    autumn = key_figures(example.programme, date(2009, 10, 1)).by_agency["UNESCO"]
    # 1.1.1: 500.50 + 35.04 (35.035 half-up), 1.1.2: 0.54; and the August transfer.
    assert (autumn.disbursed, autumn.transferred) == (D("536.08"), D("1500.00"))
    assert key_figures(example.programme, date(2008, 12, 31)).total == KeyFigures(approved=D("1178.08"))


def test_rates_are_rounded_half_up_to_one_decimal():
    assert percent(D("1.00"), D("16.00")) == D("6.3")  # 6.25
    assert percent(D("1.00"), D("3.00")) == D("33.3")
    assert percent(D("5.00"), ZERO) is None
    assert percent(ZERO, D("5.00")) == D("0.0")


def test_readiness_for_the_next_tranche(example, settings):
    settings.FINANCE_TRANCHE_THRESHOLD_PERCENT = 30
    readiness = key_figures(example.programme, MID_JULY).readiness

    assert readiness.year == 1
    # Committed 107.00 and disbursed 354.28 of the 1,400.00 transferred for year 1.
    assert (readiness.transferred, readiness.spending.used, readiness.share) == (D("1400.00"), D("461.28"), D("32.9"))
    assert readiness.ready
    settings.FINANCE_TRANCHE_THRESHOLD_PERCENT = 70
    assert not key_figures(example.programme, MID_JULY).readiness.ready


def test_the_current_year_is_the_latest_with_transfers(example):
    transfer(example.year_2, "UNESCO", "2000.00", date(2010, 1, 10))
    spend(example.activities["Y2 2.1.3"], 1, committed="1000.00", disbursed="400.00")

    assert key_figures(example.programme, date(2009, 12, 31)).readiness.year == 1
    readiness = key_figures(example.programme, date(2010, 4, 1)).readiness
    # Year 2's Q1 (to 31 March 2010): 1,070.00 committed and 428.00 disbursed of 2,000.00.
    assert (readiness.year, readiness.spending.used, readiness.share) == (2, D("1498.00"), D("74.9"))


def test_illustrative_rows_counted_mark_the_figures(example):
    spend(example.activities["2.1.1"], 4, disbursed="1.00", illustrative=True)

    assert not key_figures(example.programme, MID_JULY).illustrative
    assert key_figures(example.programme, date(2010, 1, 1)).illustrative


def test_the_indirect_cost_summed_in_the_database_is_exact_to_the_cent(db):
    """Hundreds of activities with amounts whose 7% ends in half a cent: the figures equal the Python
    computation, activity by activity with `indirect_cost`, to the cent."""
    rng = random.Random(13)
    programme = make_programme()
    work_plan = make_work_plan(programme)
    WorkPlan.objects.filter(pk=work_plan.pk).update(status=WorkPlan.Status.APPROVED)
    agencies = [make_agency(code) for code in ("UNESCO", "ILO", "FAO")]
    categories = [make_category(programme), make_category(programme, "training", "Training", 4)]
    expected_budget, expected_disbursed = ZERO, ZERO
    for n in range(300):
        activity = make_activity(work_plan, f"1.1.{n + 1}", agency=agencies[n % 3])
        # Every other activity's direct total ends in 50 cents: 7% of it ends in half a cent.
        amounts = (
            [D(rng.randrange(1, 100_000)) + D("0.25") for _ in categories]
            if n % 2
            else [D(rng.randrange(1, 10_000_000)) / 100 for _ in categories]
        )
        for amount, category in zip(amounts, categories, strict=True):
            make_budget_line(activity, str(amount), category=category)
        paid = [D(rng.randrange(0, 500_000)) / 100 + D("0.50") for _ in range(4)]
        for quarter, amount in enumerate(paid, start=1):
            spend(activity, quarter, disbursed=str(amount))
        expected_budget += sum(amounts) + indirect_cost(sum(amounts), D("0.07"))
        expected_disbursed += sum(paid) + indirect_cost(sum(paid), D("0.07"))

    total = key_figures(programme, date(2030, 1, 1)).total
    assert (total.approved, total.disbursed) == (expected_budget, expected_disbursed)


def test_key_figures_command_json(example):
    out = StringIO()
    call_command(
        "key_figures", "--programme", example.programme.mptf_project_id, "--as-of", "2009-07-15", "--json", stdout=out
    )
    data = json.loads(out.getvalue())

    assert data["programme"] == example.programme.mptf_project_id
    assert data["as_of"] == "2009-07-15"
    assert data["by_agency"]["ILO"] == {
        "approved": "107.00",
        "transferred": "400.00",
        "committed": "0.00",
        "disbursed": "32.20",
        "delivery_rate": "8.1",
        "budget_use": "30.1",
    }
    assert data["by_agency"]["FAO"]["delivery_rate"] is None
    assert data["by_output"]["1.1"]["transferred"] is None
    assert data["total"]["disbursed"] == "354.28"
    assert data["tranche_readiness"]["share"] == "32.9"


def test_key_figures_command_table(example):
    out = StringIO()
    call_command("key_figures", "--programme", example.programme.mptf_project_id, "--as-of", "2009-07-15", stdout=out)
    table = out.getvalue()

    assert "1,071.08" in table
    assert "8.1%" in table


def kinds(warnings):
    return [(warning.kind, warning.message) for warning in warnings]


def test_warnings_name_the_record(example):
    activities = example.activities
    spend(activities["1.1.2"], 2, disbursed="5.00")  # above its budget of 0.54
    spend(activities["2.1.1"], 2, disbursed="500.00")  # ILO: more than the 400.00 received
    Activity.objects.filter(pk=activities["2.1.1"].pk).update(status=Activity.Status.CANCELLED)

    _figures, warnings = key_figures_and_warnings(example.programme, MID_JULY)

    assert kinds(warnings) == [
        ("over_budget", "Activity 1.1.2 (UNESCO): disbursed 5.89, above its budget of 0.54."),
        ("over_budget", "Activity 2.1.1 (ILO): disbursed 567.20, above its budget of 107.00."),
        ("cancelled", "Activity 2.1.1 (ILO) is cancelled, yet 567.20 was committed or disbursed on it."),
        ("over_received", "ILO: disbursed 567.20, above the 400.00 it received."),
        (
            "quarter_not_ended",
            "Activity 1.1.1 (UNESCO): expenditure reported for year 1 Q3, which ends on 30 Sep 2009.",
        ),
        ("not_reported", "FAO reported no expenditure for year 1 Q1, which ended on 31 Mar 2009."),
    ]


def test_no_warning_for_a_quarter_within_its_reporting_days(example):
    _figures, warnings = key_figures_and_warnings(example.programme, date(2009, 4, 30))
    assert [w for w in warnings if w.kind == "not_reported"] == []
    _figures, warnings = key_figures_and_warnings(example.programme, date(2009, 5, 1))
    assert [w.message for w in warnings if w.kind == "not_reported"] == [
        "FAO reported no expenditure for year 1 Q1, which ended on 31 Mar 2009."
    ]


def grow_portfolio(count: int) -> list[Programme]:
    programmes = []
    for n in range(count):
        example = small_example()
        transfer(example.year_2, "ILO", "10.00", date(2010, 2, 1))
        spend(example.activities["Y2 2.1.3"], 1, disbursed=str(n + 1))
        programmes.append(example.programme)
    return programmes


@pytest.mark.parametrize("count", [1, 20])
def test_queries_do_not_grow_with_the_programmes(db, django_assert_num_queries, count):
    programmes = grow_portfolio(count)

    with django_assert_num_queries(5):
        figures = portfolio_key_figures(programmes, MID_JULY)
    assert len(figures) == count
    assert {row.total.disbursed for row in figures.values()} == {D("354.28")}


@pytest.mark.parametrize("count", [1, 20])
def test_warnings_run_a_constant_number_of_queries(db, django_assert_num_queries, count):
    programme = grow_portfolio(count)[-1]
    for n in range(count * 5):
        make_activity(WorkPlan.objects.get(programme=programme, year=1), f"3.1.{n + 1}")

    with django_assert_num_queries(10):
        key_figures_and_warnings(programme, date(2011, 1, 1))
    with django_assert_num_queries(3):  # from the cache: what they are computed from, and no sum
        key_figures_and_warnings(programme, date(2011, 1, 1))


def figures_and_messages(programme: Programme, as_of: date = MID_JULY):
    figures, warnings = key_figures_and_warnings(programme, as_of)
    return figures, kinds(warnings)


def test_the_key_figures_are_kept_until_what_they_count_changes(example):
    """Read again, the figures and warnings come from the cache; each change to what they are computed
    from gives them computed afresh, the same as with nothing in the cache."""
    programme, activities = example.programme, example.activities

    def assert_fresh():
        cached = figures_and_messages(programme)
        cache.clear()
        fresh = figures_and_messages(programme)
        assert cached == fresh
        return fresh

    before = assert_fresh()
    spend(activities["1.1.2"], 2, disbursed="5.00")  # an expenditure added
    after_expenditure = assert_fresh()
    assert after_expenditure[0].by_agency["UNESCO"].disbursed == before[0].by_agency["UNESCO"].disbursed + D("5.35")

    expenditure = Expenditure.objects.get(activity=activities["1.1.2"], quarter=2)
    expenditure.disbursed = D("6.00")  # an expenditure changed
    expenditure.save()
    assert figures_and_messages(programme)[0].by_agency["UNESCO"].disbursed == (
        before[0].by_agency["UNESCO"].disbursed + D("6.42")
    )
    expenditure.delete()  # and deleted
    assert figures_and_messages(programme) == before

    transfer(example.year_1, "ILO", "99.99", date(2009, 2, 1))
    assert figures_and_messages(programme)[0].by_agency["ILO"].transferred == D("499.99")
    Transfer.objects.filter(amount=D("99.99")).get().delete()
    assert figures_and_messages(programme) == before

    make_budget_line(activities["2.1.2"], "10.00")  # a budget line: FAO's approved budget
    assert figures_and_messages(programme)[0].by_agency["FAO"].approved == D("10.70")

    activity = Activity.objects.get(pk=activities["2.1.1"].pk)
    activity.status = Activity.Status.CANCELLED  # an activity changed: a warning
    activity.save()
    assert ("cancelled", "Activity 2.1.1 (ILO) is cancelled, yet 32.20 was committed or disbursed on it.") in (
        figures_and_messages(programme)[1]
    )

    example.year_2.status = WorkPlan.Status.APPROVED  # a work plan approved: its budget counts
    example.year_2.save()
    assert [plan.year for plan in figures_and_messages(programme)[0].approved_plans] == [1, 2]
    StatedBudget.objects.create(work_plan=example.year_2, total=D("6000.00"), indirect_cost=D("0.00"))
    assert figures_and_messages(programme)[0].approved_plans[1].stated == D("6000.00")

    ilo = Agency.objects.get(code="ILO")  # an agency renamed: the figures and warnings name it anew
    ilo.code = "ILO-2"
    ilo.save()
    figures, messages = figures_and_messages(programme)
    assert "ILO-2" in figures.by_agency and "ILO" not in figures.by_agency
    assert all("(ILO)" not in message for _kind, message in messages)

    programme.indirect_cost_rate = D("0.0800")  # the rate
    programme.save()
    assert figures_and_messages(programme)[0].by_agency["ILO-2"].approved == D("108.00")

    # Another day counts other quarters; another language writes the warnings in it.
    october = figures_and_messages(programme, date(2009, 10, 20))
    assert october != figures_and_messages(programme)
    cache.clear()
    assert october == figures_and_messages(programme, date(2009, 10, 20))
    with translation.override("km"):
        in_khmer = key_figures_and_warnings(programme, MID_JULY)[1]
    assert kinds(in_khmer) != figures_and_messages(programme)[1]
    assert_fresh()


def test_demo_finance_loads_labelled_illustrative(cisp):
    call_command("load_demo_finance", "--programme", "00067193", verbosity=0)
    call_command("load_demo_finance", "--programme", "00067193", verbosity=0)
    figures = key_figures(cisp.programme, date(2011, 12, 31))

    assert figures.illustrative
    assert ZERO < figures.total.transferred <= cisp.programme.net_funded_amount
    assert figures.total.disbursed > ZERO


def test_the_reports_spending_is_kept_until_what_it_sums_changes(example, django_assert_num_queries):
    """Read again, a report's planned against spent comes from the cache; each change to what it is
    computed from gives it computed afresh, the same as with nothing in the cache."""
    programme, activities, year_1 = example.programme, example.activities, example.year_1

    def spending(quarter=2):
        return work_plan_spending(year_1, quarter, work_plan_budget(year_1))

    def assert_fresh(quarter=2):
        cached = spending(quarter)
        cache.clear()
        assert cached == spending(quarter)
        return cached

    def unesco_disbursed(report):
        return next(row.year_to_date.disbursed for row in report.rows if row.agency == "UNESCO")

    before = assert_fresh()
    budget = work_plan_budget(year_1)
    with django_assert_num_queries(1):  # from the cache: what it is computed from, and no sum
        work_plan_spending(year_1, 2, budget)
    assert assert_fresh(1) != before  # each quarter its own

    spend(activities["1.1.2"], 2, disbursed="5.00")  # an expenditure added
    assert unesco_disbursed(assert_fresh()) == unesco_disbursed(before) + D("5.35")
    expenditure = Expenditure.objects.get(activity=activities["1.1.2"], quarter=2)
    expenditure.illustrative = True  # marked illustrative
    expenditure.save()
    assert assert_fresh().illustrative
    expenditure.delete()  # and deleted
    assert spending() == before

    activity = Activity.objects.get(pk=activities["1.1.2"].pk)
    activity.agency = Agency.objects.get(code="FAO")  # an activity moved to another agency
    activity.save()
    moved = assert_fresh()
    assert unesco_disbursed(moved) == unesco_disbursed(before) - D("0.54")

    fao = Agency.objects.get(code="FAO")  # an agency renamed: its rows named anew
    fao.code = "FAO-2"
    fao.save()
    assert "FAO-2" in {row.agency for row in assert_fresh().rows}

    programme.indirect_cost_rate = D("0.0800")  # the rate
    programme.save()
    year_1.programme = programme
    assert unesco_disbursed(assert_fresh()) != unesco_disbursed(moved)
