"""The roles of the browser app and what each may do. Views, forms and imports ask these
functions; nothing relies on hiding a button."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from workplan.models import Activity, Agency


class Role(models.TextChoices):
    """Names of the auth groups that a data migration creates with their permissions."""

    PMC_MEMBER = "PMC member", _("PMC member")
    FOCAL_POINT = "Agency focal point", _("Agency focal point")
    COORDINATOR = "Coordinator", _("Coordinator")


def has_role(user, role: Role) -> bool:
    return user.is_authenticated and user.groups.filter(name=role.value).exists()


def agency_of(user) -> Agency | None:
    """The agency a focal point works for; None for everyone else."""
    if not user.is_authenticated:
        return None
    focal_point = getattr(user, "focal_point", None)
    return focal_point.agency if focal_point and has_role(user, Role.FOCAL_POINT) else None


def may_edit_for_agency(user, agency_id: int) -> bool:
    """Budget lines, indicator results and activity details: the agency's focal point, or a superuser."""
    if user.is_superuser:
        return True
    agency = agency_of(user)
    return agency is not None and agency.pk == agency_id


def may_report_progress(user, activity: Activity) -> bool:
    """Status and state of implementation: any PMC member, and the focal point of the activity's agency."""
    return user.is_superuser or has_role(user, Role.PMC_MEMBER) or may_edit_for_agency(user, activity.agency_id)


def may_import_work_plans(user) -> bool:
    """Coordinators, any row; focal points, their agency's rows (the import checks each row)."""
    return user.has_perm("workplan.import_work_plan") and (
        user.is_superuser or has_role(user, Role.COORDINATOR) or agency_of(user) is not None
    )


def may_export_reports(user) -> bool:
    """The work plan workbook and the progress reports: every role, not an account without one."""
    return user.has_perm("workplan.export_reports")
