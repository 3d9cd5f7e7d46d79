"""Amounts read from a workbook: what Excel's binary floats do to a typed amount is forgiven, nothing more."""

from decimal import Decimal

import pytest

from budgets.models import BudgetLine
from exchange.reading import read_amount
from exchange.services import import_work_plan
from exchange.workplan_import import plan_work_plan_import
from tests.workbooks import INT_PERSONNEL, editable, row_of, saved


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        (4234.559999999999, Decimal("4234.56")),  # 4234.56 typed in Excel, as its float reads back
        (4234.560000000001, Decimal("4234.56")),
        (0.30000000000000004, Decimal("0.30")),  # 0.1 + 0.2
        (4234.56, Decimal("4234.56")),
        ("4,234.559999999999", Decimal("4234.56")),
        (Decimal("4234.56000000099"), Decimal("4234.56")),  # within a millionth of a cent
        (1500, Decimal("1500.00")),
    ],
)
def test_an_amount_within_a_millionth_of_a_cent_is_that_cent(cell, amount):
    assert read_amount(cell) == amount
    assert read_amount(cell).as_tuple().exponent == -2  # stored to the cent


@pytest.mark.parametrize("cell", [4234.555, "4234.555", 10.001, Decimal("4234.5600001"), 0.005])
def test_an_amount_with_a_third_decimal_is_still_refused(cell):
    with pytest.raises(ValueError, match="at most two decimals"):
        read_amount(cell)


def test_a_float_amount_of_a_workbook_imports_rounded_to_the_cent(cisp, cisp_workbook):
    workbook = editable(cisp_workbook)
    sheet = workbook["Work plan"]
    sheet[f"{INT_PERSONNEL}{row_of(sheet, '1.1.1')}"] = 4234.559999999999

    plan = plan_work_plan_import(work_plan=cisp, data=saved(workbook))
    assert plan.is_valid, [str(problem) for problem in plan.problems]
    import_work_plan(plan=plan)

    line = BudgetLine.objects.get(activity__work_plan=cisp, activity__code="1.1.1", category__code="int-personnel")
    assert line.amount == Decimal("4234.56")
