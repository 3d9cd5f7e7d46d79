from decimal import Decimal

import pytest

from budgets.forms import AmountField
from budgets.money import format_amount, indirect_cost, parse_amount, round_to_cent
from budgets.selectors import activity_budget, budget_of, with_budget
from exchange.reading import read_amount
from tests.factories import make_activity, make_budget_line, make_category, make_work_plan
from workplan.models import Activity

RATE = Decimal("0.07")


@pytest.mark.parametrize(
    ("direct", "expected"),
    [
        # 7% lands exactly on half a cent: half-up rounds away from zero (banker's rounding would not).
        ("1.50", "0.11"),  # 0.105
        ("7.50", "0.53"),  # 0.525
        ("0.50", "0.04"),  # 0.035
        ("2.50", "0.18"),  # 0.175
        ("12.50", "0.88"),  # 0.875
        # Just below and above half a cent.
        ("1.49", "0.10"),  # 0.1043
        ("1.51", "0.11"),  # 0.1057
        # CISP figures, as printed on the Year-1 work plan.
        ("934", "65.38"),
        ("18692", "1308.44"),
        ("936310", "65541.70"),
        ("0", "0.00"),
    ],
)
def test_indirect_cost_is_seven_percent_rounded_half_up_to_the_cent(direct, expected):
    assert indirect_cost(Decimal(direct), RATE) == Decimal(expected)


def test_indirect_cost_is_exact_on_large_amounts():
    # A float would lose the last cent here.
    assert indirect_cost(Decimal("123456789012.15"), RATE) == Decimal("8641975230.85")


@pytest.mark.parametrize("not_decimal", [1.5, 0.07])
def test_money_rules_refuse_floats(not_decimal):
    with pytest.raises(TypeError):
        round_to_cent(not_decimal)
    with pytest.raises(TypeError):
        indirect_cost(Decimal("100"), not_decimal)


def test_amounts_format_with_two_decimals():
    assert format_amount(Decimal("65541.7")) == "65541.70"
    assert format_amount(Decimal("0")) == "0.00"


@pytest.mark.django_db
def test_an_activity_indirect_cost_follows_its_programme_rate():
    work_plan = make_work_plan()
    work_plan.programme.indirect_cost_rate = Decimal("0.08")
    work_plan.programme.save()
    activity = make_activity(work_plan, "1.1.1")
    make_budget_line(activity, "1000.00", make_category(work_plan.programme, "contracts", "Contracts"))
    make_budget_line(activity, "12.50", make_category(work_plan.programme, "travel", "Travel", 8))

    figures = activity_budget(Activity.objects.get(pk=activity.pk))

    assert figures.direct == Decimal("1012.50")
    assert figures.indirect == Decimal("81.00")
    assert figures.total == Decimal("1093.50")


@pytest.mark.django_db
def test_activity_figures_agree_whether_summed_in_python_or_in_the_database():
    work_plan = make_work_plan()
    activity = make_activity(work_plan, "1.1.1")
    make_budget_line(activity, "7.50")
    make_activity(work_plan, "1.1.2")  # no budget lines at all

    annotated = {a.code: budget_of(a) for a in with_budget(Activity.objects.filter(work_plan=work_plan))}

    assert annotated["1.1.1"] == activity_budget(activity)
    assert annotated["1.1.1"].indirect == Decimal("0.53")
    assert annotated["1.1.2"].total == Decimal("0.00")


def test_every_money_field_is_a_decimal_to_the_cent():
    from django.apps import apps
    from django.db import models

    money = [
        field
        for model in apps.get_models()
        if model._meta.app_label in {"workplan", "budgets"} and not model.__name__.startswith("Historical")
        for field in model._meta.get_fields()
        if field.name in {"amount", "total", "indirect_cost", "net_funded_amount", "moved_between_outputs"}
    ]
    # Budget line, stated Mgt support, stated total, stated category, programme, revision line, revision.
    assert len(money) == 7
    for field in money:
        assert isinstance(field, models.DecimalField), field
        assert field.decimal_places == 2, field


@pytest.mark.parametrize("typed", ["1,234.50", " 1234.5 ", "1 234.50", "1\u00a0234.50", "1\u202f234.50"])
def test_an_amount_is_read_from_text_one_way_everywhere(typed):
    assert parse_amount(typed) == Decimal("1234.50")
    assert read_amount(typed) == Decimal("1234.50")
    assert AmountField(decimal_places=2).clean(typed) == Decimal("1234.50")
