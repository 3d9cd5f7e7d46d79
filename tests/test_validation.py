"""Bad data is refused with a message that says what is wrong, by the forms (full_clean) and,
as a last line, by the database."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from budgets.models import BudgetLine
from outcomes.models import Indicator, IndicatorResult
from tests.factories import make_activity, make_category, make_source, make_work_plan
from workplan.models import Activity


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


@pytest.fixture
def activity(db):
    return make_activity(make_work_plan(), "1.1.1")


def test_a_negative_budget_amount_is_refused(activity):
    line = BudgetLine(
        activity=activity,
        category=make_category(activity.work_plan.programme),
        source=make_source(),
        amount=Decimal("-0.01"),
    )
    with pytest.raises(ValidationError) as refused:
        line.full_clean()
    assert "cannot be negative" in messages(refused.value)

    with pytest.raises(IntegrityError):
        line.save()


def test_a_second_line_for_the_same_category_and_source_is_refused(activity):
    BudgetLine.objects.create(
        activity=activity, category=make_category(activity.work_plan.programme), source=make_source(), amount=1
    )
    duplicate = BudgetLine(
        activity=activity, category=make_category(activity.work_plan.programme), source=make_source(), amount=2
    )
    with pytest.raises(ValidationError) as refused:
        duplicate.full_clean()
    assert "already has a line for this category" in messages(refused.value)


def test_a_duplicate_activity_code_in_the_same_work_plan_is_refused(activity):
    duplicate = Activity(work_plan=activity.work_plan, output=activity.output, code="1.1.1", agency=activity.agency)
    duplicate.title = "Another activity"
    with pytest.raises(ValidationError) as refused:
        duplicate.full_clean()
    assert "already has this code" in messages(refused.value)

    with pytest.raises(IntegrityError):
        duplicate.save()


def test_the_same_code_is_allowed_in_another_year(activity):
    next_year = make_work_plan(activity.work_plan.programme, year=2)
    same_code = Activity(work_plan=next_year, output=activity.output, code="1.1.1", title="x", agency=activity.agency)
    same_code.full_clean()


def test_an_activity_under_an_output_needs_a_code_matching_it(activity):
    no_code = Activity(work_plan=activity.work_plan, output=activity.output, code="", title="x", agency=activity.agency)
    with pytest.raises(ValidationError) as refused:
        no_code.full_clean()
    assert "needs a code" in messages(refused.value)

    wrong_output = Activity(
        work_plan=activity.work_plan, output=activity.output, code="2.1.1", title="x", agency=activity.agency
    )
    with pytest.raises(ValidationError) as refused:
        wrong_output.full_clean()
    assert "does not belong to JP Output 1.1" in messages(refused.value)


def test_an_activity_outside_outputs_may_have_no_code(activity):
    Activity(
        work_plan=activity.work_plan, output=None, code="", title="Baseline survey", agency=activity.agency
    ).full_clean()


@pytest.fixture
def indicator(activity):
    return Indicator.objects.create(
        outcome=activity.output.outcome, code="I1.1", statement="People trained", disaggregated_by_sex=True
    )


def test_disaggregation_that_does_not_add_up_is_refused(indicator):
    result = IndicatorResult(
        indicator=indicator, as_of="2011-11-30", period_label="End", value=Decimal("809"), women=540, men=300
    )
    with pytest.raises(ValidationError) as refused:
        result.full_clean()
    assert "Women (540) and men (300) add up to 840, not to the total 809." in messages(refused.value)


def test_disaggregation_that_adds_up_is_accepted(indicator):
    result = IndicatorResult(
        indicator=indicator,
        as_of="2011-11-30",
        period_label="End",
        value=Decimal("809"),
        women=540,
        men=269,
        indigenous=809,
        non_indigenous=0,
    )
    result.full_clean()


def test_a_part_larger_than_the_total_is_refused(indicator):
    result = IndicatorResult(indicator=indicator, as_of="2011-11-30", period_label="End", value=10, indigenous=11)
    with pytest.raises(ValidationError) as refused:
        result.full_clean()
    assert "cannot exceed the total 10" in messages(refused.value)


def test_an_indicator_measures_one_outcome_or_one_output(indicator):
    both = Indicator(outcome=indicator.outcome, output=indicator.outcome.outputs.get(), code="I9")
    both.statement = "x"
    with pytest.raises(ValidationError):
        both.full_clean()
