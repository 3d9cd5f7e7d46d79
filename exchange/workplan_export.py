"""The work plan as an Excel workbook, in the programme's own layout.

Sheets: "Work plan" (one row per activity and source of funds, grouped by JP output, amounts
by category, Mgt support and totals as formulas so the sheet stays right while someone edits
it), "Budget lines" (long format, for pivot tables), "Read me", and for a revised budget "Budget
revisions" (the original beside the current budget). Written in openpyxl's
write-only mode: memory stays flat however long the plan.
"""

from collections import defaultdict
from decimal import Decimal
from typing import BinaryIO

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter

from budgets.models import BudgetCategory, BudgetLine, BudgetRevision, FundingSource
from budgets.money import ZERO, indirect_cost
from budgets.selectors import INDIRECT_COST_LABEL, NO_OUTPUT_LABEL, budget_comparison
from exchange.cells import AMOUNT_FORMAT, LINE_HEIGHT, print_landscape_fit_to_width, wrapped_row_height
from exchange.layout import (
    BUDGET_LINES_SHEET,
    CATEGORY_WIDTH,
    HEADER_ROW,
    LEADING_COLUMNS,
    OTHER_GROUP,
    OUTPUT_HEADER_PREFIX,
    QUARTER_MARK,
    READ_ME_SHEET,
    REVISIONS_SHEET,
    TOTAL_ROW,
    TRAILING_COLUMNS,
    WORK_PLAN_SHEET,
    indirect_cost_note,
)
from workplan.models import Activity, Agency, Output, Partner, WorkPlan
from workplan.spreadsheet_safety import text_cell, text_value

# Named styles, registered once per workbook: a cell then only names its style, which keeps
# a large export fast (and shows the styles in Excel's gallery).
TEXT, AMOUNT, HEADER, GROUP, TOTAL, TITLE, NOTE, QUARTER = (
    "CISP text", "CISP amount", "CISP header", "CISP output", "CISP total", "CISP title", "CISP note",
    "CISP quarter",
)  # fmt: skip
TOP = Alignment(vertical="top")
WRAP = Alignment(wrap_text=True, vertical="top")


def named_styles() -> list[NamedStyle]:
    """Fresh for each workbook: a named style binds to the workbook it is added to."""
    return [
        NamedStyle(TEXT, alignment=WRAP),
        NamedStyle(AMOUNT, number_format=AMOUNT_FORMAT, alignment=TOP),
        NamedStyle(HEADER, font=Font(bold=True), fill=PatternFill("solid", fgColor="D9E2EC"), alignment=WRAP),
        NamedStyle(GROUP, font=Font(bold=True), fill=PatternFill("solid", fgColor="EEF2F6")),
        NamedStyle(TOTAL, font=Font(bold=True), number_format=AMOUNT_FORMAT),
        NamedStyle(TITLE, font=Font(bold=True, size=13)),
        NamedStyle(NOTE),
        NamedStyle(QUARTER, alignment=Alignment(horizontal="center", vertical="top")),
    ]


def amount_cell(sheet, value, style: str = AMOUNT) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.style = style
    return cell


def export_work_plan(*, work_plan: WorkPlan, stream: BinaryIO, activities: QuerySet[Activity] | None = None) -> None:
    """Write the work plan's workbook to a binary stream: every activity of the work plan, or those of
    `activities` (such as the work plan page's filtered list). The import matches rows by code, so a
    workbook of some activities imports back into the whole work plan and leaves the others alone."""
    programme = work_plan.programme
    categories = list(BudgetCategory.objects.filter(programme=work_plan.programme_id).order_by("position", "name"))
    selected = Activity.objects.filter(work_plan=work_plan)
    lines = BudgetLine.objects.filter(activity__work_plan=work_plan)
    if activities is not None:
        selected = activities.filter(work_plan=work_plan)
        lines = BudgetLine.objects.filter(activity__in=selected.values("pk"))
        total = Activity.objects.filter(work_plan=work_plan).count()
    rows = list(selected.select_related("output", "agency", "responsible_party").order_by("sort_key"))
    # activity -> source of funds -> category -> amount
    amounts: dict[int, dict[str, dict[int, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for activity_id, category_id, source_code, amount in lines.values_list(
        "activity_id", "category_id", "source__code", "amount"
    ).order_by():
        amounts[activity_id][source_code][category_id] = amount

    workbook = Workbook(write_only=True)
    for style in named_styles():
        workbook.add_named_style(style)
    selection = None if activities is None else (len(rows), total)
    _write_work_plan_sheet(workbook, work_plan, categories, rows, amounts, selection)
    _write_budget_lines_sheet(workbook, programme.indirect_cost_rate, categories, rows, amounts)
    _write_read_me_sheet(workbook, work_plan, categories)
    revisions = list(BudgetRevision.objects.filter(work_plan=work_plan).select_related("pmc_approved_by"))
    if len(revisions) > 1:
        _write_revisions_sheet(workbook, work_plan, revisions)
    workbook.save(stream)


def _groups(work_plan: WorkPlan, activities: list[Activity]) -> list[tuple[Output | None, list[Activity]]]:
    """Every JP output of the programme (so rows can be added under any), then "Other"."""
    by_output: dict[int | None, list[Activity]] = defaultdict(list)
    for activity in activities:
        by_output[activity.output_id].append(activity)
    outputs = Output.objects.filter(outcome__programme=work_plan.programme).order_by("sort_key")
    return [(output, by_output.get(output.pk, [])) for output in outputs] + [(None, by_output.get(None, []))]


def _write_work_plan_sheet(workbook, work_plan, categories, activities, amounts, selection) -> None:
    sheet = workbook.create_sheet(str(WORK_PLAN_SHEET))
    rate = work_plan.programme.indirect_cost_rate
    widths = [column.width for column in LEADING_COLUMNS] + [CATEGORY_WIDTH] * len(categories)
    widths += [column.width for column in TRAILING_COLUMNS]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    first_category = len(LEADING_COLUMNS) + 1
    last_category = first_category + len(categories) - 1
    first_letter, last_letter = get_column_letter(first_category), get_column_letter(last_category)
    mgt_letter = get_column_letter(last_category + 1)
    # Codes and titles stay in view while scrolling right, the headers while scrolling down.
    sheet.freeze_panes = f"D{HEADER_ROW + 1}"
    print_landscape_fit_to_width(sheet, header_row=HEADER_ROW)

    programme = work_plan.programme
    title = _("%(title)s: work plan year %(year)s (%(currency)s)") % {
        "title": programme.title,
        "year": work_plan.year,
        "currency": programme.currency,
    }
    if selection is not None:
        title += " " + _("(%(shown)s of its %(total)s activities, as filtered)") % {
            "shown": selection[0],
            "total": selection[1],
        }
    sheet.append([text_cell(sheet, title, TITLE)])
    sheet.append([text_cell(sheet, indirect_cost_note(rate), NOTE)])
    labels = [str(c.label) for c in LEADING_COLUMNS] + [c.name for c in categories]
    labels += [str(c.label) for c in TRAILING_COLUMNS]
    sheet.row_dimensions[HEADER_ROW].height = 2 * LINE_HEIGHT  # "Activity code", "Responsible party" wrap
    sheet.append([text_cell(sheet, label, HEADER) for label in labels])

    row = HEADER_ROW
    rate_text = f"{rate.normalize():f}"

    def computed_cells(on_first_row: bool, first_row: int, last_row: int) -> list:
        if not on_first_row:
            return [amount_cell(sheet, None), amount_cell(sheet, None)]
        direct = f"SUM({first_letter}{first_row}:{last_letter}{last_row})"
        return [
            amount_cell(sheet, f"=ROUND({direct}*{rate_text},2)"),
            amount_cell(sheet, f"={direct}+{mgt_letter}{first_row}"),
        ]

    for output, group in _groups(work_plan, activities):
        row += 1
        heading = f"{OUTPUT_HEADER_PREFIX} {output.code} {output.title}".strip() if output else str(OTHER_GROUP)
        sheet.append([text_cell(sheet, heading, GROUP)])
        for activity in group:
            by_source = amounts.get(activity.pk) or {"": {}}
            # One row per source of funds; Mgt support and Total, on the first, cover them all:
            # the 7% is taken on the activity's direct total, not source by source.
            first_row, last_row = row + 1, row + len(by_source)
            for source_code in sorted(by_source):
                row += 1
                sheet.row_dimensions[row].height = _activity_row_height(activity)
                sheet.append(
                    _activity_cells(sheet, activity, source_code)
                    + [amount_cell(sheet, by_source[source_code].get(category.pk)) for category in categories]
                    + computed_cells(row == first_row, first_row, last_row)
                    + [text_cell(sheet, activity.implementation_comment, TEXT)]
                )

    first_data, last_data = HEADER_ROW + 1, max(row, HEADER_ROW + 1)
    total_cells = [text_cell(sheet, str(TOTAL_ROW), TOTAL)] + [None] * (len(LEADING_COLUMNS) - 1)
    for index in range(first_category, last_category + 3):
        letter = get_column_letter(index)
        total_cells.append(amount_cell(sheet, f"=SUM({letter}{first_data}:{letter}{last_data})", TOTAL))
    sheet.append(total_cells)


def _activity_cells(sheet, activity: Activity, source_code: str) -> list:
    quarters = (activity.planned_q1, activity.planned_q2, activity.planned_q3, activity.planned_q4)
    return [
        text_cell(sheet, activity.annual_target, TEXT),
        text_cell(sheet, activity.code, TEXT),
        text_cell(sheet, activity.title, TEXT),
        *(text_cell(sheet, QUARTER_MARK if planned else "", QUARTER) for planned in quarters),
        text_cell(sheet, activity.agency.code, TEXT),
        text_cell(sheet, activity.responsible_party.code if activity.responsible_party else "", TEXT),
        text_cell(sheet, source_code, TEXT),
    ]


def _activity_row_height(activity: Activity) -> int:
    return wrapped_row_height(
        (text, column.width)
        for text, column in zip(
            (activity.annual_target, activity.title, activity.implementation_comment),
            (LEADING_COLUMNS[0], LEADING_COLUMNS[2], TRAILING_COLUMNS[-1]),
            strict=True,
        )
    )


def _write_budget_lines_sheet(workbook, rate, categories, activities, amounts) -> None:
    sheet = workbook.create_sheet(str(BUDGET_LINES_SHEET))
    headers = [
        (_("JP output"), 10),
        (_("Activity code"), 10),
        (_("Activity"), 48),
        (_("UN agency"), 10),
        (_("Responsible party"), 12),
        (_("Source of funds"), 10),
        (_("Category"), 16),
        (_("Amount"), 14),
    ]
    for index, (_label, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([text_cell(sheet, label, HEADER) for label, _width in headers])
    for activity in activities:
        leading = [
            activity.output.code if activity.output else str(OTHER_GROUP),
            activity.code,
            activity.title,
            activity.agency.code,
            activity.responsible_party.code if activity.responsible_party else "",
        ]
        by_source = amounts.get(activity.pk, {})
        lines = [
            (source_code, category.name, by_category[category.pk])
            for source_code, by_category in sorted(by_source.items())
            for category in categories
            if category.pk in by_category
        ]
        direct = sum((amount for _source, _name, amount in lines), ZERO)
        # The indirect cost is the activity's, on all its sources together.
        lines.append((", ".join(sorted(by_source)), _(INDIRECT_COST_LABEL), indirect_cost(direct, rate)))
        for source_code, name, amount in lines:
            # Unstyled: a pivot table formats its own sums, and 10 cells a row add up on a long plan.
            sheet.append([text_value(sheet, value) for value in [*leading, source_code, name]] + [amount])


def _write_read_me_sheet(workbook, work_plan, categories) -> None:
    sheet = workbook.create_sheet(str(READ_ME_SHEET))
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90
    rate = work_plan.programme.indirect_cost_rate

    def line(first="", second="", *, style=GROUP):
        sheet.append([text_cell(sheet, first, style), text_cell(sheet, second, TEXT)])

    line(_("How to use this workbook"), style=TITLE)
    line(
        "",
        _(
            'Edit the sheet "Work plan" and import it back. Activities are matched by their code; those '
            "without a code (under Other) by their title. Rows left out of the sheet are not deleted. "
            'The sheet "Budget lines" is for pivot tables and is not read on import.'
        ),
    )
    line()
    line(_("Columns"), style=TITLE)
    columns = [
        (_("Annual target"), _("What the activity should achieve this year. Free text.")),
        (_("Activity code"), _('Such as "2.1.10", starting with the code of its JP output. Empty only under Other.')),
        (_("Activity"), _("The activity's title. Required.")),
        (_("Q1 to Q4"), _('"x" (or X, or a tick) in each quarter the activity is planned; empty otherwise.')),
        (_("UN agency"), _("Code or name of a UN agency listed below. Required.")),
        (_("Responsible party"), _("Code or name of a national partner listed below, or empty.")),
        (
            _("Source of funds"),
            _(
                "Code or name of a source of funds listed below; required when there are amounts. An activity "
                "funded from several sources has one row per source, with the same code and the same other cells."
            ),
        ),
        (
            _("Budget categories"),
            _(
                "One column per direct category: the amount, at most two decimals, never negative; empty for "
                "none. An activity's budget lines are replaced by those of its row."
            ),
        ),
        (
            _(INDIRECT_COST_LABEL),
            _(
                "Computed: %(note)s, rounded to the cent, on the activity's direct total (on its first row when "
                "it has several). Never read on import."
            )
            % {"note": indirect_cost_note(rate)},
        ),
        (_("Total"), _("Computed: direct categories plus Mgt support. Never read on import.")),
        (_("Comments"), _("State of implementation. Free text.")),
    ]
    for name, meaning in columns:
        line(str(name), str(meaning))

    for heading, rows in [
        (_("UN agencies"), Agency.objects.values_list("code", "name")),
        (_("National partners"), Partner.objects.values_list("code", "name")),
        (_("Sources of funds"), FundingSource.objects.values_list("code", "name")),
        (_("Budget categories"), [(category.name, category.code) for category in categories]),
        (
            _("JP outputs"),
            [
                (output.code, output.display_title)
                for output in Output.objects.filter(outcome__programme=work_plan.programme).order_by("sort_key")
            ],
        ),
    ]:
        line()
        line(str(heading), style=TITLE)
        for code, name in rows:
            line(code, name)


def _write_revisions_sheet(workbook, work_plan: WorkPlan, revisions: list[BudgetRevision]) -> None:
    """The original budget beside the current one by JP output and agency (the whole plan, whatever the
    filters of the other sheets), then the original and each revision as recorded."""
    sheet = workbook.create_sheet(str(REVISIONS_SHEET))
    for letter, width in zip("ABCDEF", (12, 40, 16, 16, 16, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    comparison = budget_comparison(work_plan)
    sheet.append(
        [
            text_cell(
                sheet,
                _("Original and current budget of work plan year %(year)s (%(currency)s, Mgt support included)")
                % {"year": work_plan.year, "currency": work_plan.programme.currency},
                TITLE,
            )
        ]
    )
    sheet.append([])
    headers = [_("JP output"), _("UN agency"), _("Original"), _("Current"), _("Difference")]
    sheet.append([text_cell(sheet, str(label), HEADER) for label in headers])

    def output_label(code: str) -> str:
        return str(OTHER_GROUP) if code == NO_OUTPUT_LABEL else code

    def figures(change, style=AMOUNT) -> list:
        return [
            amount_cell(sheet, value, style)
            for value in (change.original.total, change.current.total, change.difference)
        ]

    for change in comparison.by_output_and_agency:
        output_code, agency_code = change.key
        sheet.append([text_value(sheet, output_label(output_code)), text_value(sheet, agency_code), *figures(change)])
    for change in comparison.by_output:
        sheet.append(
            [
                text_cell(sheet, output_label(change.key), GROUP),
                text_cell(sheet, _("All agencies"), GROUP),
                *figures(change, TOTAL),
            ]
        )
    for change in comparison.by_agency:
        sheet.append(
            [text_cell(sheet, _("All outputs"), GROUP), text_cell(sheet, change.key, GROUP), *figures(change, TOTAL)]
        )
    sheet.append([text_cell(sheet, str(TOTAL_ROW), TOTAL), "", *figures(comparison.total, TOTAL)])

    sheet.append([])
    headers = [_("Revision"), _("Reason"), _("Date"), _("Approved by"), _("Moved between outputs"), _("PMC approval")]
    sheet.append([text_cell(sheet, str(label), HEADER) for label in headers])
    for revision in revisions:
        if not revision.needs_pmc_approval:
            pmc = _("not needed")
        elif revision.pmc_approved_by_id is None:
            pmc = _("needed, not yet given")
        else:
            pmc = _("approved by %(by)s") % {"by": revision.pmc_approved_by}
        sheet.append(
            [
                text_value(sheet, _("Original") if revision.is_original else str(revision.number)),
                text_cell(sheet, revision.reason, TEXT),
                text_value(sheet, date_format(revision.date, "SHORT_DATE_FORMAT")),
                text_value(sheet, revision.approved_by),
                amount_cell(sheet, revision.moved_between_outputs),
                text_value(sheet, pmc),
            ]
        )
