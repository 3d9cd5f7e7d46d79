from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from budgets.category_sets import CATEGORY_SETS, CategorySetRefused, adopt_category_set
from workplan.models import Programme


class Command(BaseCommand):
    help = "Give a programme the direct budget categories of a named set (mdgf-2008, undg-2012)."

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, help="MPTF project ID.")
        parser.add_argument("--set", dest="set_code", required=True, choices=sorted(CATEGORY_SETS))

    def handle(self, *args, programme: str, set_code: str, **options):
        try:
            target = Programme.objects.get(mptf_project_id=programme)
        except Programme.DoesNotExist:
            raise CommandError(_("There is no programme %(id)s.") % {"id": programme}) from None
        try:
            categories = adopt_category_set(programme=target, set_code=set_code)
        except CategorySetRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("%(programme)s budgets in %(count)s categories: %(names)s.")
                % {"programme": target.code, "count": len(categories), "names": ", ".join(c.name for c in categories)}
            )
        )
