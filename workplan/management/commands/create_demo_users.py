from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from workplan.models import Agency, FocalPoint
from workplan.roles import Role

# username, password, role (None: administrator), agency code of a focal point
DEMO_USERS = [
    ("admin", "cisp-demo-admin", None, None),
    ("pmc", "cisp-demo-pmc", Role.PMC_MEMBER, None),
    ("unesco", "cisp-demo-unesco", Role.FOCAL_POINT, "UNESCO"),
    ("coordinator", "cisp-demo-coordinator", Role.COORDINATOR, None),
]


class Command(BaseCommand):
    help = "Create the local demo's accounts, one per role, and print their logins. Refused when DEBUG is off."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(_("Demo accounts are for a local demo only: refused while DEBUG is off."))
        for username, password, role, agency_code in DEMO_USERS:
            user, _created = get_user_model().objects.get_or_create(username=username)
            user.is_staff = user.is_superuser = role is None
            # Reset every time, so the logins printed below always work.
            user.set_password(password)
            user.save()
            if role is not None:
                user.groups.set([Group.objects.get(name=role.value)])
            if agency_code:
                FocalPoint.objects.update_or_create(
                    user=user, defaults={"agency": Agency.objects.get(code=agency_code)}
                )
            label = _("administrator") if role is None else role.label
            if agency_code:
                label = f"{label} ({agency_code})"
            self.stdout.write(self.style.SUCCESS(f"{label}: {username} / {password}"))
