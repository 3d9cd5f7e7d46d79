import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.money import format_amount, format_money
from finance.key_figures import KeyFigures, ProgrammeKeyFigures, key_figures
from workplan.models import Programme


def figures_as_json(figures: KeyFigures) -> dict:
    """Amounts as strings with two decimals, rates as strings with one decimal or null."""

    def rate(value):
        return None if value is None else f"{value:.1f}"

    return {
        "approved": format_amount(figures.approved),
        "transferred": None if figures.transferred is None else format_amount(figures.transferred),
        "committed": format_amount(figures.committed),
        "disbursed": format_amount(figures.disbursed),
        "delivery_rate": rate(figures.delivery_rate),
        "budget_use": rate(figures.budget_use),
    }


def key_figures_as_json(figures: ProgrammeKeyFigures) -> dict:
    readiness = figures.readiness
    return {
        "programme": figures.programme.mptf_project_id,
        "as_of": figures.as_of.isoformat(),
        "currency": figures.programme.currency,
        "illustrative": figures.illustrative,
        "by_agency": {code: figures_as_json(value) for code, value in figures.by_agency.items()},
        "by_output": {code: figures_as_json(value) for code, value in figures.by_output.items()},
        "total": figures_as_json(figures.total),
        "approved_work_plans": {
            str(plan.year): {
                "listed": format_amount(plan.listed),
                "stated": None if plan.stated is None else format_amount(plan.stated),
                "difference": None if plan.difference is None else format_amount(plan.difference),
            }
            for plan in figures.approved_plans
        },
        "tranche_readiness": None
        if readiness is None
        else {
            "year": readiness.year,
            "transferred": format_amount(readiness.transferred),
            "committed_and_disbursed": format_amount(readiness.spending.used),
            "share": None if readiness.share is None else f"{readiness.share:.1f}",
            "threshold": f"{readiness.threshold:.1f}",
            "ready": readiness.ready,
        },
    }


class Command(BaseCommand):
    help = (
        "Print a programme's key figures as of a date (default today): approved budget, transferred, committed, "
        "disbursed (indirect cost included), delivery rate and budget use, by agency, by JP output and in total."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programme", help="MPTF project ID; needed only when there are several programmes.")
        parser.add_argument("--as-of", type=date.fromisoformat, help="The date, YYYY-MM-DD (default: today).")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print one JSON object; amounts as strings."
        )

    def handle(self, *args, programme, as_of, as_json: bool, **options):
        figures = key_figures(self._programme(programme), as_of or timezone.localdate())
        if as_json:
            self.stdout.write(json.dumps(key_figures_as_json(figures), ensure_ascii=False))
        else:
            self._print_table(figures)

    @staticmethod
    def _programme(mptf_project_id: str | None) -> Programme:
        programmes = Programme.objects.all()
        if mptf_project_id:
            programmes = programmes.filter(mptf_project_id=mptf_project_id)
        if programmes.count() != 1:
            raise CommandError(
                _("Name the programme with --programme (one of: %(ids)s).")
                % {"ids": ", ".join(programmes.values_list("mptf_project_id", flat=True)) or _("none loaded")}
            )
        return programmes.get()

    def _print_table(self, figures: ProgrammeKeyFigures) -> None:
        programme = figures.programme
        columns = (_("Approved"), _("Transferred"), _("Committed"), _("Disbursed"), _("Delivery"), _("Budget use"))
        width = max(len(label) for label in [_("Total"), *figures.by_agency, *figures.by_output]) + 2

        def row(label: str, values: KeyFigures) -> None:
            amounts = (values.approved, values.transferred, values.committed, values.disbursed)
            cells = [format_money(amount) if amount is not None else "-" for amount in amounts]
            cells += [f"{rate:.1f}%" if rate is not None else "-" for rate in (values.delivery_rate, values.budget_use)]
            self.stdout.write(f"{label:<{width}}" + "".join(f"{cell:>16}" for cell in cells))

        def heading(title: str) -> None:
            self.stdout.write("")
            self.stdout.write(self.style.MIGRATE_HEADING(f"{title:<{width}}" + "".join(f"{c:>16}" for c in columns)))

        self.stdout.write(
            _("%(title)s: key figures as of %(date)s (%(currency)s, Mgt support included)")
            % {"title": programme.title, "date": figures.as_of.isoformat(), "currency": programme.currency}
        )
        if figures.illustrative:
            self.stdout.write(self.style.WARNING(_("Illustrative figures, not from the programme's sources")))
        heading(_("By agency"))
        for code, values in figures.by_agency.items():
            row(code, values)
        row(_("Total"), figures.total)
        heading(_("By output"))
        for code, values in figures.by_output.items():
            row(code, values)
        self.stdout.write(_("By output, transferred is not given: the fund transfers to agencies, not to outputs."))
        for plan in figures.approved_plans:
            if plan.stated is not None:
                self.stdout.write(
                    _(
                        "Year %(year)s: listed activities %(listed)s, TOTAL stated on the plan %(stated)s, "
                        "difference %(difference)s."
                    )
                    % {
                        "year": plan.year,
                        "listed": format_money(plan.listed),
                        "stated": format_money(plan.stated),
                        "difference": format_money(plan.difference),
                    }
                )
        if figures.readiness is not None:
            readiness = figures.readiness
            self.stdout.write(
                _(
                    "Next tranche: committed and disbursed on year %(year)s are %(share)s of its %(transferred)s "
                    "transferred (threshold %(threshold)s%%)."
                )
                % {
                    "year": readiness.year,
                    "share": "-" if readiness.share is None else f"{readiness.share:.1f}%",
                    "transferred": format_money(readiness.transferred),
                    "threshold": readiness.threshold,
                }
            )
