from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

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
