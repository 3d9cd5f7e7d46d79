"""The grid of agencies and quarters of the reporting cycle (`reporting/_grid.html`), on the dashboard and
the reporting page."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from reports.cycle_views import LinkedCell
from workplan.models import Agency, Submission

register = template.Library()

# What a cell's status is flagged with beside its words, for those who scan the grid by eye.
STATUS_SIGNS = {
    Submission.Status.OVERDUE: "⚠ ",
    Submission.Status.ACCEPTED: "✓ ",
    Submission.Status.SENT_BACK: "↩ ",
}


@register.simple_tag
def submission_grid_rows(grid: list[tuple[Agency, list[LinkedCell]]]) -> SafeString:
    """A row per agency, a linked cell per quarter with its status and due date: written in one pass, not
    by the template engine cell by cell. The columns are those of the table head in `reporting/_grid.html`."""
    rows = []
    for agency, cells in grid:
        html = [f'<tr><th scope="row">{escape(agency.code)}</th>']
        for cell in cells:
            sign = STATUS_SIGNS.get(cell.status)
            flag = f'<span aria-hidden="true">{sign}</span>' if sign else ""
            html.append(
                f'<td class="submission-{cell.status}" data-status="{cell.status}"><a href="{escape(cell.url)}">'
                f'{flag}{escape(cell.label)}</a><br><small class="muted">{escape(cell.due_label)}</small></td>'
            )
        rows.append("".join(html) + "</tr>")
    return mark_safe("\n".join(rows))  # every value is escaped, or a status of the model's choices
