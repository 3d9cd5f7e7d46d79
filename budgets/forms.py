from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from workplan.models import WorkPlan


class WorkPlanImportForm(forms.Form):
    work_plan = forms.ModelChoiceField(
        label=_("Work plan"), queryset=WorkPlan.objects.select_related("programme"), empty_label=None
    )
    workbook = forms.FileField(
        label=_("Workbook (.xlsx)"),
        help_text=_("The workbook as exported here, edited in Excel or LibreOffice."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_workbook(self):
        workbook = self.cleaned_data["workbook"]
        if workbook.size > settings.WORKBOOK_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the largest accepted is %(limit)s.")
                % {"size": filesizeformat(workbook.size), "limit": filesizeformat(settings.WORKBOOK_MAX_UPLOAD_BYTES)}
            )
        return workbook
