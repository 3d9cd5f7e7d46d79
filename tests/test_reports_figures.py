"""The CISP Year-1 progress report, figure by figure against the source documents."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import translation

from budgets.models import BudgetLine
from outcomes.models import Indicator, IndicatorResult
from reports.selectors import quarterly_report
from tests.test_cisp_data import LISTED, PRINTED_MGT_SUPPORT, STATED, decimals
from workplan.models import Activity, ActivityProgress
from workplan.periods import current_quarter, report_period

# Totals (direct + Mgt support) of each JP output: the source's activity rows summed by output.
BY_OUTPUT = {
    "1.1": "72999.68", "1.2": "106561.30", "2.1": "301100.14", "2.2": "234338.56",
    "3.1": "36948.17", "3.2": "105004.45", "3.3": "34899.12", "Other": "40000.88",
}  # fmt: skip
BY_AGENCY = {"FAO": "264399.14", "ILO": "311040.44", "UNDP": "141952.62", "UNESCO": "214460.10"}


def report_for(work_plan, quarter, *, year_to_date=False):
    return quarterly_report(work_plan, report_period(work_plan, quarter, year_to_date=year_to_date))


def report_progress(work_plan, code, quarter, status, comment=""):
    activity = Activity.objects.get(work_plan=work_plan, code=code)
    ActivityProgress.objects.create(activity=activity, quarter=quarter, status=status, comment=comment)


def test_budget_by_category_equals_the_listed_stated_and_difference_of_the_source(cisp):
    lines = {
        label: (listed, stated, difference)
        for label, listed, stated, difference in report_for(cisp, 2).budget.category_lines
    }

    assert {label: figures[0] for label, figures in lines.items()} == decimals(LISTED)
    assert {label: figures[1] for label, figures in lines.items()} == decimals(STATED)
    assert lines["Contracts"][2] == Decimal("41800.00")
    assert lines["Nat personnel"][2] == Decimal("16120.00")
    assert lines["Total"] == (Decimal("931852.30"), Decimal("1001851.70"), Decimal("69999.40"))
    assert all(
        difference == Decimal(STATED[label]) - Decimal(LISTED[label]) for label, (_l, _s, difference) in lines.items()
    )


def test_budget_by_output_and_agency_adds_up_to_the_source(cisp):
    section = report_for(cisp, 1).budget
    by_output = {group.code or "Other": total.total for group, _agencies, total in section.outputs}

    assert by_output == decimals(BY_OUTPUT)
    assert {code: figures.total for code, figures in section.budget.by_agency.items()} == decimals(BY_AGENCY)
    for _group, agencies, total in section.outputs:
        assert sum((figures.total for _agency, figures in agencies), Decimal("0.00")) == total.total
    assert ("2.1", ["FAO", "ILO"]) in [
        (group.code, [a for a, _f in agencies]) for group, agencies, _t in section.outputs
    ]
    assert section.budget.listed.indirect == Decimal("60962.30")


def test_output_totals_follow_from_the_printed_mgt_support(cisp):
    """BY_OUTPUT above is the source's arithmetic: each activity's lines plus its printed Mgt support."""
    expected: dict[str, Decimal] = {}
    for activity in Activity.objects.filter(work_plan=cisp).select_related("output"):
        direct = sum(BudgetLine.objects.filter(activity=activity).values_list("amount", flat=True), Decimal("0.00"))
        key = activity.output.code if activity.output else "Other"
        printed = Decimal(PRINTED_MGT_SUPPORT[activity.code or activity.title])
        expected[key] = expected.get(key, Decimal("0.00")) + direct + printed
    assert expected == decimals(BY_OUTPUT)


def test_period_of_year_one_counts_from_the_programme_start(cisp):
    assert (report_period(cisp, 1).start, report_period(cisp, 1).end) == (date(2008, 9, 10), date(2008, 12, 9))
    assert (report_period(cisp, 4).start, report_period(cisp, 4).end) == (date(2009, 6, 10), date(2009, 9, 9))
    ytd = report_period(cisp, 3, year_to_date=True)
    assert (ytd.start, ytd.end, ytd.quarters) == (date(2008, 9, 10), date(2009, 6, 9), (1, 2, 3))
    assert current_quarter(cisp, date(2026, 1, 1)) == 4
    assert current_quarter(cisp, date(2009, 1, 15)) == 2
    assert current_quarter(cisp, date(2008, 1, 1)) == 1


def test_activities_planned_in_the_quarter_and_late_ones_from_earlier_quarters(cisp):
    report_progress(cisp, "1.1.1", 1, Activity.Status.COMPLETED, "PMC established in May 2008.")
    report_progress(cisp, "1.1.2", 1, Activity.Status.ONGOING, "Focal points appointed.")
    report_progress(cisp, "1.1.2", 2, Activity.Status.ONGOING, "Training of officials under way.")
    report_progress(cisp, "2.1.1", 2, Activity.Status.CANCELLED)
    report_progress(cisp, "1.1.4", 2, Activity.Status.ONGOING)

    q1 = {row.code: row for row in report_for(cisp, 1).activities.rows}
    assert not any(row.late for row in q1.values())  # nothing is late in the first quarter
    assert q1["1.1.1"].comment == "PMC established in May 2008."
    assert q1["1.1.3"].comment == "" and q1["1.1.3"].status == Activity.Status.PLANNED  # none given; current status

    q2 = report_for(cisp, 2).activities
    rows = {row.code or row.title: row for row in q2.rows}
    assert "1.1.1" not in rows  # completed in Q1
    assert "2.1.1" not in rows  # cancelled
    assert rows["1.1.2"].late and rows["1.1.2"].comment == "Training of officials under way."
    assert rows["1.1.3"].late and rows["1.1.3"].comment == ""  # planned in Q1, nothing reported
    assert not rows["1.1.4"].late and rows["1.1.4"].status == Activity.Status.ONGOING  # planned Q2-Q4
    assert not rows["1.2.1"].late  # planned in Q2
    assert rows["Programme formulation"].late  # Q1, outside any output
    assert "2.1.7" not in rows  # planned in Q4 only
    assert {code for code, row in rows.items() if row.late} == {
        "1.1.2", "1.1.3", "2.1.6", "2.2.1", "Programme formulation",
    }  # fmt: skip
    assert q2.late_count == 5

    q3 = {row.code: row for row in report_for(cisp, 3).activities.rows}
    assert q3["1.1.2"].late and q3["1.1.2"].status == Activity.Status.ONGOING  # status carried over from Q2
    assert q3["1.1.2"].comment == ""  # nothing said for Q3
    assert q3["1.2.1"].late  # planned in Q2 only
    assert not q3["1.1.4"].late


def test_a_quarter_report_does_not_change_when_a_later_quarter_is_reported(cisp):
    def q2_row(code):
        return next(row for row in report_for(cisp, 2).activities.rows if row.code == code)

    before = q2_row("1.1.3")  # planned in Q1, nothing reported: late in Q2
    assert before.late and before.status == Activity.Status.PLANNED

    report_progress(cisp, "1.1.3", 3, Activity.Status.COMPLETED, "Partners identified in Q3.")
    Activity.objects.filter(work_plan=cisp, code="1.1.3").update(status=Activity.Status.COMPLETED)

    after = q2_row("1.1.3")
    assert (after.late, after.status, after.comment) == (before.late, before.status, before.comment)


def test_year_to_date_lists_every_activity_of_the_quarters_so_far(cisp):
    report_progress(cisp, "1.1.1", 1, Activity.Status.COMPLETED, "Done.")
    ytd = report_for(cisp, 2, year_to_date=True).activities
    rows = {row.code or row.title: row for row in ytd.rows}
    assert rows["1.1.1"].status == Activity.Status.COMPLETED and not rows["1.1.1"].late
    assert rows["1.1.1"].comment == "Done." and rows["1.1.1"].comment_quarter == 1
    expected = Activity.objects.filter(work_plan=cisp).filter(planned_q1=True) | Activity.objects.filter(
        work_plan=cisp, planned_q2=True
    )
    assert len(rows) == expected.count()


def test_activities_are_grouped_by_output_in_natural_order_with_other_last(cisp):
    groups = report_for(cisp, 4, year_to_date=True).activities.groups
    assert [group.code for group, _rows in groups] == ["1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3", ""]
    codes = [row.code for group, rows in groups if group.code == "2.1" for row in rows]
    assert codes.index("2.1.9") < codes.index("2.1.10")
    assert groups[-1][0].heading == "Other"


def test_activities_by_status_counts_the_listed_activities(cisp):
    report_progress(cisp, "1.1.4", 2, Activity.Status.ONGOING)
    section = report_for(cisp, 2).activities
    counts = {status: count for status, _label, count in section.by_status}
    assert counts["ongoing"] == 1
    assert sum(counts.values()) == len(section.rows)


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_indicator_figures_from_the_factsheet(cisp, quarter):
    indicators = {row.code: row for _outcome, rows in report_for(cisp, quarter).indicators for row in rows}

    people = indicators["I2.2"]
    assert people.latest.value == Decimal("809") and people.latest.women == 540
    assert people.latest.parts == [("Women", 540), ("Men", 269)]
    assert people.in_period is None  # the factsheet's figures are end-of-programme, not Year 1
    assert indicators["I2.3"].latest.parts == [("Indigenous", 809), ("Non-indigenous", 0)]
    sales = indicators["I3.1"]
    assert (sales.latest.value, sales.unit) == (Decimal("18"), "percent")
    assert indicators["I1.3"].latest.value == Decimal("17")
    assert indicators["I3.3.1"].target == Decimal("4") and indicators["I3.3.1"].latest is None


def test_value_in_the_period_and_percent_of_target(cisp):
    indicator = Indicator.objects.get(code="I2.1.1")  # target 10 associations
    IndicatorResult.objects.create(indicator=indicator, as_of=date(2009, 2, 28), period_label="Year 1 Q2", value=4)
    IndicatorResult.objects.create(indicator=indicator, as_of=date(2009, 8, 31), period_label="Year 1 Q4", value=7)

    def row(quarter):
        rows = {r.code: r for _o, rows in report_for(cisp, quarter).indicators for r in rows}
        return rows["I2.1.1"]

    assert row(2).in_period.value == Decimal("4")
    assert row(3).in_period is None
    assert row(4).in_period.value == Decimal("7")
    assert row(2).latest.value == Decimal("7") and row(2).percent_of_target == Decimal("70.0")


def test_the_listed_activities_are_kept_until_what_they_are_read_from_changes(cisp):
    """Read again, a report's activities come from the cache; each change to what they are read from
    gives them read afresh, the same as with nothing in the cache."""

    def listed(year_to_date=False):
        activities = report_for(cisp, 2, year_to_date=year_to_date).activities
        return [(group.code, group.heading, rows) for group, rows in activities.groups], activities.by_status

    def assert_fresh(year_to_date=False):
        cached = listed(year_to_date)
        cache.clear()
        assert cached == listed(year_to_date)
        return cached

    def row(listing, code):
        return next(row for _group, _heading, rows in listing[0] for row in rows if row.code == code)

    assert_fresh()
    report_progress(cisp, "1.1.4", 1, Activity.Status.ONGOING, "Started")  # progress reported for Q1
    assert row(assert_fresh(year_to_date=True), "1.1.4").comment == "Started"  # the year to date's
    assert row(assert_fresh(), "1.1.4").comment == ""  # Q2's own: none yet
    report_progress(cisp, "1.1.4", 2, Activity.Status.COMPLETED, "Done in June")  # and for Q2
    assert (row(assert_fresh(), "1.1.4").status, row(listed(), "1.1.4").comment) == ("completed", "Done in June")
    progress = ActivityProgress.objects.get(activity__work_plan=cisp, activity__code="1.1.4", quarter=2)
    progress.comment = "Done in May"  # and corrected
    progress.save()
    assert row(assert_fresh(), "1.1.4").comment == "Done in May"

    activity = Activity.objects.get(work_plan=cisp, code="1.1.4")
    activity.title = "Renamed activity"  # an activity changed
    activity.save()
    assert row(assert_fresh(), "1.1.4").title == "Renamed activity"

    agency = activity.agency  # an agency, a partner and an output renamed: the rows named anew
    agency.code = f"{agency.code}-2"
    agency.save()
    assert row(assert_fresh(), "1.1.4").agency == agency.code
    partner = activity.responsible_party
    partner.code = f"{partner.code}-2"
    partner.save()
    assert row(assert_fresh(), "1.1.4").responsible_party == partner.code
    output = activity.output
    output.code, output.title = "1.9", "A renamed output"
    output.save()
    assert ("1.9", "JP Output 1.9: A renamed output") in {group[:2] for group in assert_fresh()[0]}

    english = listed()
    with translation.override("km"):  # another language writes the statuses in it
        assert listed()[0] != english[0]
        assert_fresh()
