"""The work plan's budget, summed by the database, gives the figures the lines summed in Python give,
to the cent, at 35 activities and at 2,000."""

from collections import defaultdict
from decimal import Decimal

import pytest

from budgets.models import BudgetCategory, BudgetLine, FundingSource
from budgets.money import ZERO
from budgets.selectors import NO_OUTPUT_LABEL, BudgetFigures, budget_figures, work_plan_budget
from workplan.models import Activity, Agency, Output

# Amounts that test the sums: half cents at 7% (1.50 gives 0.105), cents that binary floating point
# cannot hold (0.10, 0.35), and the largest a line may hold (14 digits).
AMOUNTS = [Decimal(a) for a in ("1.50", "0.10", "0.35", "1234.57", "7.50", "999999999999.99", "0.01", "12.49")]


def budget_summed_in_python(work_plan) -> dict:
    """The figures as `work_plan_budget()` computed them before the database summed them: every budget
    line read and added up here, the indirect cost per activity."""
    rate = work_plan.programme.indirect_cost_rate
    categories = list(BudgetCategory.objects.filter(programme=work_plan.programme_id))
    direct: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_category_id: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for activity_id, category_id, amount in BudgetLine.objects.filter(activity__work_plan=work_plan).values_list(
        "activity_id", "category_id", "amount"
    ):
        direct[activity_id] += amount
        by_category_id[category_id] += amount
    by_activity, by_agency, by_output, by_output_and_agency = {}, defaultdict(BudgetFigures), {}, {}
    by_output = defaultdict(BudgetFigures)
    by_output_and_agency = defaultdict(BudgetFigures)
    listed = BudgetFigures()
    for pk, agency, output in Activity.objects.filter(work_plan=work_plan).values_list(
        "pk", "agency__code", "output__code"
    ):
        figures = budget_figures(direct[pk], rate)
        by_activity[pk] = figures
        by_agency[agency] += figures
        by_output[output or NO_OUTPUT_LABEL] += figures
        by_output_and_agency[output or NO_OUTPUT_LABEL, agency] += figures
        listed += figures
    return {
        "by_category": {category.name: by_category_id[category.pk] for category in categories},
        "by_activity": by_activity,
        "by_agency": dict(by_agency),
        "by_output": dict(by_output),
        "by_output_and_agency": dict(by_output_and_agency),
        "listed": listed,
    }


def add_activities(work_plan, total: int) -> None:
    outputs = list(Output.objects.filter(outcome__programme=work_plan.programme))
    agencies = list(Agency.objects.all())
    categories = list(BudgetCategory.objects.filter(programme=work_plan.programme_id))
    source = FundingSource.objects.get(code="MDG-F")
    existing = Activity.objects.filter(work_plan=work_plan).count()
    activities = Activity.objects.bulk_create(
        Activity(
            work_plan=work_plan,
            output=outputs[n % len(outputs)] if n % 50 else None,  # a few under "Other"
            code=f"{outputs[n % len(outputs)].code}.{100 + n}" if n % 50 else "",
            title=f"Generated activity {n}",
            agency=agencies[n % len(agencies)],
        )
        for n in range(total - existing)
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(activity=activity, category=category, source=source, amount=AMOUNTS[(n + k) % len(AMOUNTS)])
        for n, activity in enumerate(activities)
        if n % 7  # and some with no budget line at all
        for k, category in enumerate(categories[: 1 + n % len(categories)])
    )


@pytest.mark.parametrize("activities", [35, 2000])
def test_the_budget_summed_by_the_database_is_the_budget_summed_line_by_line(cisp, activities):
    add_activities(cisp, activities)
    assert Activity.objects.filter(work_plan=cisp).count() == activities

    budget = work_plan_budget(cisp)
    expected = budget_summed_in_python(cisp)

    assert budget.by_category == expected["by_category"]
    assert budget.by_activity == expected["by_activity"]
    assert budget.by_agency == expected["by_agency"]
    assert budget.by_output == expected["by_output"]
    assert budget.by_output_and_agency == expected["by_output_and_agency"]
    assert budget.listed == expected["listed"]
    # To the cent, written as the pages and exports write them.
    assert [str(figures.indirect) for figures in budget.by_activity.values()] == [
        str(expected["by_activity"][pk].indirect) for pk in budget.by_activity
    ]
    assert {name: str(amount) for name, amount in budget.by_category.items()} == {
        name: str(amount) for name, amount in expected["by_category"].items()
    }
    if activities == 35:
        # CISP Year 1 as printed in the README and the report.
        assert budget.listed.total == Decimal("931852.30")
