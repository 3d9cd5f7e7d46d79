"""Who may see and do what, in which programme. Every view, template tag, form, import and
command asks these functions; none relies on hiding a button.

Roles come from `Membership` rows alone: a person has roles in programmes (a PMC member, a
coordinator, an agency's focal point), or follows every programme read-only as the fund
secretariat. Superusers may do everything. A person with no role in a programme does not see
it: its pages answer 404, as if it did not exist.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from workplan.models import Activity, Agency, Membership, Programme

Role = Membership.Role


def memberships_of(user) -> list[Membership]:
    """The user's memberships, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_cisp_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("agency"))
        user._cisp_memberships = cached
    return cached


def roles_in(user, programme: Programme) -> set[str]:
    return {m.role for m in memberships_of(user) if m.programme_id == programme.pk}


def follows_every_programme(user) -> bool:
    return user.is_superuser or any(m.role == Role.FUND_SECRETARIAT for m in memberships_of(user))


def agencies_in(user, programme: Programme) -> list[Agency]:
    """The agencies the user is a focal point of in this programme (usually one)."""
    return [m.agency for m in memberships_of(user) if m.programme_id == programme.pk and m.role == Role.FOCAL_POINT]


def is_focal_point_of(user, programme: Programme, agency_id: int) -> bool:
    return any(agency.pk == agency_id for agency in agencies_in(user, programme))


# Seeing


def can_view_programme(user, programme: Programme) -> bool:
    return user.is_authenticated and (follows_every_programme(user) or bool(roles_in(user, programme)))


def visible_programmes(user) -> QuerySet[Programme]:
    if not user.is_authenticated:
        return Programme.objects.none()
    if follows_every_programme(user):
        return Programme.objects.all()
    return Programme.objects.filter(pk__in={m.programme_id for m in memberships_of(user)})


def get_programme_for_user(user, mptf_project_id: str) -> Programme:
    """The programme of a URL, or 404 when it does not exist or the user has no role in it."""
    programme = Programme.objects.filter(mptf_project_id=mptf_project_id).first()
    if programme is None or not can_view_programme(user, programme):
        raise Http404(_("There is no programme with this MPTF project ID that you may see."))
    return programme


def can_export(user, programme: Programme) -> bool:
    """Work plan workbooks and progress reports: everyone who may see the programme."""
    return can_view_programme(user, programme)


# Changing: the fund secretariat only reads


def can_edit_budget(user, activity: Activity) -> bool:
    """Budget lines and expenditure: the focal point of the activity's agency in its programme."""
    return user.is_superuser or is_focal_point_of(user, activity.work_plan.programme, activity.agency_id)


def can_report_progress(user, activity: Activity) -> bool:
    """Quarterly status and state of implementation: the programme's PMC members, and the focal
    point of the activity's agency."""
    programme = activity.work_plan.programme
    return (
        user.is_superuser
        or Role.PMC_MEMBER in roles_in(user, programme)
        or is_focal_point_of(user, programme, activity.agency_id)
    )


def can_enter_results(user, programme: Programme, reporting_agency_ids: Iterable[int]) -> bool:
    """An indicator's results: focal points of the agencies working toward it (the outcomes app
    says which those are)."""
    return user.is_superuser or any(agency.pk in set(reporting_agency_ids) for agency in agencies_in(user, programme))


def can_import_work_plans(user, programme: Programme) -> bool:
    """Coordinators import any row; focal points their agency's rows (see `importable_agencies`)."""
    roles = roles_in(user, programme)
    return user.is_superuser or Role.COORDINATOR in roles or Role.FOCAL_POINT in roles


def importable_agencies(user, programme: Programme) -> set[int] | None:
    """The agencies whose rows the user may change by import: None for any agency."""
    if user is None or user.is_superuser or Role.COORDINATOR in roles_in(user, programme):
        return None
    return {agency.pk for agency in agencies_in(user, programme)}


def can_enter_expenditure(user, activity: Activity) -> bool:
    """An activity's quarterly expenditure: the focal point of its agency, as for its budget lines."""
    return can_enter_agency_expenditure(user, activity.work_plan.programme, activity.agency_id)


def can_enter_agency_expenditure(user, programme: Programme, agency_id: int) -> bool:
    return user.is_superuser or is_focal_point_of(user, programme, agency_id)


def expenditure_agencies(user, programme: Programme) -> set[int] | None:
    """The agencies whose expenditure the user may enter, by page or workbook: None for any agency
    (superusers, and the command line with no user)."""
    if user is None or user.is_superuser:
        return None
    return {agency.pk for agency in agencies_in(user, programme)}


def can_record_transfers(user, programme: Programme) -> bool:
    """The fund's transfers to the agencies: the programme's coordinators."""
    return user.is_superuser or Role.COORDINATOR in roles_in(user, programme)


# Getters that views call: 404 outside the programme, 403 where the role does not allow it.


def _activity_in(programme: Programme, pk: int) -> Activity:
    activity = get_object_or_404(
        Activity.objects.select_related("work_plan__programme", "output", "agency", "responsible_party"),
        pk=pk,
        work_plan__programme=programme,
    )
    activity.work_plan.programme = programme  # the same object the request checked
    return activity


def get_activity(request, pk: int) -> Activity:
    return _activity_in(request.programme, pk)


def get_activity_for_budget(request, pk: int) -> Activity:
    activity = _activity_in(request.programme, pk)
    if not can_edit_budget(request.user, activity):
        raise PermissionDenied(
            _("Only the focal point of %(agency)s may edit this budget.") % {"agency": activity.agency}
        )
    return activity


def get_activity_for_progress(request, pk: int) -> Activity:
    activity = _activity_in(request.programme, pk)
    if not can_report_progress(request.user, activity):
        raise PermissionDenied(_("You may not report progress on this activity."))
    return activity


def require_import(request) -> None:
    if not can_import_work_plans(request.user, request.programme):
        raise PermissionDenied(_("Only coordinators and agency focal points may import work plans."))


def require_export(request) -> None:
    if not can_export(request.user, request.programme):
        raise PermissionDenied(_("You may not download this programme's work plans and reports."))


def get_activity_for_expenditure(request, pk: int) -> Activity:
    activity = _activity_in(request.programme, pk)
    if not can_enter_expenditure(request.user, activity):
        raise PermissionDenied(
            _("Only the focal point of %(agency)s may enter this activity's expenditure.") % {"agency": activity.agency}
        )
    return activity


def require_expenditure_entry(request, agency: Agency) -> None:
    if not can_enter_agency_expenditure(request.user, request.programme, agency.pk):
        raise PermissionDenied(_("Only the focal point of %(agency)s may enter its expenditure.") % {"agency": agency})


def require_expenditure_import(request) -> None:
    if expenditure_agencies(request.user, request.programme) == set():
        raise PermissionDenied(_("Only agency focal points may import expenditure."))


def require_transfer_recording(request) -> None:
    if not can_record_transfers(request.user, request.programme):
        raise PermissionDenied(_("Only the programme's coordinators may record transfers."))


# The quarterly reporting cycle (workplan.reporting)


def can_submit(user, programme: Programme, agency_id: int) -> bool:
    """An agency's quarter is submitted by the agency's focal point in the programme."""
    return user.is_superuser or is_focal_point_of(user, programme, agency_id)


def can_review(user, programme: Programme) -> bool:
    """Accepting, sending back and reopening a quarter: the programme's coordinators."""
    return user.is_superuser or Role.COORDINATOR in roles_in(user, programme)


def can_approve_report(user, programme: Programme) -> bool:
    """The joint quarterly report is approved by the programme's PMC members."""
    return user.is_superuser or Role.PMC_MEMBER in roles_in(user, programme)


def can_override_period_locks(user) -> bool:
    """Changing a quarter that a coordinator accepted, in the admin, with a reason the history keeps:
    superusers only. Coordinators reopen the quarter instead."""
    return user.is_superuser


def get_agency_of_programme(request, agency_code: str) -> Agency:
    """An agency with activities in the page's programme, or 404."""
    return get_object_or_404(
        Agency.objects.filter(activities__work_plan__programme=request.programme).distinct(), code=agency_code
    )


def require_submit(request, agency: Agency) -> None:
    if not can_submit(request.user, request.programme, agency.pk):
        raise PermissionDenied(
            _("Only the focal point of %(agency)s may submit its quarterly report.") % {"agency": agency}
        )


def require_review(request) -> None:
    if not can_review(request.user, request.programme):
        raise PermissionDenied(_("Only the programme's coordinators may accept, send back or reopen a quarter."))


def require_report_approval(request) -> None:
    if not can_approve_report(request.user, request.programme):
        raise PermissionDenied(_("Only the programme's PMC members may approve the joint quarterly report."))


# Budget revisions and the next year's work plan (budgets.services)


def can_revise_budget(user, programme: Programme) -> bool:
    """Recording a revision of an approved work plan's budget: coordinators."""
    return user.is_superuser or Role.COORDINATOR in roles_in(user, programme)


def can_plan_next_year(user, programme: Programme) -> bool:
    """Creating the next year's work plan from a year's activities: coordinators."""
    return user.is_superuser or Role.COORDINATOR in roles_in(user, programme)


def can_approve_budget(user, programme: Programme) -> bool:
    """Approving a work plan (its original budget) and the budget revisions that need the PMC: PMC members."""
    return user.is_superuser or Role.PMC_MEMBER in roles_in(user, programme)


def require_budget_revision(request) -> None:
    if not can_revise_budget(request.user, request.programme):
        raise PermissionDenied(_("Only the programme's coordinators may record budget revisions."))


def require_next_year_planning(request) -> None:
    if not can_plan_next_year(request.user, request.programme):
        raise PermissionDenied(_("Only the programme's coordinators may create the next year's work plan."))


def require_budget_approval(request) -> None:
    if not can_approve_budget(request.user, request.programme):
        raise PermissionDenied(_("Only the programme's PMC members may approve work plans and budget revisions."))
