"""`send_reminders`: the right people, once a day, with a link to act on."""

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.services import remember_language
from reports.reminders import send_reminders
from tests.factories import make_activity, make_agency, make_member, make_user, make_work_plan
from workplan.models import ActivityProgress, Membership
from workplan.reporting import submit_quarter

Role = Membership.Role


@pytest.fixture
def plan(db, settings):
    """Programme from 1 Jan 2009: UNESCO's Q1 is due 30 Apr 2009; ILO submitted its Q1."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://cisp.example.org"
    work_plan = make_work_plan()
    programme = work_plan.programme
    make_activity(work_plan, "1.1.1", agency=make_agency("UNESCO"), planned_q1=True)
    ilo_activity = make_activity(work_plan, "1.1.2", agency=make_agency("ILO"), planned_q1=True)
    people = {
        "unesco": make_user("una", Role.FOCAL_POINT, "UNESCO", programme=programme),
        "ilo": make_user("ilse", Role.FOCAL_POINT, "ILO", programme=programme),
        "coordinator": make_user("cora", Role.COORDINATOR, programme=programme),
        "pmc": make_user("pete", Role.PMC_MEMBER, programme=programme),
    }
    for user in people.values():
        user.email = f"{user.username}@example.org"
        user.save()
    ActivityProgress.objects.create(activity=ilo_activity, quarter=1, status="ongoing")
    submit_quarter(programme=programme, agency=make_agency("ILO"), year=1, quarter=1, user=people["ilo"])
    return {"work_plan": work_plan, **people}


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_due_within_a_week_reminds_the_focal_point_and_waiting_submissions_the_coordinator(plan):
    assert send_reminders(date(2009, 4, 25)) == 2
    assert recipients() == ["cora@example.org", "una@example.org"]
    to_focal_point = next(message for message in mail.outbox if message.to == ["una@example.org"])
    assert "due on 30 April 2009" in to_focal_point.subject
    assert f"https://cisp.example.org/p/{plan['work_plan'].programme.mptf_project_id}/reporting/1/q1/UNESCO/" in (
        to_focal_point.body
    )


def test_nothing_before_the_week_before_the_due_date_but_the_waiting_review(plan):
    send_reminders(date(2009, 3, 1))
    assert recipients() == ["cora@example.org"]


def test_overdue_reports_are_reminded_once_a_day(plan):
    call_command("send_reminders", stdout=StringIO())  # today: long overdue
    first = len(mail.outbox)
    call_command("send_reminders", stdout=StringIO())
    assert len(mail.outbox) == first and "una@example.org" in recipients()
    assert any("overdue" in message.subject for message in mail.outbox)
    mail.outbox.clear()
    send_reminders(date(2030, 1, 2))
    send_reminders(date(2030, 1, 2))
    assert recipients().count("una@example.org") == 4  # each of UNESCO's four overdue quarters, once
    send_reminders(date(2030, 1, 3))
    assert recipients().count("una@example.org") == 8  # and again the next day


def test_people_of_other_programmes_and_agencies_get_nothing(plan):
    outsider = make_member("olga", "00067193", Role.FOCAL_POINT, "UNESCO")
    outsider.email = "olga@example.org"
    outsider.save()
    send_reminders(date(2009, 4, 25))
    to_olga = [message for message in mail.outbox if message.to == ["olga@example.org"]]
    assert to_olga and all("/p/00067193/" in message.body for message in to_olga)  # CISP's, not this programme's
    assert "ilse@example.org" not in recipients() and "pete@example.org" not in recipients()


def test_each_reminder_is_in_the_language_the_person_chose(plan):
    remember_language(user=plan["unesco"], language="km")
    send_reminders(date(2009, 4, 25))
    to_khmer_reader = next(message for message in mail.outbox if message.to == ["una@example.org"])
    to_english_reader = next(message for message in mail.outbox if message.to == ["cora@example.org"])
    assert to_khmer_reader.subject.endswith("ដល់កាលកំណត់នៅថ្ងៃ 30 ខែ មេសា ឆ្នាំ 2009")
    assert "សូមបំពេញ" in to_khmer_reader.body and "/reporting/1/q1/UNESCO/" in to_khmer_reader.body
    assert to_english_reader.subject.endswith("waits for your review")
