"""Reading the "Work plan" sheet row by row into an import plan: the header row, output
header rows, one row per activity and source of funds, and the checks of whole activities.
`exchange.workplan_import` opens the workbook and feeds the rows."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from budgets.models import BudgetCategory, BudgetLine, FundingSource
from budgets.money import ZERO, format_money, indirect_cost
from exchange.import_plan import UNCHANGED, ImportPlan, PlannedActivity, same_value, shown_value
from exchange.layout import (
    LEADING_COLUMNS,
    OTHER_GROUP,
    OUTPUT_HEADER_PREFIX,
    TOTAL_ROW,
    TRAILING_COLUMNS,
    normalise,
    spellings,
)
from exchange.reading import Problem, as_text, read_amount, read_quarter, shown
from workplan.models import Activity, Agency, Output, Partner
from workplan.permissions import importable_agencies

REQUIRED_KEYS = ["code", "title", "q1", "q2", "q3", "q4", "agency", "partner", "source"]
# The column each activity field is read from.
ROW_COLUMNS = {
    "output": "code",
    "title": "title",
    "annual_target": "annual_target",
    "agency": "agency",
    "responsible_party": "partner",
    "planned_q1": "q1",
    "planned_q2": "q2",
    "planned_q3": "q3",
    "planned_q4": "q4",
}
HEADER_SEARCH_ROWS = 20


class _Lookup:
    """Records found by code or name, in any case, with surrounding spaces ignored."""

    def __init__(self, records, *attributes):
        self.by_key = {}
        self.codes = []
        for record in records:
            self.codes.append(record.code)
            for attribute in attributes:
                self.by_key.setdefault(normalise(getattr(record, attribute)), record)

    def get(self, text: str):
        return self.by_key.get(normalise(text))

    @property
    def known(self) -> str:
        return ", ".join(sorted(self.codes))


def _importable_agencies(user, programme) -> list[Agency] | None:
    """None for the command line, coordinators and superusers: any row; a focal point's agencies."""
    agency_ids = importable_agencies(user, programme)
    if agency_ids is None:
        return None
    if not agency_ids:
        raise PermissionDenied(_("You may not import work plans."))
    return list(Agency.objects.filter(pk__in=agency_ids))


class SheetReader:
    """Reads the rows of one sheet, in order, into `plan`; `finish()` once the rows are read."""

    def __init__(self, plan: ImportPlan, sheet: str, user):
        self.plan = plan
        self.sheet = sheet
        work_plan = plan.work_plan
        self.rate = work_plan.programme.indirect_cost_rate
        self.restricted_to = _importable_agencies(user, work_plan.programme)
        self.columns: dict[str, int] | None = None  # key -> index in the row
        self.categories: dict[int, BudgetCategory] = {}  # index -> category
        self.headers: dict[int, str] = {}
        self.agencies = _Lookup(Agency.objects.all(), "code", "name")
        self.partners = _Lookup(Partner.objects.all(), "code", "name")
        sources = list(FundingSource.objects.all())
        self.sources = _Lookup(sources, "code", "name")
        self.source_codes = {source.pk: source.code for source in sources}
        self.outputs = {
            output.code: output
            for output in Output.objects.filter(outcome__programme=work_plan.programme).select_related("outcome")
        }
        activities = Activity.objects.filter(work_plan=work_plan).select_related(
            "output__outcome", "agency", "responsible_party"
        )
        self.by_code, self.by_title = {}, {}
        for activity in activities:
            # Validating a changed activity reads its work plan: the one in hand, not a query per row.
            activity.work_plan = work_plan
            if activity.code:
                self.by_code[activity.code] = activity
            else:
                self.by_title[activity.title] = activity
        for line in BudgetLine.objects.filter(activity__work_plan=work_plan).order_by():
            plan.existing_lines.setdefault(line.activity_id, []).append(line)
        self.total_labels = spellings(TOTAL_ROW)
        self.other_labels = spellings(OTHER_GROUP)
        self.output_prefixes = spellings(OUTPUT_HEADER_PREFIX)
        self.group_seen = False
        self.output: Output | None = None
        # An activity is on one row per source of funds: keyed by its code, or by its title
        # when it has none, its rows by source and the activity read from the first of them.
        self.rows_by_source: dict[tuple[str, str], dict] = {}
        self.planned: dict[tuple[str, str], PlannedActivity] = {}
        self.typed_mgt_support: dict[tuple[str, str], list[tuple[int, object]]] = {}

    def problem(self, message, row=None, index=None, value=None) -> Problem:
        return Problem(str(message), sheet=self.sheet, row=row, column=self.column_name(index), value=shown(value))

    def column_name(self, index: int | None) -> str:
        if index is None:
            return ""
        header = self.headers.get(index)
        letter = get_column_letter(index + 1)
        return f"{letter} ({header})" if header else letter

    def read_row(self, number: int, values: tuple) -> bool:
        """Read one row; False once the TOTAL row ends the data."""
        if self.columns is None:
            if number > HEADER_SEARCH_ROWS:
                self.plan.problems.append(
                    self.problem(_('No header row found: it needs at least "Activity code" and "Activity".'))
                )
                return False
            self._try_header(number, values)
            return True
        cells = list(values)
        if not any(as_text(value) for value in cells):
            return True
        first = normalise(as_text(cells[0])) if cells else ""
        if first in self.total_labels:
            return False
        if self._is_group_row(cells):
            self._read_group(number, cells[0])
            return True
        self._read_activity(number, cells)
        return True

    def finish(self) -> None:
        if self.columns is None and not self.plan.problems:
            self.plan.problems.append(
                self.problem(_('No header row found: it needs at least "Activity code" and "Activity".'))
            )
        for key, planned in self.planned.items():
            self._check_typed_mgt_support(planned, self.typed_mgt_support[key])
            planned.compare(self.plan.existing_lines, self.plan.category_names, self.source_codes)
            self._check_agency(planned)
        # Checks of whole activities come after those of single rows: the user reads them by row.
        self.plan.problems.sort(key=lambda problem: problem.row or 0)
        self.plan.warnings.sort(key=lambda problem: problem.row or 0)

    def _try_header(self, number: int, values: tuple) -> None:
        texts = [normalise(as_text(value)) for value in values]
        code_labels, title_labels = spellings(LEADING_COLUMNS[1].label), spellings(LEADING_COLUMNS[2].label)
        if not (any(text in code_labels for text in texts) and any(text in title_labels for text in texts)):
            return
        fixed = {}
        for column in LEADING_COLUMNS + TRAILING_COLUMNS:
            for spelling in spellings(column.label):
                fixed[spelling] = column.key
        categories = {}
        for category in BudgetCategory.objects.filter(programme=self.plan.work_plan.programme_id):
            categories[normalise(category.name)] = category
            categories[normalise(category.code)] = category
        self.columns = {}
        for index, text in enumerate(texts):
            if not text:
                continue
            self.headers[index] = as_text(values[index])
            key = fixed.get(text)
            category = categories.get(text)
            if key is None and category is None:
                self.plan.warnings.append(
                    self.problem(_("Unknown column, ignored."), row=number, index=index, value=values[index])
                )
            elif (key or f"category:{category.pk}") in self.columns:
                self.plan.problems.append(
                    self.problem(_("This column appears twice."), row=number, index=index, value=values[index])
                )
            elif key:
                self.columns[key] = index
            else:
                self.columns[f"category:{category.pk}"] = index
                self.categories[index] = category
        labels = {column.key: column.label for column in LEADING_COLUMNS}
        for key in REQUIRED_KEYS:
            if key not in self.columns:
                self.plan.problems.append(
                    self.problem(
                        _('The required column "%(column)s" is missing.') % {"column": labels[key]}, row=number
                    )
                )
        if not self.categories:
            self.plan.problems.append(self.problem(_("No budget category column found."), row=number))
        self.plan.category_names = {category.pk: category.name for category in self.categories.values()}

    def cell(self, cells: list, key: str):
        index = self.columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def _is_group_row(self, cells: list) -> bool:
        """A header row such as "JP Output 1.1 ..." or "Other": that text in the first cell alone."""
        text = normalise(as_text(cells[0]))
        if not text or any(as_text(value) for value in cells[1:]):
            return False
        return text in self.other_labels or any(text.startswith(prefix) for prefix in self.output_prefixes)

    def _read_group(self, number: int, value) -> None:
        text = as_text(value)
        self.group_seen = True
        if normalise(text) in self.other_labels:
            self.output = None
            return
        normalised = normalise(text)
        prefix = next(prefix for prefix in self.output_prefixes if normalised.startswith(prefix))
        words = normalised[len(prefix) :].split()
        code = words[0].rstrip(":") if words else ""
        self.output = self.outputs.get(code)
        if self.output is None:
            self.plan.problems.append(
                self.problem(
                    _("Unknown JP output %(code)s (known: %(codes)s).")
                    % {"code": code, "codes": ", ".join(sorted(self.outputs))},
                    row=number,
                    index=0,
                    value=value,
                )
            )

    def _read_activity(self, number: int, cells: list) -> None:
        problems = self.plan.problems
        start = len(problems)

        def refuse(message, key=None, value=None):
            problems.append(self.problem(message, row=number, index=self.columns.get(key), value=value))

        code = as_text(self.cell(cells, "code"))
        title = as_text(self.cell(cells, "title"))
        if not title:
            refuse(_("The activity's title is empty."), "title")
        output = self.output if self.group_seen else self.outputs.get(code.rsplit(".", 1)[0]) if code else None
        if output and not code:
            refuse(_("An activity under a JP output needs a code."), "code")
        elif output and not code.startswith(f"{output.code}."):
            refuse(
                _("Activity %(code)s does not belong to JP Output %(output)s.") % {"code": code, "output": output.code},
                "code",
                code,
            )
        quarters = {}
        for quarter in ("q1", "q2", "q3", "q4"):
            try:
                quarters[f"planned_{quarter}"] = read_quarter(self.cell(cells, quarter))
            except ValueError as error:
                refuse(error, quarter, self.cell(cells, quarter))

        agency_text = as_text(self.cell(cells, "agency"))
        agency = self.agencies.get(agency_text)
        if agency is None:
            refuse(
                _("Unknown UN agency (known: %(codes)s).") % {"codes": self.agencies.known}
                if agency_text
                else _("The UN agency is empty."),
                "agency",
                agency_text,
            )
        partner_text = as_text(self.cell(cells, "partner"))
        partner = self.partners.get(partner_text) if partner_text else None
        if partner_text and partner is None:
            known = {"codes": self.partners.known}
            refuse(_("Unknown responsible party (known: %(codes)s).") % known, "partner", partner_text)

        amounts: dict[int, Decimal] = {}
        for index, category in self.categories.items():
            value = cells[index] if index < len(cells) else None
            try:
                amount = read_amount(value)
            except ValueError as error:
                problems.append(self.problem(error, row=number, index=index, value=value))
                continue
            if amount is not None:
                amounts[category.pk] = amount
        source_text = as_text(self.cell(cells, "source"))
        source = self.sources.get(source_text) if source_text else None
        if source_text and source is None:
            refuse(
                _("Unknown source of funds (known: %(codes)s).") % {"codes": self.sources.known},
                "source",
                source_text,
            )
        elif amounts and not source_text:
            refuse(_("The source of funds is empty, but the row has amounts."), "source")

        key = ("code", code) if code else ("title", title)
        rows_by_source = self.rows_by_source.setdefault(key, {})
        source_key = source.pk if source else normalise(source_text)
        if source_key in rows_by_source:
            earlier = rows_by_source[source_key]
            refuse(
                _("The activity code %(code)s is also on row %(row)s, with the same source of funds.")
                % {"code": code, "row": earlier}
                if code
                else _(
                    "An activity without a code and with this title is also on row %(row)s, "
                    "with the same source of funds."
                )
                % {"row": earlier},
                "code" if code else "title",
                code or title,
            )
        elif code or title:
            rows_by_source[source_key] = number
        if len(problems) > start:
            return

        values = {
            "output": output,
            "title": title,
            "annual_target": as_text(self.cell(cells, "annual_target")),
            "agency": agency,
            "responsible_party": partner,
            **quarters,
        }
        lines = {(category_id, source.pk): amount for category_id, amount in amounts.items()}
        earlier = self.planned.get(key)
        if earlier is None:
            existing = self.by_code.get(code) if code else self.by_title.get(title)
            self._check_comment_unchanged(number, as_text(self.cell(cells, "comments")), existing)
            self.planned[key] = PlannedActivity(row=number, code=code, values=values, lines=lines, existing=existing)
            self.plan.activities.append(self.planned[key])
            self.typed_mgt_support[key] = []
        else:
            self._check_same_activity(number, earlier, values)
            earlier.lines.update(lines)
        self.typed_mgt_support[key].append((number, self.cell(cells, "mgt_support")))

    def _check_comment_unchanged(self, number: int, comment: str, existing: Activity | None) -> None:
        """The Comments column shows the state of implementation, which is reported each quarter on
        the activity's page (workplan.services.report_progress): exported to read, never imported."""
        if comment != as_text(existing.implementation_comment if existing else ""):
            self.plan.warnings.append(
                self.problem(
                    _(
                        "Comments are the state of implementation, reported each quarter on the activity's page: "
                        "the change in this cell was not imported."
                    ),
                    row=number,
                    index=self.columns.get("comments"),
                    value=comment,
                )
            )

    def _check_same_activity(self, number: int, earlier: PlannedActivity, values: dict) -> None:
        """Another source of funds of an activity already read: its other cells must say the same."""
        for name, column in ROW_COLUMNS.items():
            if not same_value(name, values[name], earlier.values[name]):
                self.plan.problems.append(
                    self.problem(
                        _(
                            "This row is another source of funds of the activity on row %(row)s, "
                            "but its %(column)s differs; make the rows of one activity agree."
                        )
                        % {"row": earlier.row, "column": self._field_label(name, column)},
                        row=number,
                        index=self.columns.get(column),
                        value=shown_value(values[name]),
                    )
                )

    def _field_label(self, name: str, column: str) -> str:
        # The JP output is read from the output header above the row (or the code's prefix).
        if name == "output":
            return str(_("JP output"))
        return self.headers.get(self.columns.get(column), column)

    def _check_typed_mgt_support(self, planned: PlannedActivity, typed_cells: list[tuple[int, object]]) -> None:
        """The column is recomputed, never read; a typed figure that disagrees is worth a word.
        An activity on several rows has one Mgt support, on its direct total: typed figures
        on its rows are added up."""
        typed = [
            (number, value)
            for number, value in typed_cells
            if value is not None and not (isinstance(value, str) and value.startswith("="))
        ]
        if not typed:
            return
        try:
            total = sum((read_amount(value) or ZERO for _number, value in typed), ZERO)
        except ValueError:
            total = None
        expected = indirect_cost(sum(planned.lines.values(), ZERO), self.rate)
        if total != expected:
            number, value = typed[0]
            self.plan.warnings.append(
                self.problem(
                    _("Mgt support is computed as %(expected)s (the rule on the direct amounts), not the typed figure.")
                    % {"expected": format_money(expected)},
                    row=number,
                    index=self.columns["mgt_support"],
                    value=value,
                )
            )

    def _check_agency(self, planned: PlannedActivity) -> None:
        """A focal point may not touch another agency's activities; their unchanged rows may stay in the file."""
        allowed = self.restricted_to
        if allowed is None or planned.action == UNCHANGED:
            return
        agencies = {planned.values["agency"].pk} | ({planned.existing.agency_id} if planned.existing else set())
        if not agencies <= {agency.pk for agency in allowed}:
            self.plan.problems.append(
                self.problem(
                    _("You may import only activities of %(agency)s; this row would change another agency's.")
                    % {"agency": ", ".join(agency.code for agency in allowed)},
                    row=planned.row,
                    index=self.columns.get("agency"),
                    value=planned.values["agency"].code,
                )
            )
