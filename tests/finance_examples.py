"""A small programme with transfers and expenditure whose key figures are worked out by hand in
tests/test_key_figures.py; the page tests reuse it."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from finance.models import Expenditure, Transfer
from tests.factories import (
    make_activity,
    make_agency,
    make_budget_line,
    make_programme,
    make_source,
    make_work_plan,
)
from workplan.models import Activity, Programme, WorkPlan


def transfer(work_plan: WorkPlan, agency: str, amount: str, day: date, **fields) -> Transfer:
    return Transfer.objects.create(
        programme=work_plan.programme,
        work_plan=work_plan,
        agency=make_agency(agency),
        date=day,
        amount=Decimal(amount),
        **fields,
    )


def spend(activity: Activity, quarter: int, *, disbursed: str = "0.00", committed: str = "0.00", **fields):
    return Expenditure.objects.create(
        activity=activity,
        quarter=quarter,
        source=make_source(),
        committed=Decimal(committed),
        disbursed=Decimal(disbursed),
        **fields,
    )


@dataclass
class SmallExample:
    programme: Programme
    year_1: WorkPlan
    year_2: WorkPlan
    activities: dict[str, Activity]


def small_example(**programme_fields) -> SmallExample:
    """Year 1 (approved) runs through 2009: Q1 ends 31 March, Q2 30 June, Q3 30 September.

    - 1.1.1 UNESCO, budget 1,000.50 (+ 70.04): Q1 committed 100.00 and disbursed 300.00, Q2 disbursed 0.50,
      Q3 disbursed 200.00.
    - 1.1.2 UNESCO, budget 0.50 (+ 0.04): Q1 disbursed 0.50 (+ 0.04).
    - 2.1.1 ILO, budget 100.00 (+ 7.00): Q1 disbursed 30.09 (+ 2.11).
    - 2.1.2 FAO, no budget, no expenditure, no transfer.
    - Transfers: UNESCO 1,000.00 on 15 Jan 2009 and 500.00 on 1 Aug 2009; ILO 400.00 on 15 Jan 2009.
    Year 2 (a draft) has one UNESCO activity, 2.1.3, budget 5,000.00.
    """
    programme = make_programme(start_date=date(2009, 1, 1), end_date=date(2011, 12, 31), **programme_fields)
    year_1 = make_work_plan(programme, 1)
    year_1.status = WorkPlan.Status.APPROVED
    year_1.save()
    year_2 = make_work_plan(programme, 2)
    unesco, ilo, fao = make_agency("UNESCO"), make_agency("ILO"), make_agency("FAO")
    activities = {
        "1.1.1": make_activity(year_1, "1.1.1", agency=unesco),
        "1.1.2": make_activity(year_1, "1.1.2", agency=unesco),
        "2.1.1": make_activity(year_1, "2.1.1", agency=ilo),
        "2.1.2": make_activity(year_1, "2.1.2", agency=fao),
        "Y2 2.1.3": make_activity(year_2, "2.1.3", agency=unesco),
    }
    make_budget_line(activities["1.1.1"], "1000.50")
    make_budget_line(activities["1.1.2"], "0.50")
    make_budget_line(activities["2.1.1"], "100.00")
    make_budget_line(activities["Y2 2.1.3"], "5000.00")
    spend(activities["1.1.1"], 1, committed="100.00", disbursed="300.00")
    spend(activities["1.1.1"], 2, disbursed="0.50")
    spend(activities["1.1.1"], 3, disbursed="200.00")
    spend(activities["1.1.2"], 1, disbursed="0.50")
    spend(activities["2.1.1"], 1, disbursed="30.09")
    transfer(year_1, "UNESCO", "1000.00", date(2009, 1, 15))
    transfer(year_1, "UNESCO", "500.00", date(2009, 8, 1))
    transfer(year_1, "ILO", "400.00", date(2009, 1, 15))
    programme.refresh_from_db()
    return SmallExample(programme, year_1, year_2, activities)
