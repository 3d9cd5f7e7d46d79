from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from budgets.money import format_money
from exchange.transfers_import import plan_transfers_import
from finance.services import record_transfers
from workplan.management.work_plan_argument import author_from_option, programme_from_options, read_workbook
from workplan.permissions import can_record_transfers


class Command(BaseCommand):
    help = (
        "Record the fund's transfers to the agencies from a workbook: its first sheet, with the columns Date, "
        "Agency (code or name), Amount and Voucher, and optionally Year (the work plan year funded; otherwise "
        "--year, or the work plan year the date falls in). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .xlsx file to read.")
        parser.add_argument("--programme", help="MPTF project ID; needed only when there are several programmes.")
        parser.add_argument(
            "--year", type=int, help="The work plan year the transfers fund, when the file has no Year."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and list the transfers; write nothing."
        )
        parser.add_argument("--user", help="Username recorded as having recorded the transfers (a coordinator).")

    def handle(self, *args, path: str, year: int | None, dry_run: bool, user: str | None, **options):
        programme = programme_from_options(options)
        author = author_from_option(
            user,
            may=lambda person: can_record_transfers(person, programme),
            refusal=_("%(user)s may not record transfers."),
        )
        data = read_workbook(path)
        plan = plan_transfers_import(programme=programme, data=data, year=year)
        if not plan.is_valid:
            for problem in plan.problems:
                self.stderr.write(str(problem))
            raise CommandError(_("%(count)s problem(s) found; nothing was recorded.") % {"count": len(plan.problems)})
        for transfer in plan.transfers:
            self.stdout.write(
                _("%(date)s %(agency)s %(amount)s, %(work_plan)s, voucher %(voucher)s")
                % {
                    "date": transfer.date.isoformat(),
                    "agency": transfer.agency.code,
                    "amount": format_money(transfer.amount),
                    "work_plan": transfer.work_plan,
                    "voucher": transfer.voucher or "-",
                }
            )
        if dry_run:
            self.stdout.write(
                _("Dry run: %(count)s transfer(s) to record; nothing written.") % {"count": len(plan.transfers)}
            )
            return
        record_transfers(programme=programme, transfers=plan.transfers, user=author)
        self.stdout.write(self.style.SUCCESS(_("Recorded %(count)s transfer(s).") % {"count": len(plan.transfers)}))
