from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

DEMO_ADMIN = ("admin", "cisp-demo-admin")


class Command(BaseCommand):
    help = "Create the local demo's accounts and print their logins. Refused when DEBUG is off."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(_("Demo accounts are for a local demo only: refused while DEBUG is off."))
        username, password = DEMO_ADMIN
        user, _created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = True
        # Reset every time, so the login printed below always works.
        user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo administrator: %(user)s / %(password)s") % {"user": username, "password": password}
            )
        )
