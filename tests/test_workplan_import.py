from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from budgets.models import BudgetCategory, BudgetLine, FundingSource
from exchange.import_plan import CHANGED, CREATED
from exchange.services import import_work_plan
from exchange.workplan_import import plan_work_plan_import
from tests.factories import make_activity, make_budget_line, make_member
from tests.workbooks import (
    AGENCY,
    COMMENTS,
    CONTRACTS,
    INT_PERSONNEL,
    MGT_SUPPORT,
    PARTNER,
    Q1,
    SOURCE,
    database_dump,
    editable,
    exported,
    row_of,
    saved,
    sheet_data,
)
from workplan.models import Activity
from workplan.permissions import Role


def test_export_import_export_gives_the_same_workbook_and_leaves_the_database_alone(cisp):
    before = database_dump()
    first = exported(cisp)
    plan = plan_work_plan_import(work_plan=cisp, data=first)
    assert plan.is_valid, [str(problem) for problem in plan.problems]
    assert plan.warnings == []
    assert len(plan.activities) == Activity.objects.filter(work_plan=cisp).count() == 35
    assert {planned.action for planned in plan.activities} == {"unchanged"}
    summary = import_work_plan(plan=plan)
    assert (summary.created, summary.changed, summary.unchanged) == (0, 0, 35)
    assert database_dump() == before
    assert sheet_data(exported(cisp)) == sheet_data(first)


def test_uncoded_activities_are_matched_by_title(cisp, cisp_workbook):
    plan = plan_work_plan_import(work_plan=cisp, data=cisp_workbook)
    uncoded = {planned.values["title"]: planned.existing for planned in plan.activities if not planned.code}
    assert set(uncoded) == {"Programme formulation", "Baseline survey"}
    assert all(activity is not None for activity in uncoded.values())


def test_an_edited_workbook_changes_creates_and_records_history_with_the_user(cisp, cisp_workbook):
    coordinator = make_member("coordinator", "00067193", Role.COORDINATOR)
    workbook = editable(cisp_workbook)
    sheet = workbook["Work plan"]
    row = row_of(sheet, "1.1.1")
    sheet[f"{CONTRACTS}{row}"] = "1,234.50"
    sheet[f"{INT_PERSONNEL}{row}"] = None
    sheet[f"{Q1}{row}"] = None
    sheet[f"{MGT_SUPPORT}{row}"] = 1  # typed over the formula: a warning, not trusted
    sheet.insert_rows(row + 1)
    new = row + 1
    for column, value in {"B": "1.1.99", "C": " A new activity ", "E": "X", "F": "✓", AGENCY: "unesco",
                          PARTNER: "Ministry of Culture and Fine Arts", "J": "mdg-f", INT_PERSONNEL: 1000,
                          CONTRACTS: 99.99, "A": "=1+1", COMMENTS: "Started"}.items():  # fmt: skip
        sheet[f"{column}{new}"] = value
    sheet[f"A{new}"].data_type = "s"  # text that looks like a formula
    plan = plan_work_plan_import(work_plan=cisp, data=saved(workbook), user=coordinator)
    assert plan.is_valid, [str(problem) for problem in plan.problems]
    assert [planned.code for planned in plan.with_action(CHANGED)] == ["1.1.1"]
    assert [planned.code for planned in plan.with_action(CREATED)] == ["1.1.99"]
    assert any("Mgt support is computed as 116.80" in str(warning) for warning in plan.warnings)
    # The state of implementation is reported each quarter on the activity's page, not imported.
    assert any(f"row {new}, column V" in str(w) and "was not imported" in str(w) for w in plan.warnings)
    version = Activity.objects.get(work_plan=cisp, code="1.1.1").version

    import_work_plan(plan=plan, user=coordinator)

    changed = Activity.objects.get(work_plan=cisp, code="1.1.1")
    assert changed.version == version + 1
    assert changed.planned_quarters == []
    lines = {line.category.code: line.amount for line in changed.budget_lines.all()}
    assert lines == {"nat-personnel": Decimal("434.00"), "contracts": Decimal("1234.50")}
    created = Activity.objects.get(work_plan=cisp, code="1.1.99")
    assert created.title == "A new activity"
    assert created.planned_quarters == [2, 3]
    assert created.agency.code == "UNESCO" and created.responsible_party.code == "MoCFA"
    assert created.annual_target == "=1+1"
    assert created.implementation_comment == ""
    assert created.output.code == "1.1"
    assert created.sort_key < Activity.objects.get(work_plan=cisp, code="1.2.1").sort_key
    assert {line.amount for line in created.budget_lines.all()} == {Decimal("1000.00"), Decimal("99.99")}
    # History: who, and why, for the activity and each line written or deleted.
    assert changed.history.first().history_user == coordinator
    assert changed.history.first().history_change_reason == "Imported from Excel"
    assert created.history.get().history_type == "+"
    deleted = BudgetLine.history.filter(activity_id=changed.pk, category__code="int-personnel", history_type="-")
    assert deleted.get().history_user == coordinator
    assert BudgetLine.history.filter(activity_id=created.pk, history_user=coordinator).count() == 2


def test_a_second_import_of_the_edited_workbook_changes_nothing(cisp, cisp_workbook):
    workbook = editable(cisp_workbook)
    sheet = workbook["Work plan"]
    sheet[f"{CONTRACTS}{row_of(sheet, '2.1.1')}"] = 2500
    data = saved(workbook)
    import_work_plan(plan=plan_work_plan_import(work_plan=cisp, data=data))
    again = plan_work_plan_import(work_plan=cisp, data=data)
    assert {planned.action for planned in again.activities} == {"unchanged"}


@pytest.fixture
def unesco_focal_point(cisp):
    return make_member("unesco", "00067193", Role.FOCAL_POINT, "UNESCO")


def test_a_focal_point_imports_their_agency_rows_and_may_leave_others_untouched(
    cisp, cisp_workbook, unesco_focal_point
):
    workbook = editable(cisp_workbook)
    sheet = workbook["Work plan"]
    sheet[f"{CONTRACTS}{row_of(sheet, '1.1.1')}"] = 10  # UNESCO
    plan = plan_work_plan_import(work_plan=cisp, data=saved(workbook), user=unesco_focal_point)
    assert plan.is_valid, [str(problem) for problem in plan.problems]


def test_a_focal_point_may_not_change_another_agency_rows(cisp, cisp_workbook, unesco_focal_point):
    before = database_dump()
    workbook = editable(cisp_workbook)
    sheet = workbook["Work plan"]
    ilo_row = row_of(sheet, "2.1.1")
    sheet[f"{CONTRACTS}{ilo_row}"] = 10
    moved_row = row_of(sheet, "1.1.2")
    sheet[f"{AGENCY}{moved_row}"] = "FAO"  # a UNESCO activity given away
    plan = plan_work_plan_import(work_plan=cisp, data=saved(workbook), user=unesco_focal_point)
    assert [problem.row for problem in plan.problems] == [moved_row, ilo_row]
    assert all("only activities of UNESCO" in str(problem) for problem in plan.problems)
    assert database_dump() == before


def test_import_workplan_command_dry_run_writes_nothing_and_checks_the_user(
    cisp, cisp_workbook, tmp_path, unesco_focal_point
):
    workbook = editable(cisp_workbook)
    sheet = workbook["Work plan"]
    sheet[f"{CONTRACTS}{row_of(sheet, '2.1.1')}"] = 1  # an ILO activity
    path = tmp_path / "plan.xlsx"
    path.write_bytes(saved(workbook))
    before = database_dump()
    out = StringIO()
    call_command("import_workplan", str(path), "--year", "1", "--dry-run", stdout=out)
    assert "changed: 2.1.1" in out.getvalue() and "nothing written" in out.getvalue()
    assert database_dump() == before
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_workplan", str(path), "--year", "1", "--user", "unesco", stderr=StringIO())
    User.objects.create_user("nobody")
    with pytest.raises(CommandError, match="nobody may not import work plans"):
        call_command("import_workplan", str(path), "--year", "1", "--user", "nobody")
    call_command("import_workplan", str(path), "--year", "1", stdout=StringIO())
    assert database_dump() != before


@pytest.fixture
def two_sources(cisp):
    """Activity 1.1.1 (UNESCO; MDG-F int personnel 500 and nat personnel 434) also funded by
    the government: contracts 1,000.00 and travel 250.50."""
    government = FundingSource.objects.create(code="RGC", name="Royal Government of Cambodia")
    activity = Activity.objects.get(work_plan=cisp, code="1.1.1")
    for code, amount in [("contracts", "1000.00"), ("travel", "250.50")]:
        BudgetLine.objects.create(
            activity=activity,
            category=BudgetCategory.objects.get(programme=cisp.programme, code=code),
            source=government,
            amount=Decimal(amount),
        )
    return activity


def test_an_activity_with_two_sources_goes_out_on_two_rows_and_comes_back_unchanged(cisp, two_sources):
    before = database_dump()
    first = exported(cisp)
    sheet = editable(first)["Work plan"]
    row = row_of(sheet, "1.1.1")
    assert [sheet[f"{SOURCE}{row}"].value, sheet[f"{SOURCE}{row + 1}"].value] == ["MDG-F", "RGC"]
    assert sheet[f"B{row + 1}"].value == "1.1.1" and sheet[f"{CONTRACTS}{row + 1}"].value == 1000
    # One Mgt support for the activity, on its direct total over both rows.
    assert sheet[f"{MGT_SUPPORT}{row}"].value == f"=ROUND(SUM(K{row}:S{row + 1})*0.07,2)"
    assert sheet[f"{MGT_SUPPORT}{row + 1}"].value is None

    plan = plan_work_plan_import(work_plan=cisp, data=first)
    assert plan.is_valid, [str(problem) for problem in plan.problems]
    assert plan.warnings == []
    assert {planned.action for planned in plan.activities} == {"unchanged"}
    import_work_plan(plan=plan)
    assert database_dump() == before
    assert sheet_data(exported(cisp)) == sheet_data(first)


def test_a_change_on_the_second_source_row_changes_that_source_line_only(cisp, two_sources):
    workbook = editable(exported(cisp))
    sheet = workbook["Work plan"]
    sheet[f"{CONTRACTS}{row_of(sheet, '1.1.1') + 1}"] = "1,200"
    sheet[f"{MGT_SUPPORT}{row_of(sheet, '1.1.1') + 1}"] = 84.0  # 7% of the RGC row alone: a warning
    plan = plan_work_plan_import(work_plan=cisp, data=saved(workbook))
    assert plan.is_valid, [str(problem) for problem in plan.problems]
    (changed,) = plan.with_action(CHANGED)
    assert changed.changes == [("Contracts (RGC)", "1,000.00", "1,200.00")]
    assert [str(warning) for warning in plan.warnings] == [
        f'sheet "Work plan", row {row_of(sheet, "1.1.1") + 1}, column T (Mgt support), value “84”: '
        "Mgt support is computed as 166.92 (the rule on the direct amounts), not the typed figure."
    ]
    import_work_plan(plan=plan)
    lines = {(line.source.code, line.category.code): line.amount for line in two_sources.budget_lines.all()}
    assert lines == {
        ("MDG-F", "int-personnel"): Decimal("500.00"),
        ("MDG-F", "nat-personnel"): Decimal("434.00"),
        ("RGC", "contracts"): Decimal("1200.00"),
        ("RGC", "travel"): Decimal("250.50"),
    }


def test_rows_of_one_activity_that_disagree_are_refused(cisp, two_sources):
    before = database_dump()
    workbook = editable(exported(cisp))
    sheet = workbook["Work plan"]
    second = row_of(sheet, "1.1.1") + 1
    sheet[f"{AGENCY}{second}"] = "ILO"
    sheet[f"{SOURCE}{second}"] = "MDG-F"
    plan = plan_work_plan_import(work_plan=cisp, data=saved(workbook))
    assert [str(problem) for problem in plan.problems] == [
        f'sheet "Work plan", row {second}, column B (Activity code), value “1.1.1”: '
        f"The activity code 1.1.1 is also on row {second - 1}, with the same source of funds."
    ]
    sheet[f"{SOURCE}{second}"] = "RGC"
    plan = plan_work_plan_import(work_plan=cisp, data=saved(workbook))
    assert [str(problem) for problem in plan.problems] == [
        f'sheet "Work plan", row {second}, column H (UN agency), value “ILO”: This row is another source of funds '
        f"of the activity on row {second - 1}, but its UN agency differs; make the rows of one activity agree."
    ]
    assert database_dump() == before


def test_applying_an_import_runs_as_many_queries_for_200_more_activities(cisp, django_assert_max_num_queries):
    def every_target_and_contracts_set_to(target: str, contracts: int) -> bytes:
        workbook = editable(exported(cisp))
        sheet = workbook["Work plan"]
        for row in range(4, sheet.max_row + 1):
            if sheet[f"{AGENCY}{row}"].value:  # an activity's row, not an output's or the TOTAL
                sheet[f"A{row}"] = target
                sheet[f"{CONTRACTS}{row}"] = contracts
        return saved(workbook)

    plan = plan_work_plan_import(work_plan=cisp, data=every_target_and_contracts_set_to("Revised", 10))
    assert len(plan.with_action(CHANGED)) == 35
    with django_assert_max_num_queries(30) as small:
        import_work_plan(plan=plan)
    for n in range(200):
        make_budget_line(make_activity(cisp, f"1.1.{100 + n}"), "100.00")
    plan = plan_work_plan_import(work_plan=cisp, data=every_target_and_contracts_set_to("Revised again", 20))
    assert len(plan.with_action(CHANGED)) == 235
    with django_assert_max_num_queries(len(small.captured_queries)):
        import_work_plan(plan=plan)


def test_a_source_row_moved_elsewhere_or_deleted_is_read_as_people_expect(cisp, two_sources):
    workbook = editable(exported(cisp))
    sheet = workbook["Work plan"]
    first = row_of(sheet, "1.1.1")
    # Mgt support typed on each row, adding up to the activity's: no warning.
    sheet[f"{MGT_SUPPORT}{first}"] = 65.38
    sheet[f"{MGT_SUPPORT}{first + 1}"] = 87.54
    # The government row moved to the end of output 1.1, after other activities.
    sheet.move_range(f"A{first + 1}:V{first + 1}", rows=row_of(sheet, "1.1.3") - first, translate=False)
    sheet.delete_rows(first + 1)
    plan = plan_work_plan_import(work_plan=cisp, data=saved(workbook))
    assert plan.is_valid, [str(problem) for problem in plan.problems]
    assert plan.warnings == []
    assert {planned.action for planned in plan.activities} == {"unchanged"}

    sheet.delete_rows(row_of(sheet, "1.1.3") + 1)  # the government row, now after 1.1.3
    plan = plan_work_plan_import(work_plan=cisp, data=saved(workbook))
    (changed,) = plan.with_action(CHANGED)
    assert changed.changes == [("Contracts (RGC)", "1,000.00", "-"), ("Travel (RGC)", "250.50", "-")]
    import_work_plan(plan=plan)
    assert {line.source.code for line in two_sources.budget_lines.all()} == {"MDG-F"}
