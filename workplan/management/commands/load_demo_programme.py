from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from budgets.category_sets import adopt_category_set
from budgets.services import record_loaded_originals
from workplan.models import Programme

DEMO_PROGRAMME_ID = "DEMO0001"


class Command(BaseCommand):
    help = (
        "Load a MADE-UP second programme (Youth Employment and Migration, DEMO0001) with the UNDG 2012 budget "
        "categories, so that the demo shows several programmes. Labelled as made up on every page; never loaded "
        "by load_cisp. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        with transaction.atomic():
            call_command("loaddata", "demo_programme", verbosity=verbosity)
            programme = Programme.objects.get(mptf_project_id=DEMO_PROGRAMME_ID)
            adopt_category_set(programme=programme, set_code="undg-2012")
            call_command("loaddata", "demo_workplan_year1", verbosity=verbosity)
            record_loaded_originals(programme=programme)
