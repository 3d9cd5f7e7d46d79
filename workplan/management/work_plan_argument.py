"""The --year and --programme arguments that the work plan commands share."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from workplan.models import Programme, WorkPlan


def add_work_plan_arguments(parser) -> None:
    parser.add_argument("--year", type=int, required=True, help="Programme year of the work plan, from 1.")
    parser.add_argument("--programme", help="MPTF project ID; needed only when there are several programmes.")


def programme_from_options(options) -> Programme:
    """The programme of --programme, which may be left out when only one is loaded."""
    programmes = Programme.objects.all()
    if options.get("programme"):
        programmes = programmes.filter(mptf_project_id=options["programme"])
    if programmes.count() != 1:
        raise CommandError(
            _("Name the programme with --programme (one of: %(ids)s).")
            % {"ids": ", ".join(programmes.values_list("mptf_project_id", flat=True)) or _("none loaded")}
        )
    return programmes.get()


def work_plan_from_options(options) -> WorkPlan:
    programme = programme_from_options(options)
    try:
        return WorkPlan.objects.select_related("programme").get(programme=programme, year=options["year"])
    except WorkPlan.DoesNotExist:
        raise CommandError(_("There is no work plan for year %(year)s.") % {"year": options["year"]}) from None
