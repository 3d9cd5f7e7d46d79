from django import forms
from django.utils.translation import gettext_lazy as _

from workplan.models import WorkPlan
from workplan.spreadsheet_safety import validate_not_macro_enabled, validate_upload_size


class WorkPlanImportForm(forms.Form):
    work_plan = forms.ModelChoiceField(label=_("Work plan"), queryset=WorkPlan.objects.none(), empty_label=None)
    workbook = forms.FileField(
        label=_("Workbook (.xlsx)"),
        help_text=_("The workbook as exported here, edited in Excel or LibreOffice."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        validators=[validate_upload_size, validate_not_macro_enabled],
    )

    def __init__(self, *args, work_plans, **kwargs):
        """`work_plans`: those of the page's programme, the only ones an upload may go into."""
        super().__init__(*args, **kwargs)
        self.fields["work_plan"].queryset = work_plans
