from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from finance.models import Expenditure, Transfer


@admin.register(Transfer)
class TransferAdmin(SimpleHistoryAdmin):
    list_display = ["date", "agency", "amount", "voucher", "work_plan", "programme", "illustrative", "recorded_by"]
    list_filter = ["programme", "agency", "illustrative"]
    list_select_related = ["agency", "work_plan__programme", "programme", "recorded_by"]
    search_fields = ["voucher", "agency__code"]
    date_hierarchy = "date"
    fields = ["programme", "work_plan", "agency", "date", "amount", "voucher", "illustrative"]

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Expenditure)
class ExpenditureAdmin(SimpleHistoryAdmin):
    """Read only: expenditure is entered by the focal points (its pages, its workbook), where each
    write raises the activity's version and respects the accepted quarters' locks."""

    list_display = ["activity", "quarter", "source", "committed", "disbursed", "illustrative", "reported_by"]
    list_filter = ["activity__work_plan__programme", "activity__agency", "quarter", "illustrative"]
    list_select_related = ["activity", "source", "reported_by"]
    search_fields = ["activity__code", "activity__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
