"""An import plan: what importing a work plan workbook would create, change or leave alone,
and the problems that stop it. `budgets.workbook_import` makes one; `budgets.services` applies it."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from budgets.models import BudgetLine
from budgets.workbook_reading import Problem
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
    "implementation_comment",
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
    changed_fields: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.code} {self.values['title']}" if self.code else self.values["title"]

    def compare(self, existing_lines: dict[int, list[BudgetLine]], category_ids: list[int]) -> None:
        """Set the action, and what changes, against the existing activity and its lines of
        the categories the sheet has columns for."""
        existing = self.existing
        if existing is None:
            self.action = CREATED
            return
        for name in ACTIVITY_FIELDS:
            new = self.values[name]
            if name in FOREIGN_KEYS:
                new, old = (new.pk if new else None), getattr(existing, f"{name}_id")
            else:
                old = getattr(existing, name)
            if new != old:
                self.changed_fields.append(str(Activity._meta.get_field(name).verbose_name))
        old_lines = {
            (line.category_id, line.source_id): line.amount
            for line in existing_lines.get(existing.pk, [])
            if line.category_id in category_ids
        }
        if old_lines != self.lines:
            self.changed_fields.append(str(_("budget lines")))
        self.action = CHANGED if self.changed_fields else UNCHANGED


@dataclass
class ImportPlan:
    work_plan: WorkPlan
    activities: list[PlannedActivity] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    category_ids: list[int] = field(default_factory=list)  # the categories the sheet has a column for
    existing_lines: dict[int, list[BudgetLine]] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def with_action(self, action: str) -> list[PlannedActivity]:
        return [planned for planned in self.activities if planned.action == action]
