from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from budgets.services import record_loaded_originals
from workplan.bulk_history import record_created_where_missing
from workplan.change_reasons import ChangeReason, change_reason
from workplan.models import Programme

CISP_PROGRAMME_ID = "00067193"
CISP_FIXTURES = ["cisp_programme", "cisp_workplan_year1", "cisp_indicators"]


class Command(BaseCommand):
    help = (
        "Load the MDG-F Creative Industries Support Programme (Cambodia): the programme, its agencies and "
        "partners, results chain, Year-1 work plan and budget, and indicators. Records are matched by their "
        "natural keys (codes), so running it again changes nothing."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            call_command("loaddata", *CISP_FIXTURES, verbosity=options["verbosity"])
            # loaddata writes no history: record what was loaded, so that the first change to an
            # activity or a budget line can say what it was before.
            for model in apps.get_models():
                if hasattr(model._meta, "simple_history_manager_attribute"):
                    record_created_where_missing(model, reason=change_reason(ChangeReason.LOADED))
            record_loaded_originals(programme=Programme.objects.get(mptf_project_id=CISP_PROGRAMME_ID))
