"""An import plan: what importing a work plan workbook would create, change or leave alone,
and the problems that stop it. `exchange.workplan_import` makes one; `exchange.services` applies it."""

from dataclasses import dataclass, field
from decimal import Decimal

from budgets.models import BudgetLine
from budgets.money import format_money
from exchange.reading import Problem
from workplan.models import Activity, WorkPlan

# Activity fields an import sets; compared to tell a changed activity from an unchanged one.
ACTIVITY_FIELDS = [
    "output",
    "title",
    "annual_target",
    "agency",
    "responsible_party",
    "planned_q1",
    "planned_q2",
    "planned_q3",
    "planned_q4",
]
FOREIGN_KEYS = {"output", "agency", "responsible_party"}

CREATED, CHANGED, UNCHANGED = "created", "changed", "unchanged"


@dataclass
class PlannedActivity:
    row: int
    code: str
    values: dict  # ACTIVITY_FIELDS -> value (model instances for foreign keys)
    lines: dict[tuple[int, int], Decimal]  # (category id, source id) -> amount
    existing: Activity | None
    action: str = UNCHANGED
    # What the import would change, as the user reads it: (field or budget category, before, after).
    changes: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def changed_fields(self) -> list[str]:
        return [what for what, _before, _after in self.changes]

    @property
    def label(self) -> str:
        return f"{self.code} {self.values['title']}" if self.code else self.values["title"]

    def compare(
        self, existing_lines: dict[int, list[BudgetLine]], category_names: dict[int, str], source_codes: dict[int, str]
    ) -> None:
        """Set the action, and what changes, against the existing activity and its lines of
        the categories the sheet has columns for."""
        existing = self.existing
        if existing is None:
            self.action = CREATED
            return
        for name in ACTIVITY_FIELDS:
            new, old = self.values[name], getattr(existing, name)
            if not same_value(name, new, old):
                label = str(Activity._meta.get_field(name).verbose_name)
                self.changes.append((label, shown_value(old), shown_value(new)))
        old_lines = {
            (line.category_id, line.source_id): line.amount
            for line in existing_lines.get(existing.pk, [])
            if line.category_id in category_names
        }
        keys = old_lines.keys() | self.lines.keys()
        several_sources = len({source_id for _category_id, source_id in keys}) > 1
        for category_id, source_id in sorted(keys):
            before, after = old_lines.get((category_id, source_id)), self.lines.get((category_id, source_id))
            if before != after:
                what = category_names[category_id]
                if several_sources:
                    what = f"{what} ({source_codes[source_id]})"
                self.changes.append((what, shown_value(before), shown_value(after)))
        self.action = CHANGED if self.changes else UNCHANGED


@dataclass
class ImportPlan:
    work_plan: WorkPlan
    activities: list[PlannedActivity] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    category_names: dict[int, str] = field(default_factory=dict)  # the categories the sheet has a column for
    existing_lines: dict[int, list[BudgetLine]] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def with_action(self, action: str) -> list[PlannedActivity]:
        return [planned for planned in self.activities if planned.action == action]


def same_value(name: str, new, old) -> bool:
    """Whether two values of an activity field are the same; records compared by key."""
    if name in FOREIGN_KEYS:
        return _pk(new) == _pk(old)
    return new == old


def _pk(record):
    return record.pk if record is not None else None


def shown_value(value) -> str:
    """A value as the preview shows it: amounts with separators, a planned quarter as "x",
    nothing as a dash."""
    if value is None or value == "" or value is False:
        return "-"
    if value is True:
        return "x"
    if isinstance(value, Decimal):
        return format_money(value)
    return str(value)
