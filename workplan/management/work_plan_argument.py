"""The arguments that the work plan commands share: --year, --programme, --user and the workbook to read."""

from collections.abc import Callable
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from workplan.models import Programme, WorkPlan
from workplan.spreadsheet_safety import MACROS, is_macro_enabled_name


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


def author_from_option(username: str | None, *, may: Callable, refusal: str):
    """The user named by --user (None when left out), refused with `refusal` % {"user": username}
    when `may(user)` is false: a command writes only what that person could write in the app."""
    if not username:
        return None
    author = get_user_model().objects.filter(username=username).first()
    if author is None:
        raise CommandError(_("There is no user %(user)s.") % {"user": username})
    if not may(author):
        raise CommandError(refusal % {"user": username})
    return author


def read_workbook(path: str) -> bytes:
    """The bytes of the workbook at `path`; a macro-enabled one is refused by its name before it is read."""
    if is_macro_enabled_name(path):
        raise CommandError(str(MACROS))
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}) from None
