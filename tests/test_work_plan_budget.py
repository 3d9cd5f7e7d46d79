"""The work plan's budget, summed by the database, gives the figures the lines summed in Python give,
to the cent, at 35 activities and at 2,000."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction

from budgets.models import BudgetCategory, BudgetLine, FundingSource
from budgets.money import ZERO
from budgets.selectors import NO_OUTPUT_LABEL, BudgetFigures, budget_figures, work_plan_budget
from budgets.services import set_activity_budget
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


def test_the_figures_are_kept_until_the_work_plan_changes(cisp, users, django_assert_num_queries):
    """Read again, the figures come from the cache (no sum over the lines); any change to an activity
    or a budget line, through the app, an import's bulk writes or after a change rolled back, gives
    figures computed afresh, to the cent."""
    work_plan_budget(cisp)
    with django_assert_num_queries(3):  # what changed, the groups' codes, the stated TOTAL row
        assert work_plan_budget(cisp).listed.total == Decimal("931852.30")

    activity = Activity.objects.get(work_plan=cisp, code="1.1.1")
    category = BudgetCategory.objects.filter(programme=cisp.programme_id).first()

    def add_to_line(amount: Decimal) -> None:
        activity.refresh_from_db()
        source = FundingSource.objects.get(code="MDG-F")
        lines = {line.category: line.amount for line in activity.budget_lines.filter(source=source)}
        amounts = {**lines, category: lines.get(category, ZERO) + amount}
        set_activity_budget(
            activity=activity, source=source, amounts=amounts, user=users["coordinator"], seen_version=activity.version
        )

    before = work_plan_budget(cisp)
    add_to_line(Decimal("1000.00"))
    after = work_plan_budget(cisp)
    assert after.listed.direct == before.listed.direct + Decimal("1000.00")
    assert after.by_category[category.name] == before.by_category[category.name] + Decimal("1000.00")
    assert figures(after) == budget_summed_in_python(cisp)

    # A change rolled back, then another: the database may give the second the first one's numbers.
    with pytest.raises(RuntimeError), transaction.atomic():
        add_to_line(Decimal("0.01"))
        assert work_plan_budget(cisp).listed.direct == after.listed.direct + Decimal("0.01")
        raise RuntimeError("rolled back")
    assert figures(work_plan_budget(cisp)) == figures(after)
    add_to_line(Decimal("0.02"))
    assert work_plan_budget(cisp).listed.direct == after.listed.direct + Decimal("0.02")
    assert figures(work_plan_budget(cisp)) == budget_summed_in_python(cisp)

    add_activities(cisp, 100)  # bulk-created, their history not yet written
    assert figures(work_plan_budget(cisp)) == budget_summed_in_python(cisp)

    # Moving an activity to another agency, deleting one, renaming an agency, changing the rate.
    fao = work_plan_budget(cisp).by_agency["FAO"]
    activity.refresh_from_db()
    activity.agency = Agency.objects.get(code="FAO")
    activity.save()
    assert work_plan_budget(cisp).by_agency["FAO"].direct > fao.direct
    assert figures(work_plan_budget(cisp)) == budget_summed_in_python(cisp)
    # The approved plan's original budget keeps its activities: one added since can be deleted.
    Activity.objects.filter(work_plan=cisp).latest("pk").delete()
    assert figures(work_plan_budget(cisp)) == budget_summed_in_python(cisp)
    Agency.objects.filter(code="FAO").update(code="FAO-2")
    assert "FAO-2" in work_plan_budget(cisp).by_agency
    assert figures(work_plan_budget(cisp)) == budget_summed_in_python(cisp)
    cisp.programme.indirect_cost_rate = Decimal("0.08")
    cisp.programme.save()
    assert figures(work_plan_budget(cisp)) == budget_summed_in_python(cisp)


def figures(budget) -> dict:
    """A budget's figures, as `budget_summed_in_python` gives them."""
    return {
        "by_category": budget.by_category,
        "by_activity": budget.by_activity,
        "by_agency": budget.by_agency,
        "by_output": budget.by_output,
        "by_output_and_agency": budget.by_output_and_agency,
        "listed": budget.listed,
    }
