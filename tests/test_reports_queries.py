"""The report runs the same number of queries for the 35 CISP activities as for 2,000."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import BudgetCategory, BudgetLine, FundingSource
from tests.factories import make_member
from workplan.models import Activity, ActivityProgress, Agency, Output
from workplan.permissions import Role

# Session and user, the permission check (the user's and the groups'), the programme, the work plan, outputs,
# the activities listed (four: what they are read from, the activities and their quarterly progress; two when
# in the cache: reports.selectors._activity_section), the budget (six: categories, activities, lines, the stated
# TOTAL row with its categories), indicators and their results; and, at most once a minute, the
# session's renewal (an update in a savepoint: workplan.middleware.SessionRenewalMiddleware); planned and
# spent (two, one when in the cache: finance.spending.work_plan_spending) and the warnings on the programme's
# figures (ten, three when in the cache: finance.warnings.key_figures_and_warnings).
QUERY_BOUND = 34


def add_activities(work_plan, total: int) -> None:
    """Grow the CISP work plan to `total` activities, each with budget lines and quarterly statuses."""
    output = Output.objects.get(code="2.1")
    agencies = list(Agency.objects.all())
    existing = Activity.objects.filter(work_plan=work_plan).count()
    activities = Activity.objects.bulk_create(
        Activity(
            work_plan=work_plan,
            output=output,
            code=f"2.1.{100 + n}",
            title=f"Generated activity {n}",
            agency=agencies[n % len(agencies)],
            planned_q1=n % 2 == 0,
            planned_q2=n % 3 == 0,
            planned_q3=True,
        )
        for n in range(total - existing)
    )
    categories = list(BudgetCategory.objects.filter(programme=work_plan.programme_id)[:3])
    source = FundingSource.objects.get(code="MDG-F")
    BudgetLine.objects.bulk_create(
        BudgetLine(activity=activity, category=category, source=source, amount=Decimal("1000.10"))
        for activity in activities
        for category in categories
    )
    ActivityProgress.objects.bulk_create(
        ActivityProgress(activity=activity, quarter=quarter, status=Activity.Status.ONGOING, comment=f"Q{quarter}")
        for activity in activities
        for quarter in (1, 2)
    )


@pytest.mark.parametrize("activities", [35, 2000])
@pytest.mark.parametrize("url_name, args", [("quarter", [1, 2]), ("quarter_xlsx", [1, 2]), ("year_to_date", [1])])
def test_report_queries_do_not_grow_with_the_activities(
    client, cisp, django_assert_max_num_queries, activities, url_name, args
):
    coordinator = make_member("coordinator", "00067193", Role.COORDINATOR)
    client.force_login(coordinator)
    add_activities(cisp, activities)
    assert Activity.objects.filter(work_plan=cisp).count() == activities
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(reverse(f"reports:{url_name}", args=["00067193", *args]))
    assert response.status_code == 200
