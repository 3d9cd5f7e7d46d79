"""The work plan's calendar: a work plan year, its four quarters and their dates, and the
activity fields that mark the quarters an activity is planned in. Pages, reports, workbooks
and (to come) reporting periods and their locks all count time here."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _

QUARTERS = (1, 2, 3, 4)
# The Activity fields of the Q1-Q4 timeframe, in quarter order.
PLANNED_QUARTER_FIELDS = tuple(f"planned_q{quarter}" for quarter in QUARTERS)
QUARTER_CHOICES = [(quarter, f"Q{quarter}") for quarter in QUARTERS]


def planned_field(quarter: int) -> str:
    if quarter not in QUARTERS:
        raise ValueError(f"quarter must be 1 to 4, not {quarter}")
    return PLANNED_QUARTER_FIELDS[quarter - 1]


def planned_in(*quarters: int) -> Q:
    """Activities planned in any of these quarters."""
    condition = Q()
    for quarter in quarters:
        condition |= Q(**{planned_field(quarter): True})
    return condition


def add_months(day: date, months: int) -> date:
    """The same day `months` later, on the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ReportPeriod:
    """Quarter `quarter` of a work plan year, or the year to date up to the end of that quarter."""

    year: int
    quarter: int
    year_to_date: bool
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.year_to_date:
            return _("Year %(year)s to date (Q1-Q%(quarter)s)") % {"year": self.year, "quarter": self.quarter}
        return _("Year %(year)s, Q%(quarter)s") % {"year": self.year, "quarter": self.quarter}

    @property
    def quarters(self) -> tuple[int, ...]:
        """The quarters the period covers."""
        return tuple(range(1, self.quarter + 1)) if self.year_to_date else (self.quarter,)


def year_bounds(work_plan) -> tuple[date, date]:
    """The work plan's period as recorded; when it is not, the programme year counted from the
    programme's start date (CISP Year 1: 10 Sep 2008 to 9 Sep 2009)."""
    start = work_plan.period_start or add_months(work_plan.programme.start_date, 12 * (work_plan.year - 1))
    end = work_plan.period_end or add_months(start, 12) - timedelta(days=1)
    return start, end


def report_period(work_plan, quarter: int, *, year_to_date: bool = False) -> ReportPeriod:
    if quarter not in QUARTERS:
        raise ValueError(f"quarter must be 1 to 4, not {quarter}")
    year_start, year_end = year_bounds(work_plan)
    quarter_start = add_months(year_start, 3 * (quarter - 1))
    quarter_end = year_end if quarter == 4 else add_months(year_start, 3 * quarter) - timedelta(days=1)
    return ReportPeriod(
        year=work_plan.year,
        quarter=quarter,
        year_to_date=year_to_date,
        start=year_start if year_to_date else quarter_start,
        end=quarter_end,
    )


def current_quarter(work_plan, today: date) -> int:
    """The quarter of the work plan year that `today` falls in: 1 before the year, 4 after it."""
    year_start, year_end = year_bounds(work_plan)
    if today > year_end:
        return 4
    return max(q for q in QUARTERS if add_months(year_start, 3 * (q - 1)) <= today or q == 1)
