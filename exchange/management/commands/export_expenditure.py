from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from exchange.expenditure_workbook import export_expenditure
from finance.selectors import expenditure_rows
from workplan.management.work_plan_argument import add_work_plan_arguments, work_plan_from_options


class Command(BaseCommand):
    help = (
        "Write a work plan year's expenditure to a workbook: one row per activity and source of funds, "
        "committed and disbursed for each quarter, a TOTAL row of formulas."
    )

    def add_arguments(self, parser):
        add_work_plan_arguments(parser)
        parser.add_argument("-o", "--output", required=True, help="Path of the .xlsx file to write.")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="Language of the sheet name and headers (the import reads either).",
        )

    def handle(self, *args, output: str, language: str, **options):
        work_plan = work_plan_from_options(options)
        with open(output, "wb") as stream, translation.override(language):
            export_expenditure(work_plan=work_plan, rows=expenditure_rows(work_plan), stream=stream)
        self.stdout.write(self.style.SUCCESS(_("Wrote %(path)s.") % {"path": output}))
