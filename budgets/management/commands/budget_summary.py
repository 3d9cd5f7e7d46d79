import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from budgets.money import format_amount, format_money
from budgets.selectors import INDIRECT_COST_LABEL, TOTAL_LABEL, work_plan_budget
from workplan.management.work_plan_argument import add_work_plan_arguments, work_plan_from_options


class Command(BaseCommand):
    help = (
        "Print a work plan's budget by category, agency and output, with the indirect cost (Mgt support), "
        "the total, the totals stated on the plan and the difference (stated minus listed)."
    )

    def add_arguments(self, parser):
        add_work_plan_arguments(parser)
        parser.add_argument("--json", action="store_true", help="Print one JSON object; amounts as strings.")

    def handle(self, *args, json: bool, **options):
        budget = work_plan_budget(work_plan_from_options(options))
        if json:
            self.stdout.write(self._as_json(budget))
        else:
            self._print_table(budget)

    @staticmethod
    def _as_json(budget) -> str:
        def amounts(mapping):
            return {key: format_amount(value) for key, value in mapping.items()}

        by_category = {**budget.by_category, INDIRECT_COST_LABEL: budget.listed.indirect}
        summary = {
            "programme": budget.work_plan.programme.mptf_project_id,
            "year": budget.work_plan.year,
            "currency": budget.work_plan.programme.currency,
            "by_category": amounts(by_category),
            "by_agency": amounts({code: figures.total for code, figures in budget.by_agency.items()}),
            "by_output": amounts({code: figures.total for code, figures in budget.by_output.items()}),
            "indirect": format_amount(budget.listed.indirect),
            "total": format_amount(budget.listed.total),
            "stated": amounts(budget.stated) if budget.stated is not None else None,
            "difference": amounts(budget.difference) if budget.difference is not None else None,
        }
        return json.dumps(summary, ensure_ascii=False)

    def _print_table(self, budget) -> None:
        programme = budget.work_plan.programme
        width = max(len(name) for name in [*budget.listed_by_line, *budget.by_output, *budget.by_agency]) + 2

        def row(label, *amounts):
            cells = "".join(f"{format_money(amount):>16}" if amount is not None else f"{'':>16}" for amount in amounts)
            self.stdout.write(f"{label:<{width}}{cells}")

        def heading(title, *columns):
            self.stdout.write("")
            self.stdout.write(self.style.MIGRATE_HEADING(f"{title:<{width}}" + "".join(f"{c:>16}" for c in columns)))

        self.stdout.write(
            _("%(title)s: work plan year %(year)s (%(currency)s)")
            % {"title": programme.title, "year": budget.work_plan.year, "currency": programme.currency}
        )
        heading(_("By category"), _("Listed"), _("Stated"), _("Difference"))
        stated, difference = budget.stated or {}, budget.difference or {}
        for label, amount in budget.listed_by_line.items():
            row(label, amount, stated.get(label), difference.get(label))
        for title, groups in ((_("By agency"), budget.by_agency), (_("By output"), budget.by_output)):
            heading(title, _("Direct"), INDIRECT_COST_LABEL, TOTAL_LABEL)
            for label, figures in groups.items():
                row(label, figures.direct, figures.indirect, figures.total)
        if budget.stated is None:
            self.stdout.write("")
            self.stdout.write(_("The work plan has no stated TOTAL row to compare with."))
