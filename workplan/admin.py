from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import router, transaction
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from workplan.admin_import_export import SafeImportExportMixin
from workplan.forms import ActivityAdminForm
from workplan.models import (
    Activity,
    ActivityProgress,
    Agency,
    Membership,
    Outcome,
    Output,
    Partner,
    Programme,
    WorkPlan,
)
from workplan.permissions import can_override_period_locks
from workplan.resources import ActivityResource
from workplan.services import raise_versions


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "country", "start_date", "end_date", "net_funded_amount", "currency"]
    search_fields = ["code", "mptf_project_id", "title"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class OutputInline(admin.TabularInline):
    model = Output
    extra = 0
    fields = ["code", "title"]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "statement", "programme"]
    list_filter = ["programme"]
    search_fields = ["statement"]
    inlines = [OutputInline]


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0
    fields = ["code", "title", "agency", "responsible_party", "status"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Output)
class OutputAdmin(admin.ModelAdmin):
    list_display = ["code", "display_title", "outcome"]
    list_filter = ["outcome__programme", "outcome"]
    search_fields = ["code", "title"]
    list_select_related = ["outcome"]
    inlines = [ActivityInline]

    @admin.display(description=_("title"), ordering="title")
    def display_title(self, output):
        return output.display_title


@admin.register(WorkPlan)
class WorkPlanAdmin(admin.ModelAdmin):
    list_display = ["__str__", "programme", "period_start", "period_end", "status"]
    list_filter = ["programme", "status"]
    list_select_related = ["programme"]


class LockOverridingAdminMixin:
    """For a ModelAdmin whose form is a LockOverridingAdminForm: tells the form whether the person may
    override period locks. (Inline rows have no place for a reason: they never override.)"""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.may_override_locks = can_override_period_locks(request.user)
        return form


class ActivityAdmin(LockOverridingAdminMixin, SafeImportExportMixin, SimpleHistoryAdmin):
    """Registered by the budgets app, which adds the budget lines and figures."""

    resource_classes = [ActivityResource]
    form = ActivityAdminForm
    list_display = ["code", "title", "output", "agency", "responsible_party", "timeframe", "status"]
    list_display_links = ["code", "title"]
    list_filter = [
        "work_plan",
        "status",
        "agency",
        "responsible_party",
        "output",
        "planned_q1",
        "planned_q2",
        "planned_q3",
        "planned_q4",
    ]
    list_select_related = ["output", "agency", "responsible_party", "work_plan__programme"]
    search_fields = ["code", "title", "annual_target", "implementation_comment"]
    autocomplete_fields = ["agency", "responsible_party"]
    # The status and state of implementation follow the quarterly progress (workplan.services.report_progress),
    # reported on the activity's page: shown here, never written behind the progress' back.
    readonly_fields = ["status", "implementation_comment"]
    fieldsets = [
        (None, {"fields": ["work_plan", "output", "code", "title", "annual_target", "seen_version", "opened_at"]}),
        (_("Implementation"), {"fields": ["agency", "responsible_party", "status", "implementation_comment"]}),
        (_("Timeframe"), {"fields": [("planned_q1", "planned_q2", "planned_q3", "planned_q4")]}),
        (None, {"fields": ["change_reason"]}),
    ]

    def save_model(self, request, obj, form, change):
        # The browser app's optimistic lock: a form opened before this admin edit is refused. The form
        # checked, with the row locked, that the version it was opened on is still the current one.
        if change:
            # From the version the form was checked against (a revert starts from an old record's).
            obj.version = form.cleaned_data["seen_version"]
            raise_versions([obj], override_locks=form.overrides_lock)
        form.record_reason(obj, user=request.user)
        super().save_model(request, obj, form, change)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting to an old record saves through the same form: keep its version check's lock to the end.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.display(description=_("timeframe"))
    def timeframe(self, activity):
        return " ".join(f"Q{quarter}" for quarter in activity.planned_quarters) or "-"


@admin.register(ActivityProgress)
class ActivityProgressAdmin(SimpleHistoryAdmin):
    list_display = ["activity", "quarter", "status", "reported_by", "reported_at"]
    list_filter = ["activity__work_plan", "quarter", "status", "activity__agency"]
    list_select_related = ["activity", "reported_by"]
    search_fields = ["activity__code", "activity__title", "comment"]
    # Read-only: progress is reported on the activity's page, where the service keeps the activity's
    # status, its version and the history in step. The admin lists and searches it.
    readonly_fields = ["activity", "quarter", "status", "comment", "reported_by", "reported_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Who has which role in which programme: the only place roles are given."""

    list_display = ["user", "programme", "role", "agency"]
    list_filter = ["programme", "role", "agency"]
    list_select_related = ["user", "programme", "agency"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["programme", "role", "agency"]


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class UserWithMembershipsAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, MembershipInline]
