"""The history people read on an activity's page and on a quarter's report page: who, when, what
(field labels in the reader's language, each value before and after, amounts to the cent) and why."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.services import remember_language
from budgets.models import BudgetCategory, FundingSource
from budgets.services import set_activity_budget
from exchange.services import import_work_plan
from exchange.workplan_import import plan_work_plan_import
from tests.factories import report_quarter
from tests.workbooks import CONTRACTS, Q1, editable, row_of, saved
from workplan.models import Activity, Agency
from workplan.reporting import accept_submission, reopen, send_back, submit_quarter
from workplan.selectors import NO_VALUE
from workplan.services import report_progress


@pytest.fixture
def activity(cisp):
    return Activity.objects.get(work_plan=cisp, code="1.1.1")  # UNESCO, Q1; Int 500, Nat 434


def history_of(page: str) -> str:
    """The page's history lists as text, spaces collapsed."""
    lists = re.findall(r'<ol class="history"[^>]*>(.*?)</ol>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", " ".join(lists)))


def report(activity, user, quarter=1, status="ongoing", comment="Call for proposals out."):
    activity.refresh_from_db()
    report_progress(
        activity=activity, quarter=quarter, status=status, comment=comment, user=user, seen_version=activity.version
    )


def test_a_progress_report_reads_as_labels_with_before_and_after_and_its_reason(client_for, users, activity):
    report(activity, users["unesco"])
    history = history_of(client_for(users["pmc"]).get(activity.get_absolute_url()).content.decode())
    assert "Status: Planned → Ongoing" in history
    assert f"State of implementation: {NO_VALUE} → Call for proposals out." in history
    assert "Q1 progress created (Quarterly progress reported)" in history
    assert "alice" in history and "implementation_comment" not in history


def test_a_budget_revision_names_the_line_and_both_amounts(client_for, users, activity):
    personnel = BudgetCategory.objects.get(programme=activity.work_plan.programme, code="int-personnel")
    set_activity_budget(
        activity=activity,
        source=FundingSource.objects.get(code="MDG-F"),
        amounts={personnel: Decimal("1234.50")},
        user=users["unesco"],
        seen_version=activity.version,
    )
    page = client_for(users["pmc"]).get(activity.get_absolute_url()).content.decode()
    assert f"{personnel} (MDG-F): 500.00 → 1,234.50" in history_of(page)
    assert "(Budget revised)" in history_of(page)


def test_an_import_shows_each_change_with_its_reason(client_for, users, cisp, cisp_workbook, activity):
    workbook = editable(cisp_workbook)
    sheet = workbook["Work plan"]
    row = row_of(sheet, "1.1.1")
    sheet[f"{Q1}{row}"] = None
    sheet[f"{CONTRACTS}{row}"] = "1,000"
    plan = plan_work_plan_import(work_plan=cisp, data=saved(workbook), user=users["coordinator"])
    import_work_plan(plan=plan, user=users["coordinator"])

    history = history_of(client_for(users["pmc"]).get(activity.get_absolute_url()).content.decode())
    assert "carol: changed (Imported from Excel) Q1: yes → no" in history
    contracts = BudgetCategory.objects.get(programme=cisp.programme, code="contracts")
    assert f"carol: created (Imported from Excel) {contracts} (MDG-F): {NO_VALUE} → 1,000.00" in history


def test_the_history_is_in_the_readers_language(client_for, users, activity):
    report(activity, users["unesco"])
    remember_language(user=users["pmc"], language="km")
    client = client_for(users["pmc"])
    client.get(reverse("home"))  # the profile's language is applied from the next page on
    with translation.override("km"):
        label = str(Activity._meta.get_field("implementation_comment").verbose_name)
        reason = gettext("Quarterly progress reported")
    history = history_of(client.get(activity.get_absolute_url()).content.decode())
    assert f"{label}: {NO_VALUE} → Call for proposals out." in history and reason in history


def test_the_activity_page_reads_its_history_in_a_constant_number_of_queries(
    client_for, users, activity, django_assert_num_queries
):
    client, url = client_for(users["pmc"]), activity.get_absolute_url()
    report(activity, users["unesco"])
    client.get(url)
    with CaptureQueriesContext(connection) as one_change:
        client.get(url)
    for quarter, status in [(2, "ongoing"), (3, "postponed"), (4, "completed"), (2, "completed")]:
        report(activity, users["unesco"], quarter=quarter, status=status, comment=f"Q{quarter}: {status}")
    with django_assert_num_queries(len(one_change)):
        page = client.get(url).content.decode()
    assert "Status: Ongoing → Completed" in history_of(page)


def test_a_quarters_page_lists_the_corrections_asked_and_why(client_for, users, cisp, activity):
    unesco = Agency.objects.get(code="UNESCO")
    programme = cisp.programme
    report_quarter(cisp, unesco, 1, user=users["unesco"], comment="Call for proposals out.")
    submission = submit_quarter(programme=programme, agency=unesco, year=1, quarter=1, user=users["unesco"])
    send_back(submission=submission, user=users["coordinator"], comment="Say which provinces.")
    report(activity, users["unesco"], comment="Calls out in Siem Reap and Kampot.")
    submit_quarter(programme=programme, agency=unesco, year=1, quarter=1, user=users["unesco"])
    accept_submission(submission=submission, user=users["coordinator"])
    reopen(submission=submission, user=users["coordinator"], reason="Kampot was Kep.")

    page = client_for(users["coordinator"]).get(reverse("reporting:submission", args=["00067193", 1, 1, "UNESCO"]))
    history = history_of(page.content.decode())
    assert "carol: Reopened: Kampot was Kep." in history
    assert "carol: Sent back: Say which provinces." in history
    assert (
        "1.1.1 Q1 progress changed (Corrected as the coordinator asked: Say which provinces.) "
        "State of implementation: Call for proposals out. → Calls out in Siem Reap and Kampot." in history
    )


def test_a_moved_activity_names_the_agency_it_left_and_the_one_it_has(
    client_for, users, activity, django_assert_max_num_queries
):
    unesco, fao = activity.agency, Agency.objects.get(code="FAO")
    activity.agency = fao
    activity.save()
    client, url = client_for(users["pmc"]), activity.get_absolute_url()
    client.get(url)
    # The agency it left is read by its id; the one it has now came with the activity.
    with django_assert_max_num_queries(100) as queries:
        history = history_of(client.get(url).content.decode())
    label = Activity._meta.get_field("agency").verbose_name
    assert f"{label[0].upper()}{label[1:]}: {unesco} → {fao}" in history
    asked = [query["sql"] for query in queries.captured_queries if f'FROM "{Agency._meta.db_table}"' in query["sql"]]
    assert len(asked) == 1 and f'."id" IN ({unesco.pk})' in asked[0]
