from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from outcomes.forms import IndicatorResultAdminForm
from outcomes.models import Indicator, IndicatorResult
from outcomes.resources import IndicatorResource, IndicatorResultResource
from workplan.admin import LockOverridingAdminMixin
from workplan.admin_import_export import SafeImportExportMixin


class IndicatorResultInline(admin.TabularInline):
    model = IndicatorResult
    form = IndicatorResultAdminForm
    extra = 0
    fields = ["as_of", "period_label", "value", "women", "men", "indigenous", "non_indigenous", "source"]


@admin.register(Indicator)
class IndicatorAdmin(SafeImportExportMixin, admin.ModelAdmin):
    resource_classes = [IndicatorResource]
    list_display = ["code", "statement", "outcome", "output", "unit", "baseline", "target"]
    list_filter = ["outcome", "output", "unit", "disaggregated_by_sex", "disaggregated_by_indigenous_status"]
    list_select_related = ["outcome", "output"]
    search_fields = ["code", "statement"]
    inlines = [IndicatorResultInline]
    fieldsets = [
        (None, {"fields": ["outcome", "output", "code", "statement", "unit", "means_of_verification"]}),
        (None, {"fields": [("baseline", "baseline_year"), ("target", "target_year")]}),
        (None, {"fields": ["disaggregated_by_sex", "disaggregated_by_indigenous_status"]}),
    ]


@admin.register(IndicatorResult)
class IndicatorResultAdmin(LockOverridingAdminMixin, SafeImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [IndicatorResultResource]
    form = IndicatorResultAdminForm
    list_display = ["indicator", "period_label", "as_of", "value", "women", "men", "indigenous", "non_indigenous"]
    list_filter = ["indicator__outcome", "as_of"]
    list_select_related = ["indicator"]
    search_fields = ["indicator__code", "indicator__statement", "narrative"]
    autocomplete_fields = ["indicator"]

    def save_model(self, request, obj, form, change):
        form.record_reason(obj, user=request.user)
        super().save_model(request, obj, form, change)
