from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from budgets.money import ZERO, round_to_cent
from budgets.selectors import work_plan_budget
from finance.models import Expenditure, Transfer
from workplan.models import Activity, Agency, Programme, WorkPlan
from workplan.periods import year_bounds

DEMO_FINANCE_PROGRAMMES = ("00067193", "DEMO0001")
# The first tranche: this share of each agency's budget of the year. Made up, as all of this is.
DEMO_TRANCHE = Decimal("0.80")
# Shares of an activity's direct budget committed and disbursed in Q1 and Q2.
DEMO_SPENDING = {1: (Decimal("0.10"), Decimal("0.30")), 2: (Decimal("0.05"), Decimal("0.25"))}


class Command(BaseCommand):
    help = (
        "Load ILLUSTRATIVE transfers and expenditure for the demo (CISP and the made-up demo programme): four "
        "fifths of each agency's first-year budget transferred, within the net funded amount, and expenditure "
        "for Q1 and Q2 of two activities in three. Every row is flagged illustrative and every page counting one "
        "says so. The programme's sources give no such figures: load_cisp never loads these. Running it again "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--programme",
            help=f"MPTF project ID (default: each of {', '.join(DEMO_FINANCE_PROGRAMMES)} that is loaded).",
        )

    def handle(self, *args, programme, **options):
        programmes = Programme.objects.filter(mptf_project_id__in=[programme] if programme else DEMO_FINANCE_PROGRAMMES)
        if programme and not programmes:
            raise CommandError(_("There is no programme %(id)s.") % {"id": programme})
        for each in programmes:
            work_plan = WorkPlan.objects.filter(programme=each).order_by("year").first()
            if work_plan is None:
                continue
            work_plan.programme = each
            with transaction.atomic():
                transferred = self._transfers(work_plan)
                reported = self._expenditure(work_plan)
            if options["verbosity"]:
                self.stdout.write(
                    _("%(programme)s: %(transfers)s illustrative transfers, %(rows)s illustrative expenditure rows.")
                    % {"programme": each.mptf_project_id, "transfers": transferred, "rows": reported}
                )

    @staticmethod
    def _transfers(work_plan: WorkPlan) -> int:
        """A tranche of each agency's budget of the year, on the year's first days, within the net funded amount."""
        programme = work_plan.programme
        start, _end = year_bounds(work_plan)
        remaining = programme.net_funded_amount
        count = 0
        for day, (agency_code, figures) in enumerate(work_plan_budget(work_plan).by_agency.items()):
            amount = min(round_to_cent(figures.total * DEMO_TRANCHE), remaining)
            if amount <= ZERO:
                break
            remaining -= amount
            Transfer.objects.update_or_create(
                programme=programme,
                work_plan=work_plan,
                agency=Agency.objects.get(code=agency_code),
                voucher=f"DEMO-{agency_code}-Y{work_plan.year}",
                defaults={"date": start + timedelta(days=7 + day), "amount": amount, "illustrative": True},
            )
            count += 1
        return count

    @staticmethod
    def _expenditure(work_plan: WorkPlan) -> int:
        count = 0
        activities = Activity.objects.filter(work_plan=work_plan).prefetch_related("budget_lines").order_by("sort_key")
        for index, activity in enumerate(activities):
            lines = list(activity.budget_lines.all())
            if index % 3 == 2 or not lines:
                continue
            direct = sum((line.amount for line in lines), ZERO)
            for quarter, (committed, disbursed) in DEMO_SPENDING.items():
                Expenditure.objects.update_or_create(
                    activity=activity,
                    quarter=quarter,
                    source=lines[0].source,
                    defaults={
                        "committed": round_to_cent(direct * committed),
                        "disbursed": round_to_cent(direct * disbursed),
                        "illustrative": True,
                    },
                )
                count += 1
        return count
