"""Reminders of the reporting cycle, e-mailed by `send_reminders`: focal points whose agency's quarter
is due within a week, overdue or sent back; coordinators with submissions waiting. Each person gets
each reminder once a day (`SentReminder`), so the command may run as often as one likes."""

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Profile
from reports.cycle_views import submission_url
from workplan.models import Membership, SentReminder, Submission, WorkPlan
from workplan.reporting import REMINDER_WINDOW, submission_grid

Role = Membership.Role
Status = Submission.Status


def reminders_due(today: date) -> list[tuple[object, str, str, str]]:
    """(user, key, subject, body) for every reminder owed today, in each user's language."""
    owed = []
    members = Membership.objects.filter(role__in=[Role.FOCAL_POINT, Role.COORDINATOR]).select_related(
        "user__profile", "agency", "programme"
    )
    by_programme: dict[int, list[Membership]] = {}
    for member in members:
        if member.user.is_active and member.user.email:
            by_programme.setdefault(member.programme_id, []).append(member)
    for work_plan in WorkPlan.objects.filter(programme_id__in=by_programme).select_related("programme"):
        for agency, cells in submission_grid(work_plan, today):
            for cell in cells:
                link = settings.SITE_URL + submission_url(
                    work_plan.programme, work_plan.year, cell.quarter, agency.code
                )
                soon = cell.status == Status.NOT_YET_DUE and 0 <= (cell.due - today).days <= REMINDER_WINDOW.days
                for member in by_programme[work_plan.programme_id]:
                    if member.role == Role.FOCAL_POINT and member.agency_id == agency.pk:
                        wanted = cell.status in (Status.DUE, Status.OVERDUE, Status.SENT_BACK) or soon
                    elif member.role == Role.COORDINATOR:
                        wanted = cell.status == Status.SUBMITTED
                    else:
                        wanted = False
                    if not wanted:
                        continue
                    key = f"{work_plan.pk}:{agency.pk}:{cell.quarter}:{cell.status}"
                    with translation.override(language_of(member.user)):
                        subject, body = _message(member, work_plan, agency, cell, link)
                    owed.append((member.user, key, subject, body))
    return owed


def language_of(user) -> str:
    """The language the user chose (`accounts.Profile`), else English."""
    try:
        return user.profile.language or "en"
    except Profile.DoesNotExist:
        return "en"


def _message(member, work_plan, agency, cell, link) -> tuple[str, str]:
    values = {
        "programme": work_plan.programme.code,
        "agency": agency.code,
        "year": work_plan.year,
        "quarter": cell.quarter,
        "due": date_format(cell.due, "DATE_FORMAT"),
        "link": link,
    }
    if member.role == Role.COORDINATOR:
        subject = _("%(programme)s: %(agency)s's report for year %(year)s Q%(quarter)s waits for your review") % values
        body = _("Please review it, then accept it or send it back with a comment:\n%(link)s") % values
    elif cell.status == Status.OVERDUE:
        subject = _("%(programme)s: %(agency)s's report for year %(year)s Q%(quarter)s is overdue") % values
        body = _("It was due on %(due)s. Please complete and submit it:\n%(link)s") % values
    elif cell.status == Status.SENT_BACK:
        subject = _("%(programme)s: %(agency)s's report for year %(year)s Q%(quarter)s was sent back") % values
        body = _("The coordinator asked for changes. Please read the comment and submit again:\n%(link)s") % values
    else:
        subject = _("%(programme)s: %(agency)s's report for year %(year)s Q%(quarter)s is due on %(due)s") % values
        body = _("Please complete and submit it:\n%(link)s") % values
    return subject, body


def send_reminders(today: date) -> int:
    """Send what is owed today and not sent yet; returns the number of e-mails sent."""
    sent = 0
    for user, key, subject, body in reminders_due(today):
        try:
            with transaction.atomic():
                SentReminder.objects.create(user=user, day=today, subject_key=key)
                send_mail(subject, body, None, [user.email])
        except IntegrityError:
            continue  # already sent today
        sent += 1
    return sent
