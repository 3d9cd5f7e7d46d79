"""Year 2's work plan is created from Year 1, carrying over the activities a coordinator picks, each linked to
the one it continues; Year 1 is left as it was. Pages, reports and workbooks then show either year."""

from datetime import date
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from budgets.models import BudgetLine
from budgets.money import format_money
from budgets.selectors import work_plan_budget
from budgets.services import NextYearError, create_next_year
from tests.factories import make_activity, make_member, make_programme, make_work_plan
from workplan.models import Activity, ActivityProgress, Membership, WorkPlan

Role = Membership.Role


def year_one_as_it_stands(work_plan):
    """Everything of Year 1 a carry-over could touch: its fields, its activities (versions included), their
    budget lines, progress and history."""
    activities = Activity.objects.filter(work_plan=work_plan).order_by("pk")
    return {
        "work_plan": model_to_dict(WorkPlan.objects.get(pk=work_plan.pk)),
        "activities": [model_to_dict(activity) | {"version": activity.version} for activity in activities],
        "lines": list(BudgetLine.objects.filter(activity__work_plan=work_plan).order_by("pk").values()),
        "progress": list(ActivityProgress.objects.filter(activity__work_plan=work_plan).values()),
        "activity_history": Activity.history.filter(work_plan_id=work_plan.pk).count(),
        "line_history": BudgetLine.history.filter(activity__work_plan=work_plan).count(),
    }


@pytest.fixture
def finished(cisp):
    """Two of CISP's activities over: 1.1.1 completed, 1.1.2 cancelled."""
    Activity.objects.filter(work_plan=cisp, code="1.1.1").update(status=Activity.Status.COMPLETED)
    Activity.objects.filter(work_plan=cisp, code="1.1.2").update(status=Activity.Status.CANCELLED)


def test_the_command_carries_over_the_open_activities_and_leaves_year_one_unchanged(cisp, finished):
    Activity.objects.filter(work_plan=cisp, code="2.1.3").update(implementation_comment="Half done", planned_q3=True)
    before = year_one_as_it_stands(cisp)
    out = StringIO()

    call_command("create_next_year", "--year", "1", "--programme", "00067193", stdout=out)

    assert "Work plan year 2 created, in draft, with 33 activities carried over." in out.getvalue()
    assert year_one_as_it_stands(cisp) == before
    year_two = WorkPlan.objects.get(programme=cisp.programme, year=2)
    assert (year_two.status, year_two.period_start, year_two.period_end) == (
        WorkPlan.Status.DRAFT,
        date(2009, 9, 10),
        date(2010, 9, 9),
    )
    carried = {
        activity.code or activity.title: activity for activity in year_two.activities.select_related("continues")
    }
    assert "1.1.1" not in carried and "1.1.2" not in carried
    assert len(carried) == 33
    copy = carried["2.1.3"]
    original = copy.continues
    assert (original.work_plan_id, original.code) == (cisp.pk, "2.1.3")
    kept = ["code", "title", "output_id", "agency_id", "responsible_party_id", "annual_target"]
    assert [getattr(copy, name) for name in kept] == [getattr(original, name) for name in kept]
    assert copy.planned_quarters == [] and copy.status == Activity.Status.PLANNED
    assert copy.implementation_comment == "" and copy.version == 1
    created = copy.history.get()
    assert (created.history_type, created.history_change_reason) == (
        "+",
        "Carried over from the previous year's work plan",
    )
    assert not BudgetLine.objects.filter(activity__work_plan=year_two).exists()
    assert carried["Programme formulation"].continues.title == "Programme formulation"  # outside any output


def test_named_activities_with_their_budget_lines(cisp):
    call_command(
        "create_next_year",
        "--year",
        "1",
        "--programme",
        "00067193",
        "--activities",
        "1.1.1, 2.1.10",
        "--with-budget-lines",
    )

    year_two = WorkPlan.objects.get(programme=cisp.programme, year=2)
    assert sorted(year_two.activities.values_list("code", flat=True)) == ["1.1.1", "2.1.10"]

    def lines(work_plan, code):
        return sorted(
            BudgetLine.objects.filter(activity__work_plan=work_plan, activity__code=code).values_list(
                "category_id", "source_id", "amount"
            )
        )

    assert lines(year_two, "1.1.1") == lines(cisp, "1.1.1") != []
    assert lines(year_two, "2.1.10") == lines(cisp, "2.1.10") != []
    # The copies are new lines of Year 2, each recorded in its history as created.
    assert BudgetLine.history.filter(activity__work_plan=year_two, history_type="+").count() == len(
        lines(year_two, "1.1.1") + lines(year_two, "2.1.10")
    )


def test_the_next_year_is_not_created_twice(cisp):
    call_command("create_next_year", "--year", "1", "--programme", "00067193", "--activities", "1.1.1")
    before = year_one_as_it_stands(WorkPlan.objects.get(programme=cisp.programme, year=2))

    with pytest.raises(CommandError, match=r"The work plan of year 2 already exists: nothing was created\."):
        call_command("create_next_year", "--year", "1", "--programme", "00067193")

    assert year_one_as_it_stands(WorkPlan.objects.get(programme=cisp.programme, year=2)) == before


def test_unknown_activity_codes_are_refused_by_name(cisp):
    with pytest.raises(
        CommandError, match=r"Not activities of work plan year 1: 9\.9\.9, 1\.1\.99\. Nothing was created\."
    ):
        call_command("create_next_year", "--year", "1", "--programme", "00067193", "--activities", "1.1.1,9.9.9,1.1.99")
    assert not WorkPlan.objects.filter(programme=cisp.programme, year=2).exists()


def test_another_programmes_activities_are_refused(cisp):
    elsewhere = make_activity(make_work_plan(make_programme()), "1.1.1")

    with pytest.raises(NextYearError, match=r"Not in Work plan year 1: 1\.1\.1 Activity 1\.1\.1\."):
        create_next_year(work_plan=cisp, activities=[elsewhere], user=None)
    assert not WorkPlan.objects.filter(programme=cisp.programme, year=2).exists()


def test_the_coordinator_picks_the_activities_on_a_page(client_for, users, cisp, finished):
    client = client_for(users["coordinator"])
    url = reverse("budgets:next_year", args=["00067193", 1])
    page = client.get(url).content.decode()
    completed = Activity.objects.get(work_plan=cisp, code="1.1.1")
    open_one = Activity.objects.get(work_plan=cisp, code="1.2.1")
    assert f'value="{open_one.pk}" id="id_activities_' in page
    assert page.count("checked") == 33  # the open ones ticked, the completed and the cancelled not

    response = client.post(url, {"activities": [completed.pk, open_one.pk], "with_budget_lines": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("workplan:work_plan", args=["00067193", 2])
    year_two = WorkPlan.objects.get(programme=cisp.programme, year=2)
    assert sorted(year_two.activities.values_list("code", flat=True)) == ["1.1.1", "1.2.1"]
    assert BudgetLine.objects.filter(activity__work_plan=year_two).exists()
    again = client.post(url, {"activities": [open_one.pk]})
    assert again.status_code == 400
    assert "already exists" in again.content.decode()


def test_only_coordinators_plan_the_next_year(client_for, users, cisp):
    url = reverse("budgets:next_year", args=["00067193", 1])
    for role in ("unesco", "pmc"):
        client = client_for(users[role])
        assert client.get(url).status_code == 403
        assert client.post(url, {"activities": []}).status_code == 403
    assert not WorkPlan.objects.filter(programme=cisp.programme, year=2).exists()


def test_another_programmes_coordinator_gets_404(client, cisp, demo):
    client.force_login(make_member("outsider", demo.programme, Role.COORDINATOR))

    assert client.post(reverse("budgets:next_year", args=["00067193", 1]), {"activities": []}).status_code == 404
    assert not WorkPlan.objects.filter(programme=cisp.programme, year=2).exists()


@pytest.fixture
def year_two(cisp):
    call_command(
        "create_next_year",
        "--year",
        "1",
        "--programme",
        "00067193",
        "--activities",
        "1.1.1,2.1.3",
        "--with-budget-lines",
    )
    return WorkPlan.objects.select_related("programme").get(programme=cisp.programme, year=2)


def test_the_activity_pages_link_the_years(client_for, users, cisp, year_two):
    client = client_for(users["pmc"])
    first = Activity.objects.get(work_plan=cisp, code="2.1.3")
    second = Activity.objects.get(work_plan=year_two, code="2.1.3")

    earlier = client.get(first.get_absolute_url()).content.decode()
    later = client.get(second.get_absolute_url()).content.decode()

    assert "Continued by" in earlier and second.get_absolute_url() in earlier and "Year 2" in earlier
    assert "Continues" in later and first.get_absolute_url() in later and "Year 1" in later


def test_every_page_offers_either_year_and_shows_year_two(client_for, users, cisp, year_two):
    client = client_for(users["coordinator"])

    work_plan_page = client.get(reverse("workplan:work_plan", args=["00067193", 2])).content.decode()
    assert "2 activities" in work_plan_page and "2.1.3" in work_plan_page
    assert reverse("workplan:work_plan", args=["00067193", 1]) in work_plan_page
    assert client.get(reverse("workplan:work_plan_latest", args=["00067193"]))["Location"].endswith("/work-plans/2/")

    dashboard = client.get(reverse("dashboard", args=["00067193"])).content.decode()
    assert "Showing year 2" in dashboard and "?year=1" in dashboard
    assert format_money(work_plan_budget(year_two).listed.total) in dashboard
    year_one = client.get(reverse("dashboard", args=["00067193"]), {"year": "1"}).content.decode()
    assert "Showing year 1" in year_one and "931,852.30" in year_one
    assert client.get(reverse("dashboard", args=["00067193"]), {"year": "7"}).status_code == 404

    reports = client.get(reverse("reports:index", args=["00067193"])).content.decode()
    assert reverse("reports:quarter", args=["00067193", 2, 1]) in reports
    report = client.get(reverse("reports:quarter", args=["00067193", 2, 1]))
    # No activity of Year 2 is planned in a quarter yet: the report lists none, and budgets the two.
    assert (
        report.status_code == 200 and format_money(work_plan_budget(year_two).listed.total) in report.content.decode()
    )

    workbook = client.get(reverse("exchange:export", args=["00067193", 2]))
    assert workbook.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(workbook.streaming_content if workbook.streaming else [workbook.content])))
    codes = {cell for row in sheet.worksheets[0].iter_rows(values_only=True) for cell in row}
    assert {"1.1.1", "2.1.3"} <= codes and "1.2.1" not in codes

    revisions = client.get(reverse("budgets:revisions", args=["00067193", 2])).content.decode()
    assert "not approved yet" in revisions


def test_the_work_plan_page_links_to_the_budget_revisions_and_to_planning_the_next_year(client_for, users, cisp):
    year_one = reverse("workplan:work_plan", args=["00067193", 1])
    next_year = reverse("budgets:next_year", args=["00067193", 1])
    revisions = reverse("budgets:revisions", args=["00067193", 1])

    coordinator_page = client_for(users["coordinator"]).get(year_one).content.decode()
    assert next_year in coordinator_page and revisions in coordinator_page
    focal_point_page = client_for(users["unesco"]).get(year_one).content.decode()
    assert next_year not in focal_point_page and revisions in focal_point_page

    call_command("create_next_year", "--year", "1", "--programme", "00067193", "--activities", "1.1.1")
    assert next_year not in client_for(users["coordinator"]).get(year_one).content.decode()


def test_the_next_year_page_runs_the_same_queries_whatever_the_activities(client_for, users, cisp):
    client = client_for(users["coordinator"])
    url = reverse("budgets:next_year", args=["00067193", 1])
    client.get(url)  # the session and the user, read once

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for number in range(20, 40):
        make_activity(cisp, f"3.3.{number}")
    assert queries() == before
