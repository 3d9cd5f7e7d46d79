from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from workplan.models import Agency, Membership, Programme

Role = Membership.Role
CISP = "00067193"
DEMO = "DEMO0001"

# username, password, superuser, [(programme MPTF ID or None, role, agency code)]
DEMO_USERS = [
    ("admin", "cisp-demo-admin", True, []),
    ("pmc", "cisp-demo-pmc", False, [(CISP, Role.PMC_MEMBER, None)]),
    ("unesco", "cisp-demo-unesco", False, [(CISP, Role.FOCAL_POINT, "UNESCO")]),
    ("coordinator", "cisp-demo-coordinator", False, [(CISP, Role.COORDINATOR, None)]),
    ("secretariat", "cisp-demo-secretariat", False, [(None, Role.FUND_SECRETARIAT, None)]),
    # One person, two programmes, two roles: a PMC member of CISP, ILO's focal point in the demo.
    ("sokha", "cisp-demo-sokha", False, [(CISP, Role.PMC_MEMBER, None), (DEMO, Role.FOCAL_POINT, "ILO")]),
]


class Command(BaseCommand):
    help = (
        "Create the local demo's accounts, one per role, with their roles in the programmes loaded, and print "
        "their logins. Refused when DEBUG is off."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(_("Demo accounts are for a local demo only: refused while DEBUG is off."))
        programmes = {p.mptf_project_id: p for p in Programme.objects.filter(mptf_project_id__in=[CISP, DEMO])}
        for username, password, superuser, roles in DEMO_USERS:
            user, _created = get_user_model().objects.get_or_create(username=username)
            user.is_staff = user.is_superuser = superuser
            # Reset every time, so the logins printed below always work.
            user.set_password(password)
            user.save()
            labels = [_("administrator")] if superuser else []
            for mptf_project_id, role, agency_code in roles:
                if mptf_project_id and mptf_project_id not in programmes:
                    continue  # that programme is not loaded
                programme = programmes.get(mptf_project_id)
                agency = Agency.objects.get(code=agency_code) if agency_code else None
                Membership.objects.get_or_create(user=user, programme=programme, role=role, defaults={"agency": agency})
                where = programme.code if programme else _("all programmes")
                labels.append(f"{role.label}{f' ({agency_code})' if agency_code else ''}, {where}")
            self.stdout.write(self.style.SUCCESS(f"{username} / {password}: {'; '.join(labels)}"))
