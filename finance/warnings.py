"""What in a programme's money needs looking at, each warning naming its record (activity code, agency,
quarter): disbursed above an activity's budget, an agency's disbursed above what it received, expenditure on
a cancelled activity or for a quarter not yet ended, and quarters past due with nothing reported."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from budgets.models import BudgetLine, StatedBudget
from budgets.money import format_money, from_cents
from budgets.selectors import BUDGET_CACHE_SECONDS, latest_changes
from finance.key_figures import (
    ProgrammeKeyFigures,
    ProgrammeMoney,
    add_up,
    counted_by,
    read_money,
    tranche_threshold,
)
from finance.models import Expenditure, Transfer
from workplan.models import Activity, Programme, WorkPlan
from workplan.natural_sort import natural_sort_key
from workplan.periods import QUARTERS, report_period
from workplan.reporting import due_date
from workplan.selectors import programme_codes


@dataclass(frozen=True)
class FinanceWarning:
    kind: str  # one of WARNING_KINDS
    message: str


WARNING_KINDS = ("over_budget", "over_received", "cancelled", "quarter_not_ended", "not_reported")


def key_figures_and_warnings(programme: Programme, as_of: date) -> tuple[ProgrammeKeyFigures, list[FinanceWarning]]:
    """The key figures and what in them needs looking at, each warning naming its record: three queries
    when they are in the cache (`_key_figures_key`), ten when they are computed."""
    key = _key_figures_key(programme, as_of)
    cached = cache.get(key)
    if cached is None:
        money = read_money([programme], as_of)[programme.pk]
        figures = add_up(money, as_of)
        warnings = [*_activity_warnings(money), *_agency_warnings(figures), *_calendar_warnings(money, as_of)]
        cached = (figures, warnings)
        cache.set(key, cached, BUDGET_CACHE_SECONDS)
    figures, warnings = cached
    # The programme as read for this request: its name and currency as they are now.
    return replace(figures, programme=programme), warnings


def _key_figures_key(programme: Programme, as_of: date) -> str:
    """The cache key of a programme's key figures and warnings, made of what they are computed from:
    the latest change to any activity, budget line, expenditure and transfer (`latest_changes`), the
    programme's work plans (their years, status, periods and printed totals), the codes the figures and
    warnings are named by, the programme's rate and start date, the date, the thresholds, and the
    language the warnings are written in. Three queries, written as SQL."""
    state = (
        programme.pk,
        programme.indirect_cost_rate,
        programme.start_date,
        as_of,
        get_language(),
        tranche_threshold(),
        settings.REPORT_DUE_DAYS,
        *_work_plans(programme),
        *programme_codes(programme.pk),
        *latest_changes(Activity, BudgetLine, Expenditure, Transfer),
    )
    digest = hashlib.sha256(":".join(str(part) for part in state).encode()).hexdigest()
    return f"key-figures:{programme.pk}:{digest}"


def _work_plans(programme: Programme) -> list[tuple]:
    """The programme's work plans: year, status, period and printed total. One query, written as SQL as
    `latest_changes` is: every page with key figures runs it, and the ORM took longer to build it than the
    database to answer it."""
    quote = connection.ops.quote_name
    work_plan, stated = quote(WorkPlan._meta.db_table), quote(StatedBudget._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id, p.year, p.status, p.period_start, p.period_end, s.total FROM {work_plan} p "
            f"LEFT JOIN {stated} s ON s.work_plan_id = p.id WHERE p.programme_id = %s ORDER BY p.id",
            [programme.pk],
        )
        return cursor.fetchall()


def finance_warnings(programme: Programme, as_of: date) -> list[FinanceWarning]:
    return key_figures_and_warnings(programme, as_of)[1]


def _activity_warnings(money: ProgrammeMoney) -> list[FinanceWarning]:
    warnings = []
    for activity_id, committed, committed_indirect, disbursed, disbursed_indirect, _made_up in money.spent.values():
        _pk, _plan, code, agency, _output, status, budget, budget_indirect = money.activities[activity_id]
        names = {"code": code, "agency": agency}
        paid = from_cents(disbursed + disbursed_indirect)
        planned = from_cents(budget + budget_indirect)
        if paid > planned:
            message = _("Activity %(code)s (%(agency)s): disbursed %(disbursed)s, above its budget of %(budget)s.")
            names |= {"disbursed": format_money(paid), "budget": format_money(planned)}
            warnings.append((code, FinanceWarning("over_budget", message % names)))
        if status == Activity.Status.CANCELLED:
            used = format_money(from_cents(committed + committed_indirect) + paid)
            message = _("Activity %(code)s (%(agency)s) is cancelled, yet %(amount)s was committed or disbursed on it.")
            warnings.append((code, FinanceWarning("cancelled", message % {**names, "amount": used})))
    return [warning for _code, warning in sorted(warnings, key=lambda item: natural_sort_key(item[0]))]


def _agency_warnings(figures: ProgrammeKeyFigures) -> list[FinanceWarning]:
    message = _("%(agency)s: disbursed %(disbursed)s, above the %(transferred)s it received.")
    return [
        FinanceWarning(
            "over_received",
            message
            % {
                "agency": agency,
                "disbursed": format_money(agency_figures.disbursed),
                "transferred": format_money(agency_figures.transferred),
            },
        )
        for agency, agency_figures in figures.by_agency.items()
        if agency_figures.disbursed > agency_figures.transferred
    ]


def _calendar_warnings(money: ProgrammeMoney, as_of: date) -> list[FinanceWarning]:
    """Expenditure reported for a quarter still running on `as_of`, and quarters whose report is past
    due (`workplan.reporting.due_date`) with nothing reported by an agency with activities in the year:
    two queries."""
    work_plans = list(money.work_plans.values())
    warnings = []
    early = (
        Expenditure.objects.filter(activity__work_plan__in=work_plans)
        .exclude(counted_by(work_plans, as_of))
        .filter(Q(committed__gt=0) | Q(disbursed__gt=0))
        .values_list("activity_id", "quarter")
        .distinct()
    )
    message = _(
        "Activity %(code)s (%(agency)s): expenditure reported for year %(year)s Q%(quarter)s, which ends on %(end)s."
    )
    for activity_id, quarter in sorted(early, key=lambda row: (natural_sort_key(money.activities[row[0]][2]), row[1])):
        _pk, work_plan_id, code, agency, *_rest = money.activities[activity_id]
        work_plan = money.work_plans[work_plan_id]
        names = {"code": code, "agency": agency, "year": work_plan.year, "quarter": quarter}
        end = date_format(report_period(work_plan, quarter).end, "SHORT_DATE_FORMAT")
        warnings.append(FinanceWarning("quarter_not_ended", message % {**names, "end": end}))

    reported = set(
        Expenditure.objects.filter(activity__work_plan__in=work_plans)
        .values_list("activity__work_plan_id", "activity__agency__code", "quarter")
        .distinct()
    )
    agencies_by_plan: dict[int, set[str]] = defaultdict(set)
    for _pk, work_plan_id, _code, agency, *_rest in money.activities.values():
        agencies_by_plan[work_plan_id].add(agency)
    message = _("%(agency)s reported no expenditure for year %(year)s Q%(quarter)s, which ended on %(end)s.")
    for work_plan in work_plans:
        for quarter in QUARTERS:
            if due_date(work_plan, quarter) >= as_of:
                continue
            end = date_format(report_period(work_plan, quarter).end, "SHORT_DATE_FORMAT")
            for agency in sorted(agencies_by_plan[work_plan.pk]):
                if (work_plan.pk, agency, quarter) not in reported:
                    names = {"agency": agency, "year": work_plan.year, "quarter": quarter, "end": end}
                    warnings.append(FinanceWarning("not_reported", message % names))
    return warnings
