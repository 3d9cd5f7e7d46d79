import pytest
from django.urls import reverse

from budgets.models import BudgetCategory, BudgetLine, FundingSource, StatedBudget
from outcomes.models import Indicator, IndicatorResult
from tests.factories import make_activity, make_budget_line
from workplan.models import Activity, ActivityProgress, Agency, Outcome, Output, Partner, Programme, WorkPlan

ADMIN_MODELS = [
    Programme, Agency, Partner, Outcome, Output, WorkPlan, Activity,
    BudgetCategory, FundingSource, BudgetLine, StatedBudget, Indicator, IndicatorResult,
]  # fmt: skip


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda model: model.__name__)
def test_every_model_has_a_working_list_and_change_page(admin_client, cisp, model):
    opts = model._meta
    changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    record = model.objects.first()
    change = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]))
    assert change.status_code == 200


def test_activity_page_shows_its_budget_lines_mgt_support_and_total(admin_client, cisp):
    activity = Activity.objects.get(work_plan=cisp, code="1.1.1")
    page = admin_client.get(reverse("admin:workplan_activity_change", args=[activity.pk])).content.decode()
    assert 'name="budget_lines-0-amount" value="500.00"' in page
    assert "65.38" in page  # Mgt support, computed
    assert "999.38" in page  # 500 + 434 + 65.38


def test_activity_list_is_in_natural_code_order_with_totals(admin_client, cisp):
    page = admin_client.get(reverse("admin:workplan_activity_changelist") + f"?work_plan__id__exact={cisp.pk}")
    text = page.content.decode()
    assert text.index(">2.1.9<") < text.index(">2.1.10<")
    assert "999.38" in text


def test_output_lists_its_activities_and_indicator_its_results(admin_client, cisp):
    output = Output.objects.get(code="2.1")
    page = admin_client.get(reverse("admin:workplan_output_change", args=[output.pk])).content.decode()
    assert "Support fair market linkages through trade fairs" in page
    indicator = Indicator.objects.get(code="I2.2")
    page = admin_client.get(reverse("admin:outcomes_indicator_change", args=[indicator.pk])).content.decode()
    assert 'value="540"' in page


def test_stated_totals_page_shows_the_difference_per_category(admin_client, cisp):
    stated = StatedBudget.objects.get(work_plan=cisp)
    page = admin_client.get(reverse("admin:budgets_statedbudget_change", args=[stated.pk])).content.decode()
    assert "41,800.00" in page  # Contracts: stated minus listed
    assert "69,999.40" in page  # Total


def test_activity_list_runs_a_constant_number_of_queries(admin_client, cisp, django_assert_max_num_queries):
    url = reverse("admin:workplan_activity_changelist") + "?all="
    with django_assert_max_num_queries(12) as small:
        admin_client.get(url)
    for n in range(300):
        activity = make_activity(cisp, f"1.1.{100 + n}", agency=Agency.objects.get(code="FAO"))
        make_budget_line(activity, "100.00")
    with django_assert_max_num_queries(len(small.captured_queries)):
        admin_client.get(url)


def test_stated_totals_page_survives_a_category_the_printed_plan_did_not_have(admin_client, cisp):
    BudgetCategory.objects.create(
        programme=cisp.programme, code="general-operating", name="General operating costs", position=10
    )
    stated = StatedBudget.objects.get(work_plan=cisp)
    page = admin_client.get(reverse("admin:budgets_statedbudget_change", args=[stated.pk]))
    assert page.status_code == 200
    assert "General operating costs" in page.content.decode()


def test_admin_edits_raise_the_version_so_older_forms_are_refused(admin_client, cisp):
    activity = Activity.objects.get(work_plan=cisp, code="1.1.1")
    line = activity.budget_lines.get(category__code="int-personnel")
    opened = activity.version

    admin_client.post(
        reverse("admin:budgets_budgetline_change", args=[line.pk]),
        {
            "activity": activity.pk,
            "category": line.category_id,
            "source": line.source_id,
            "amount": "600.00",
            "seen_version": opened,
        },
    )

    activity.refresh_from_db()
    assert activity.version == opened + 1


def test_the_admin_shows_an_activitys_status_but_leaves_it_to_the_quarterly_progress(admin_client, cisp):
    activity = Activity.objects.get(work_plan=cisp, code="1.1.1")
    page = admin_client.get(reverse("admin:workplan_activity_change", args=[activity.pk])).content.decode()
    assert 'name="status"' not in page and 'name="implementation_comment"' not in page
    assert activity.implementation_comment[:40] in page  # shown, read-only


def test_quarterly_progress_is_read_only_in_the_admin(admin_client, cisp):
    activity = Activity.objects.get(work_plan=cisp, code="1.1.1")
    progress = ActivityProgress.objects.create(activity=activity, quarter=1, status="ongoing", comment="On track")
    assert admin_client.get(reverse("admin:workplan_activityprogress_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:workplan_activityprogress_add")).status_code == 403
    admin_client.post(
        reverse("admin:workplan_activityprogress_change", args=[progress.pk]),
        {"activity": activity.pk, "quarter": 1, "status": "completed", "comment": "Edited behind the service"},
    )
    progress.refresh_from_db()
    assert (progress.status, progress.comment) == ("ongoing", "On track")


def test_the_admin_offers_an_activity_only_its_programmes_budget_categories(admin_client, cisp, demo):
    activity = Activity.objects.get(work_plan=demo, code="1.1.1")
    page = admin_client.get(reverse("admin:workplan_activity_change", args=[activity.pk])).content.decode()
    assert "DEMO-YEM: Contractual services" in page
    assert "MDGF-1838-G-KHM: Int personnel" not in page
    line_page = admin_client.get(reverse("admin:budgets_budgetline_add")).content.decode()
    assert "DEMO-YEM: Travel" in line_page and "MDGF-1838-G-KHM: Travel" in line_page
