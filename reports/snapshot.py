"""A progress report written to JSON and read back: the approved report is kept as it was approved
(`workplan.models.ReportApproval.snapshot`) and drawn from this copy by its page and workbook, whatever
changes afterwards. Every dataclass of the report object round-trips, with its Decimals, dates, tuples
and dictionaries; model instances are kept by primary key (the work plan is the page's own)."""

import dataclasses
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.utils.functional import Promise

from budgets.selectors import BudgetFigures, WorkPlanBudget
from finance.key_figures import Spending
from finance.spending import ReportSpending, SpendingRow
from reports.selectors import (
    ActivityRow,
    ActivitySection,
    BudgetSection,
    IndicatorRow,
    OutputGroup,
    QuarterlyReport,
    ResultFigures,
)
from workplan.models import WorkPlan
from workplan.periods import ReportPeriod

FORMAT = 1
CLASSES = {
    cls.__name__: cls
    for cls in (
        ActivityRow,
        ActivitySection,
        BudgetFigures,
        BudgetSection,
        IndicatorRow,
        OutputGroup,
        QuarterlyReport,
        ReportPeriod,
        ReportSpending,
        ResultFigures,
        Spending,
        SpendingRow,
        WorkPlanBudget,
    )
}


def report_to_json(report: QuarterlyReport) -> dict:
    return {"format": FORMAT, "report": _encode(report)}


def report_from_json(data: dict, work_plan: WorkPlan) -> QuarterlyReport:
    return _decode(data["report"], work_plan)


def _encode(value):
    if isinstance(value, WorkPlan):
        return {"__work_plan__": value.pk}
    if isinstance(value, models.Model):
        return {"__model__": value._meta.label, "pk": value.pk}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if name not in CLASSES:
            raise TypeError(f"{name} is not a part of a report")
        return {"__dc__": name, **{f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, Decimal):
        return {"__decimal__": str(value)}
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(item) for item in value]}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {"__dict__": [[_encode(key), _encode(item)] for key, item in value.items()]}
    if isinstance(value, Promise):
        return str(value)
    return value


def _decode(value, work_plan):
    if isinstance(value, list):
        return [_decode(item, work_plan) for item in value]
    if not isinstance(value, dict):
        return value
    if "__work_plan__" in value:
        return work_plan
    if "__model__" in value:
        return apps.get_model(value["__model__"]).objects.filter(pk=value["pk"]).first()
    if "__dc__" in value:
        cls = CLASSES[value["__dc__"]]
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{key: _decode(item, work_plan) for key, item in value.items() if key in names})
    if "__decimal__" in value:
        return Decimal(value["__decimal__"])
    if "__date__" in value:
        return date.fromisoformat(value["__date__"])
    if "__tuple__" in value:
        return tuple(_decode(item, work_plan) for item in value["__tuple__"])
    if "__dict__" in value:
        return {_decode(key, work_plan): _decode(item, work_plan) for key, item in value["__dict__"]}
    return value
