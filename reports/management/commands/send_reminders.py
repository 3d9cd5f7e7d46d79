from django.core.management.base import BaseCommand
from django.utils import timezone

from reports.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "E-mail focal points whose quarterly report is due within 7 days, overdue or sent back, and coordinators "
        "with submissions waiting. Each reminder goes once a day however often it runs."
    )

    def handle(self, *args, **options):
        sent = send_reminders(timezone.localdate())
        self.stdout.write(f"{sent} reminder(s) sent.")
