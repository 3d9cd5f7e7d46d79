from django.contrib import admin, messages
from django.db import router, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from budgets.forms import ActivityWithBudgetAdminForm, BudgetLineAdminForm
from budgets.models import (
    BudgetCategory,
    BudgetLine,
    BudgetRevision,
    BudgetRevisionLine,
    FundingSource,
    StatedBudget,
    StatedCategoryTotal,
)
from budgets.money import format_money
from budgets.resources import BudgetLineResource
from budgets.selectors import activity_budget, budget_of, with_budget, work_plan_budget
from budgets.services import BudgetRevisionError, approve_work_plan
from workplan.admin import ActivityAdmin, WorkPlanAdmin
from workplan.admin_import_export import SafeImportExportMixin
from workplan.models import Activity, WorkPlan
from workplan.services import mark_changed


@admin.register(BudgetCategory)
class BudgetCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "programme", "position"]
    list_editable = ["position"]
    list_filter = ["programme"]
    list_select_related = ["programme"]
    search_fields = ["name", "code"]


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


def category_choices(field, programme_ids=None):
    """Each programme has its own categories, several with the same name: offer those of the
    activity's programme where it is known, each named with its programme."""
    queryset = field.queryset.select_related("programme")
    field.queryset = queryset if programme_ids is None else queryset.filter(programme__in=programme_ids)
    field.label_from_instance = lambda category: f"{category.programme.code}: {category.name}"
    return field


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    fields = ["category", "source", "amount"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "category":
            activity_id = request.resolver_match.kwargs.get("object_id")
            programme_ids = (
                Activity.objects.filter(pk=activity_id).values("work_plan__programme") if activity_id else None
            )
            return category_choices(field, programme_ids)
        return field


@admin.register(Activity)
class ActivityWithBudgetAdmin(ActivityAdmin):
    form = ActivityWithBudgetAdminForm
    inlines = [BudgetLineInline]
    list_display = [*ActivityAdmin.list_display, "budget_total"]
    readonly_fields = [*ActivityAdmin.readonly_fields, "direct_budget", "indirect_cost", "budget_total_with_indirect"]
    fieldsets = [
        *ActivityAdmin.fieldsets,
        (
            _("Budget (from the budget lines below, saved)"),
            {"fields": ["direct_budget", "indirect_cost", "budget_total_with_indirect"]},
        ),
    ]

    def get_queryset(self, request):
        # The changelist skips list_select_related once a queryset has any select_related: restate it.
        return with_budget(super().get_queryset(request)).select_related(*self.list_select_related)

    @admin.display(description=_("total incl. Mgt support"), ordering="direct_budget")
    def budget_total(self, activity):
        return format_money(budget_of(activity).total)

    @admin.display(description=_("direct lines"))
    def direct_budget(self, activity):
        return format_money(activity_budget(activity).direct) if activity.pk else "-"

    @admin.display(description=_("Mgt support (indirect cost)"))
    def indirect_cost(self, activity):
        return format_money(activity_budget(activity).indirect) if activity.pk else "-"

    @admin.display(description=_("total"))
    def budget_total_with_indirect(self, activity):
        return format_money(activity_budget(activity).total) if activity.pk else "-"


@admin.register(BudgetLine)
class BudgetLineAdmin(SafeImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [BudgetLineResource]
    form = BudgetLineAdminForm
    list_display = ["activity", "category", "source", "amount"]
    list_filter = ["activity__work_plan", "category__programme", "category", "source", "activity__agency"]
    list_select_related = ["activity", "category", "source"]
    search_fields = ["activity__code", "activity__title"]
    autocomplete_fields = ["activity"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return category_choices(field) if db_field.name == "category" else field

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        mark_changed(activity_ids=[obj.activity_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        mark_changed(activity_ids=[obj.activity_id])

    def delete_queryset(self, request, queryset):
        activity_ids = list(queryset.values_list("activity_id", flat=True))
        super().delete_queryset(request, queryset)
        mark_changed(activity_ids=activity_ids)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting to an old record saves through the same form: keep its version check's lock to the end.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)


class StatedCategoryTotalInline(admin.TabularInline):
    model = StatedCategoryTotal
    extra = 0


@admin.register(StatedBudget)
class StatedBudgetAdmin(admin.ModelAdmin):
    list_display = ["work_plan", "indirect_cost", "total"]
    inlines = [StatedCategoryTotalInline]
    readonly_fields = ["comparison"]

    @admin.display(description=_("listed activities against the TOTAL row"))
    def comparison(self, stated_budget):
        if not stated_budget.pk:
            return "-"
        budget = work_plan_budget(stated_budget.work_plan)
        difference = budget.difference or {}
        rows = format_html_join(
            "\n",
            '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    label,
                    format_money(amount),
                    _money_or_dash(budget.stated.get(label)),
                    _money_or_dash(difference.get(label)),
                )
                for label, amount in budget.listed_by_line.items()
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("line"),
            _("listed activities"),
            _("stated"),
            _("stated minus listed"),
            rows,
        )


admin.site.unregister(WorkPlan)


@admin.register(WorkPlan)
class WorkPlanWithWorkbookAdmin(WorkPlanAdmin):
    """The work plan list with a link to its Excel workbook (budgets.views.export_workbook)."""

    list_display = [*WorkPlanAdmin.list_display, "workbook"]
    list_select_related = ["programme"]
    # Approving records the original budget: only through the action, never by editing the status.
    readonly_fields = ["status"]
    actions = ["approve"]

    @admin.action(description=_("Approve the selected work plans (records their original budget)"))
    def approve(self, request, queryset):
        for work_plan in queryset.select_related("programme"):
            try:
                approve_work_plan(
                    work_plan=work_plan,
                    user=request.user,
                    date=timezone.localdate(),
                    reason=_("Approved in the admin."),
                )
            except BudgetRevisionError as refusal:
                self.message_user(request, str(refusal), messages.WARNING)
            else:
                self.message_user(request, _("%(work_plan)s approved.") % {"work_plan": work_plan}, messages.SUCCESS)

    @admin.display(description=_("Excel"))
    def workbook(self, work_plan):
        return format_html(
            '<a href="{}" download>{}</a>',
            reverse("exchange:export", args=[work_plan.programme.mptf_project_id, work_plan.year]),
            _("Download workbook"),
        )


class BudgetRevisionLineInline(admin.TabularInline):
    model = BudgetRevisionLine
    fields = ["activity", "output", "agency", "category", "source", "amount"]
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("activity", "output", "agency", "category", "source")


@admin.register(BudgetRevision)
class BudgetRevisionAdmin(admin.ModelAdmin):
    """Read-only: revisions are recorded on the work plan's budget revisions page, never rewritten."""

    list_display = ["__str__", "date", "approved_by", "recorded_by", "moved_between_outputs", "needs_pmc_approval"]
    list_filter = ["work_plan__programme", "needs_pmc_approval"]
    list_select_related = ["work_plan__programme", "recorded_by"]
    inlines = [BudgetRevisionLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _money_or_dash(amount):
    return "-" if amount is None else format_money(amount)
