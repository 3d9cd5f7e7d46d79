"""The CISP data as loaded by `load_cisp`, checked figure by figure against the source documents
in ../shared/seeds/ (the figures below are copied from them, not from the fixtures)."""

import json
from decimal import Decimal
from io import StringIO

from django.apps import apps
from django.core.management import call_command

from budgets.models import BudgetLine
from budgets.selectors import activity_budget, work_plan_budget
from outcomes.models import Indicator, IndicatorResult
from workplan.models import Activity, Agency, Output, Partner, Programme

# "Mgt support" of every activity as printed in the Year-1 work plan.
PRINTED_MGT_SUPPORT = {
    "1.1.1": "65.38", "1.1.2": "261.66", "1.1.3": "327.11", "1.1.4": "1439.27", "1.1.5": "2355.15",
    "1.1.6": "327.11", "1.2.1": "1406.58", "1.2.2": "981.33", "1.2.3": "2489.97", "1.2.4": "2093.42",
    "2.1.1": "2041.13", "2.1.2": "2505.58", "2.1.3": "2485.98", "2.1.4": "1308.44", "2.1.5": "1478.47",
    "2.1.6": "2355.15", "2.1.7": "4186.91", "2.1.8": "261.73", "2.1.9": "2747.64", "2.1.10": "327.11",
    "2.2.1": "942.06", "2.2.2": "1570.10", "2.2.3": "1441.86", "2.2.4": "3630.83", "2.2.6": "1504.65",
    "2.2.7": "2289.70", "2.2.10": "2119.60", "2.2.11": "1831.76", "3.1.1": "2417.17", "3.2.1": "3598.42",
    "3.2.2": "3271.03", "3.3.1": "2027.97", "3.3.4": "255.15",
    "Programme formulation": "1308.44", "Baseline survey": "1308.44",
}  # fmt: skip

# The TOTAL row of the Year-1 work plan.
STATED = {
    "Int personnel": "166260.00", "Nat personnel": "198387.00", "Contracts": "216692.00",
    "Training": "142000.00", "Transport": "8000.00", "Supplies": "44430.00", "Equipment": "80000.00",
    "Travel": "51800.00", "Miscellaneous": "28741.00", "Mgt support": "65541.70", "Total": "1001851.70",
}  # fmt: skip

# What the listed activities add up to, category by category (summed by hand from the source).
LISTED = {
    "Int personnel": "166260.00", "Nat personnel": "182267.00", "Contracts": "174892.00",
    "Training": "142000.00", "Transport": "8000.00", "Supplies": "44430.00", "Equipment": "80000.00",
    "Travel": "46100.00", "Miscellaneous": "26941.00", "Mgt support": "60962.30", "Total": "931852.30",
}  # fmt: skip


def decimals(mapping):
    return {key: Decimal(value) for key, value in mapping.items()}


def test_each_activity_mgt_support_equals_the_printed_figure(cisp):
    activities = Activity.objects.filter(work_plan=cisp).prefetch_related("budget_lines")
    computed = {activity.code or activity.title: activity_budget(activity).indirect for activity in activities}
    # One comparison of all 35, so a failure lists every activity that differs.
    assert computed == decimals(PRINTED_MGT_SUPPORT)


def test_the_whole_year_one_work_plan_is_loaded(cisp):
    activities = Activity.objects.filter(work_plan=cisp)
    assert activities.count() == len(PRINTED_MGT_SUPPORT) == 35
    assert set(Agency.objects.values_list("code", flat=True)) == {"UNESCO", "ILO", "FAO", "UNDP"}
    assert set(Partner.objects.values_list("code", flat=True)) == {"MoCFA", "MIME", "MAFF", "MoC"}
    assert list(Output.objects.values_list("code", flat=True)) == ["1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3"]
    others = activities.filter(output__isnull=True)
    assert sorted(others.values_list("title", flat=True)) == ["Baseline survey", "Programme formulation"]
    assert all(activity.agency.code == "ILO" and activity.responsible_party is None for activity in others)


def test_output_3_2_title_is_marked_unknown_not_invented(cisp):
    output = Output.objects.get(code="3.2")
    assert output.title == ""
    assert "unknown" in output.display_title.lower()


def test_activity_details_follow_the_source(cisp):
    activity = Activity.objects.get(work_plan=cisp, code="2.1.7")
    assert activity.annual_target.startswith("Producer group leaders visit major market areas")
    assert activity.planned_quarters == [4]
    assert (activity.agency.code, activity.responsible_party.code) == ("FAO", "MAFF")
    lines = {line.category.name: line.amount for line in activity.budget_lines.select_related("category")}
    assert lines == decimals(
        {"Int personnel": "1820", "Nat personnel": "25213", "Contracts": "17000", "Training": "3000",
         "Equipment": "10000", "Travel": "1800", "Miscellaneous": "980"}
    )  # fmt: skip
    assert Activity.objects.get(work_plan=cisp, code="1.1.4").planned_quarters == [2, 3, 4]
    wrapped = Activity.objects.get(work_plan=cisp, code="1.1.2").implementation_comment
    assert "Working partners within have been identified" in wrapped
    assert set(BudgetLine.objects.values_list("source__code", flat=True)) == {"MDG-F"}


def test_listed_activities_and_stated_totals_and_their_difference(cisp):
    budget = work_plan_budget(cisp)

    assert budget.listed_by_line == decimals(LISTED)
    assert budget.stated == decimals(STATED)
    assert budget.difference == {label: Decimal(STATED[label]) - Decimal(LISTED[label]) for label in STATED}
    # The missing page held Nat personnel, Contracts, Travel and Miscellaneous lines only.
    assert {label for label, amount in budget.difference.items() if amount} == {
        "Nat personnel", "Contracts", "Travel", "Miscellaneous", "Mgt support", "Total",
    }  # fmt: skip


def test_budget_summary_json(cisp):
    out = StringIO()
    call_command("budget_summary", "--year", "1", "--json", stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])

    assert summary["by_category"] == {label: LISTED[label] for label in [*LISTED][:-1]}
    assert summary["indirect"] == "60962.30"
    assert summary["total"] == "931852.30"
    assert summary["stated"] == STATED
    assert summary["difference"]["Contracts"] == "41800.00"
    assert summary["difference"]["Total"] == "69999.40"
    assert summary["by_agency"] == {
        "FAO": "264399.14", "ILO": "311040.44", "UNDP": "141952.62", "UNESCO": "214460.10",
    }  # fmt: skip
    assert summary["by_output"]["Other"] == "40000.88"  # Programme formulation + Baseline survey
    assert list(summary["by_output"]) == ["1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3", "Other"]
    assert sum(Decimal(v) for v in summary["by_output"].values()) == Decimal(summary["total"])
    assert sum(Decimal(v) for v in summary["by_agency"].values()) == Decimal(summary["total"])


def test_budget_summary_table_shows_the_difference(cisp):
    out = StringIO()
    call_command("budget_summary", "--year", "1", stdout=out)
    text = out.getvalue()
    assert "1,001,851.70" in text and "931,852.30" in text and "69,999.40" in text


def test_programme_key_figures(cisp):
    programme = Programme.objects.get(mptf_project_id="00067193")
    assert programme.code == "MDGF-1838-G-KHM"
    assert programme.net_funded_amount == Decimal("3298053.00")
    assert programme.indirect_cost_rate == Decimal("0.07")


def test_end_of_programme_results(cisp):
    def result(code):
        return IndicatorResult.objects.get(indicator__code=code)

    people = result("I2.2")
    assert (people.value, people.women, people.men) == (Decimal("809"), 540, 269)
    trained_indigenous = result("I2.3")
    assert (trained_indigenous.indigenous, trained_indigenous.non_indigenous) == (809, 0)
    assert result("I2.1").value == Decimal("63")
    assert result("I2.4").value == Decimal("321") and result("I2.5").value == Decimal("59")
    assert result("I2.6").value == Decimal("715")
    assert (result("I2.7").value, result("I2.8").value) == (Decimal("69"), Decimal("92"))
    assert result("I3.1").value == Decimal("18") and result("I3.1").indicator.unit == Indicator.Unit.PERCENT
    assert result("I1.3").value == Decimal("17")  # Living Human Treasures
    assert result("I1.5").value == Decimal("2")  # cultural centres
    assert result("I1.6").value == Decimal("4")  # publications
    assert Indicator.objects.get(code="I3.3.1").target == Decimal("4")  # Seal of Excellence, Year-1 target


def test_indicators_of_people_are_set_up_for_the_parts_the_sources_give(cisp):
    """The sources count women among the producer groups' members (540 of 809) and give women's shares
    of the people trained (59% of 321, 69% of 715; 92% of the 715 indigenous): those indicators take
    their parts, and the shares stay the percent indicators they are in the sources."""
    by_sex = set(Indicator.objects.filter(disaggregated_by_sex=True).values_list("code", flat=True))
    by_indigenous_status = set(
        Indicator.objects.filter(disaggregated_by_indigenous_status=True).values_list("code", flat=True)
    )
    assert by_sex == {"I2.2", "I2.4", "I2.6"}
    assert by_indigenous_status == {"I2.3", "I2.6"}


def test_every_loaded_record_passes_validation(cisp):
    for app_label in ("workplan", "budgets", "outcomes"):
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for record in model.objects.all():
                record.full_clean()


def test_loading_twice_changes_nothing(cisp):
    def snapshot():
        out = StringIO()
        call_command("dumpdata", "workplan", "budgets", "outcomes", "--natural-foreign", stdout=out)
        return out.getvalue()

    before = snapshot()
    call_command("load_cisp", verbosity=0)
    assert snapshot() == before


def test_each_loaded_activity_and_budget_line_is_recorded_once_in_the_history(cisp):
    """So that the first change to one can say what it was before (loaddata writes no history)."""
    for model in (Activity, BudgetLine):
        loaded = model.history.filter(history_type="+", history_change_reason="Loaded from the CISP source documents")
        assert loaded.count() == model.objects.count() == model.history.count()
    call_command("load_cisp", verbosity=0)
    assert Activity.history.count() == Activity.objects.count()
