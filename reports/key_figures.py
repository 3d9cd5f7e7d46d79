"""The key figures as the dashboard and the report show them: the figures, their warnings and the
chart (`templates/finance/_key_figures*.html`)."""

from datetime import date

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from finance.key_figures import ProgrammeKeyFigures
from finance.warnings import key_figures_and_warnings
from reports.charts import grouped_bar_chart
from workplan.models import Programme


def key_figures_context(programme: Programme, as_of: date) -> dict:
    figures, warnings = key_figures_and_warnings(programme, as_of)
    return {"key_figures": figures, "finance_warnings": warnings, "key_figures_chart": key_figures_chart(figures)}


def key_figures_chart(figures: ProgrammeKeyFigures) -> SafeString:
    return grouped_bar_chart(
        [
            (agency, (values.approved, values.transferred, values.disbursed))
            for agency, values in figures.by_agency.items()
        ],
        series=(_("Approved"), _("Transferred"), _("Disbursed")),
        title=_("Approved budget, transferred and disbursed by agency (%(currency)s, Mgt support included)")
        % {"currency": figures.programme.currency},
    )
