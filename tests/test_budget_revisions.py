"""An approved work plan's budget is revised: the original is kept, each revision recorded, the original
compared with the current budget by output and agency, and a revision moving more than the set share
between outputs flagged for the PMC."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from budgets.models import BudgetLine, BudgetRevision, BudgetRevisionLine, FundingSource
from budgets.selectors import budget_comparison
from budgets.services import BudgetRevisionError, approve_work_plan, record_budget_revision
from tests.factories import (
    make_activity,
    make_agency,
    make_budget_line,
    make_member,
    make_programme,
    make_user,
    make_work_plan,
)
from tests.workbooks import exported
from workplan.models import Activity, Membership, WorkPlan

Role = Membership.Role


def revisions_url(year=1, programme="00067193"):
    return reverse("budgets:revisions", args=[programme, year])


def snapshot(revision):
    return set(
        revision.lines.values_list("activity_id", "output_id", "agency_id", "category_id", "source_id", "amount")
    )


def post_budget(client, activity, **amounts):
    data = {"seen_version": activity.version, "source": FundingSource.objects.get(code="MDG-F").pk}
    data.update({f"amount_{code}": value for code, value in amounts.items()})
    return client.post(reverse("budgets:entry", args=["00067193", activity.pk]), data)


def post_revision(client, reason="Savings on 1.1.1 moved to travel", year=1, programme="00067193"):
    return client.post(
        revisions_url(year, programme),
        {"date": "2009-03-15", "reason": reason, "approved_by": "PMC meeting of 12 March"},
    )


@pytest.fixture
def two_outputs(db):
    """An approved plan of 1,070.00 in each of two outputs (1,000.00 direct each), UNESCO in 1.1 and ILO in 1.2."""
    programme = make_programme()
    work_plan = make_work_plan(programme)
    first = make_activity(work_plan, "1.1.1", agency=make_agency("UNESCO"))
    second = make_activity(work_plan, "1.2.1", agency=make_agency("ILO"))
    make_budget_line(first, "1000.00")
    make_budget_line(second, "1000.00")
    approve_work_plan(work_plan=work_plan, user=None, date=date(2009, 1, 5), reason="Approved by the PMC")
    return work_plan, first, second


def set_direct(activity, amount):
    BudgetLine.objects.filter(activity=activity).update(amount=Decimal(amount))


def revise(work_plan, reason="Moved between outputs"):
    return record_budget_revision(
        work_plan=work_plan, date=date(2009, 6, 1), reason=reason, approved_by="PMC", user=None
    )


def test_cisp_year_one_has_its_original_budget_as_loaded(cisp):
    original = BudgetRevision.objects.get(work_plan=cisp, number=0)

    assert original.lines.count() == BudgetLine.objects.filter(activity__work_plan=cisp).count()
    comparison = budget_comparison(cisp)
    assert comparison.total.original.total == comparison.total.current.total == Decimal("931852.30")
    assert all(change.difference == 0 for change in comparison.by_output_and_agency)
    assert comparison.moved_between_outputs == Decimal("0.00")


def test_a_revision_keeps_the_original_and_the_page_shows_the_difference(client_for, users, cisp):
    original = BudgetRevision.objects.get(work_plan=cisp, number=0)
    as_approved = snapshot(original)
    activity = Activity.objects.get(work_plan=cisp, code="1.1.1")  # UNESCO: Int 500, Nat 434, Mgt 65.38
    post_budget(client_for(users["unesco"]), activity, **{"int-personnel": "600", "nat-personnel": "434"})

    response = post_revision(client_for(users["coordinator"]))

    assert response.status_code == 302
    revision = BudgetRevision.objects.get(work_plan=cisp, number=1)
    assert (revision.reason, revision.approved_by, revision.date) == (
        "Savings on 1.1.1 moved to travel",
        "PMC meeting of 12 March",
        date(2009, 3, 15),
    )
    assert revision.recorded_by == users["coordinator"]
    assert snapshot(BudgetRevision.objects.get(pk=original.pk)) == as_approved
    assert (activity.pk, "int-personnel", Decimal("600.00")) in {
        (line.activity_id, line.category.code, line.amount) for line in revision.lines.select_related("category")
    }
    # 100.00 more direct on 1.1.1: 1,034 x 7% = 72.38 against 65.38, so 107.00 more in total.
    comparison = budget_comparison(cisp)
    assert {change.key: change.difference for change in comparison.by_output}["1.1"] == Decimal("107.00")
    assert {change.key: change.difference for change in comparison.by_agency}["UNESCO"] == Decimal("107.00")
    assert comparison.total.difference == Decimal("107.00")
    assert comparison.moved_between_outputs == Decimal("0.00")  # added, not moved
    assert not revision.needs_pmc_approval

    page = client_for(users["pmc"]).get(revisions_url()).content.decode()
    assert "Revision 1" in page and "Savings on 1.1.1 moved to travel" in page
    assert "107.00" in page and "931,852.30" in page and "931,959.30" in page


def test_the_lines_as_revised_stay_recorded_when_they_change_again(users, cisp):
    activity = Activity.objects.get(work_plan=cisp, code="1.1.1")
    BudgetLine.objects.filter(activity=activity, category__code="int-personnel").update(amount=Decimal("600.00"))
    first = revise(cisp)
    recorded = snapshot(first)

    BudgetLine.objects.filter(activity=activity, category__code="int-personnel").update(amount=Decimal("700.00"))
    second = revise(cisp, reason="Again")

    assert second.number == 2
    assert snapshot(BudgetRevision.objects.get(pk=first.pk)) == recorded
    assert BudgetRevisionLine.objects.filter(revision=second, activity=activity, amount=Decimal("700.00")).exists()


def test_a_revision_moving_exactly_the_share_does_not_need_the_pmc(two_outputs):
    work_plan, first, second = two_outputs
    # 400.00 direct moved: 428.00 with Mgt support, exactly 20% of the original 2,140.00.
    set_direct(first, "600.00")
    set_direct(second, "1400.00")

    revision = revise(work_plan)

    assert revision.moved_between_outputs == Decimal("428.00")
    assert not revision.needs_pmc_approval
    assert budget_comparison(work_plan).moved_share_percent == Decimal("20.0")


def test_a_revision_moving_a_cent_more_than_the_share_needs_the_pmc(two_outputs):
    work_plan, first, second = two_outputs
    set_direct(first, "599.99")  # 641.99 with Mgt support
    set_direct(second, "1400.01")  # 1,498.01

    revision = revise(work_plan)

    assert revision.moved_between_outputs == Decimal("428.01")
    assert revision.needs_pmc_approval and revision.awaits_pmc_approval


def test_the_share_comes_from_the_setting(two_outputs, settings):
    settings.BUDGET_REVISION_PMC_SHARE_PERCENT = Decimal("25")
    work_plan, first, second = two_outputs
    set_direct(first, "599.99")
    set_direct(second, "1400.01")

    assert not revise(work_plan).needs_pmc_approval


def test_money_added_to_one_output_is_not_moved_between_outputs(two_outputs):
    work_plan, _first, second = two_outputs
    set_direct(second, "3000.00")

    revision = revise(work_plan)

    assert revision.moved_between_outputs == Decimal("0.00") and not revision.needs_pmc_approval


def test_original_and_current_by_output_and_agency(two_outputs):
    work_plan, first, second = two_outputs
    set_direct(first, "599.99")
    set_direct(second, "1400.01")

    comparison = budget_comparison(work_plan)

    assert [
        (change.key, change.original.total, change.current.total, change.difference) for change in comparison.by_output
    ] == [
        ("1.1", Decimal("1070.00"), Decimal("641.99"), Decimal("-428.01")),
        ("1.2", Decimal("1070.00"), Decimal("1498.01"), Decimal("428.01")),
    ]
    assert {change.key: change.difference for change in comparison.by_agency} == {
        "ILO": Decimal("428.01"),
        "UNESCO": Decimal("-428.01"),
    }
    assert [(change.key, change.current.indirect) for change in comparison.by_output_and_agency] == [
        (("1.1", "UNESCO"), Decimal("42.00")),
        (("1.2", "ILO"), Decimal("98.00")),
    ]
    assert comparison.total.difference == Decimal("0.00")


def test_an_activity_moved_to_another_agency_counts_for_its_agency_of_the_time(two_outputs):
    work_plan, first, _second = two_outputs
    Activity.objects.filter(pk=first.pk).update(agency=make_agency("FAO"))

    comparison = budget_comparison(work_plan)

    assert {change.key: change.difference for change in comparison.by_agency} == {
        "FAO": Decimal("1070.00"),
        "ILO": Decimal("0.00"),
        "UNESCO": Decimal("-1070.00"),
    }


def test_the_pmc_records_its_approval_of_a_flagged_revision(client_for, users, cisp):
    revision = BudgetRevision.objects.create(
        work_plan=cisp, number=1, date=date(2009, 6, 1), reason="Big move", needs_pmc_approval=True
    )
    url = reverse("budgets:approve_revision", args=["00067193", 1, 1])

    assert client_for(users["coordinator"]).post(url).status_code == 403
    assert client_for(users["unesco"]).post(url).status_code == 403
    response = client_for(users["pmc"]).post(url)

    assert response.status_code == 302
    revision.refresh_from_db()
    assert revision.pmc_approved_by == users["pmc"] and revision.pmc_approved_at is not None
    page = client_for(users["pmc"]).get(revisions_url()).content.decode()
    assert "approved by pmc" in page


def test_a_revision_that_needs_no_approval_is_not_approved_by_the_pmc(client_for, users, cisp):
    BudgetRevision.objects.create(work_plan=cisp, number=1, date=date(2009, 6, 1), reason="Small move")

    response = client_for(users["pmc"]).post(reverse("budgets:approve_revision", args=["00067193", 1, 1]), follow=True)

    assert "does not need the PMC&#x27;s approval" in response.content.decode()
    assert BudgetRevision.objects.get(work_plan=cisp, number=1).pmc_approved_by is None


def test_a_revision_with_no_change_is_refused(client_for, users, cisp):
    response = post_revision(client_for(users["coordinator"]))

    assert response.status_code == 400
    assert "have not changed since Original budget of Work plan year 1" in response.content.decode()
    assert list(BudgetRevision.objects.filter(work_plan=cisp).values_list("number", flat=True)) == [0]


def test_a_draft_work_plan_is_not_revised_until_the_pmc_approves_it(client_for, users, cisp):
    draft = make_work_plan(cisp.programme, year=2)
    make_budget_line(make_activity(draft, "1.1.1"), "500.00", category=BudgetLine.objects.first().category)
    with pytest.raises(BudgetRevisionError, match="not approved yet"):
        revise(draft)

    assert post_revision(client_for(users["coordinator"]), year=2).status_code == 403
    response = post_revision(client_for(users["pmc"]), reason="Approved at the PMC meeting", year=2)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == WorkPlan.Status.APPROVED
    original = BudgetRevision.objects.get(work_plan=draft)
    assert (original.number, original.reason, original.recorded_by) == (0, "Approved at the PMC meeting", users["pmc"])
    assert [line.amount for line in original.lines.all()] == [Decimal("500.00")]
    with pytest.raises(BudgetRevisionError, match="already approved"):
        approve_work_plan(work_plan=draft, user=None, date=date(2010, 1, 1), reason="Again")


def test_only_coordinators_record_revisions(client_for, users, cisp):
    BudgetLine.objects.filter(activity__work_plan=cisp).update(amount=Decimal("1.00"))

    for role in ("unesco", "ilo", "pmc"):
        assert post_revision(client_for(users[role])).status_code == 403
    assert BudgetRevision.objects.filter(work_plan=cisp).count() == 1
    # Everyone in the programme sees the page; only the coordinator gets the form.
    assert "Record the revision" not in client_for(users["unesco"]).get(revisions_url()).content.decode()
    assert "Record the revision" in client_for(users["coordinator"]).get(revisions_url()).content.decode()


def test_another_programmes_coordinator_cannot_see_or_revise(client, cisp, demo):
    outsider = make_member("outsider", demo.programme, Role.COORDINATOR)
    client.force_login(outsider)
    BudgetLine.objects.filter(activity__work_plan=cisp).update(amount=Decimal("1.00"))

    assert client.get(revisions_url()).status_code == 404
    assert post_revision(client).status_code == 404
    assert client.post(reverse("budgets:approve_revision", args=["00067193", 1, 0])).status_code == 404
    assert BudgetRevision.objects.filter(work_plan=cisp).count() == 1


def test_the_demo_programme_gets_its_original_through_the_loader(demo):
    original = BudgetRevision.objects.get(work_plan=demo, number=0)
    assert original.lines.count() == BudgetLine.objects.filter(activity__work_plan=demo).count() > 0


def test_anonymous_visitors_are_sent_to_log_in(client, cisp):
    response = client.get(revisions_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_admin_approves_a_work_plan_through_the_action(client, cisp):
    admin = make_user("root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    draft = make_work_plan(cisp.programme, year=2)
    client.force_login(admin)

    client.post(
        reverse("admin:workplan_workplan_changelist"),
        {"action": "approve", "_selected_action": [draft.pk, cisp.pk]},
    )

    draft.refresh_from_db()
    assert draft.status == WorkPlan.Status.APPROVED
    assert BudgetRevision.objects.filter(work_plan=draft, number=0).exists()
    assert BudgetRevision.objects.filter(work_plan=cisp).count() == 1  # already approved: left as it was


def test_the_revisions_page_runs_the_same_queries_whatever_the_revisions(client_for, users, cisp):
    client = client_for(users["coordinator"])
    client.get(revisions_url())  # the session and the user, read once
    activity = Activity.objects.get(work_plan=cisp, code="1.1.1")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(revisions_url()).status_code == 200
        return len(captured)

    before = queries()
    for amount in ("600.00", "700.00", "800.00"):
        BudgetLine.objects.filter(activity=activity, category__code="int-personnel").update(amount=Decimal(amount))
        revise(cisp)
    assert queries() == before


def test_the_workbook_of_a_revised_plan_shows_the_original_beside_the_current_budget(cisp):
    assert load_workbook(BytesIO(exported(cisp))).sheetnames == ["Work plan", "Budget lines", "Read me"]
    activity = Activity.objects.get(work_plan=cisp, code="1.1.1")
    BudgetLine.objects.filter(activity=activity, category__code="int-personnel").update(amount=Decimal("600.00"))
    revise(cisp, reason="=1+1 is not a formula")

    workbook = load_workbook(BytesIO(exported(cisp)))

    assert workbook.sheetnames == ["Work plan", "Budget lines", "Read me", "Budget revisions"]
    rows = list(workbook["Budget revisions"].iter_rows(values_only=True))
    assert ("1.1", "UNESCO", 72999.68, 73106.68, 107) in [row[:5] for row in rows]
    assert ("TOTAL", None, 931852.3, 931959.3, 107) in [row[:5] for row in rows]
    assert ("1", "=1+1 is not a formula") in [row[:2] for row in rows]


def test_the_quarterly_report_shows_the_original_against_the_current_once_revised(client_for, users, cisp):
    report_url = reverse("reports:quarter", args=["00067193", 1, 2])
    client = client_for(users["coordinator"])
    assert "Revised budget: the original against the current" not in client.get(report_url).content.decode()

    activity = Activity.objects.get(work_plan=cisp, code="1.1.1")
    post_budget(client_for(users["unesco"]), activity, **{"int-personnel": "600", "nat-personnel": "434"})
    client = client_for(users["coordinator"])  # the one test client, logged in again
    assert post_revision(client).status_code == 302

    page = client.get(report_url).content.decode()
    section = page[page.index("Revised budget: the original against the current") :]
    by_agency = section[
        section.index('id="revision-by-agency"') : section.index("</table>", section.index('id="revision-by-agency"'))
    ]
    assert "UNESCO" in by_agency and "107.00" in by_agency  # 100.00 more direct, 7.00 more Mgt support
    assert "931,852.30" in section and "931,959.30" in section
