from django import forms
from django.utils.translation import gettext_lazy as _

from workplan.models import Activity
from workplan.periods import QUARTER_CHOICES


class ProgressForm(forms.Form):
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTER_CHOICES, coerce=int)
    status = forms.ChoiceField(label=_("Status"), choices=Activity.Status.choices)
    comment = forms.CharField(
        label=_("State of implementation"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=5000,
    )
    # The version the user saw when the form was opened: a newer one means someone else saved meanwhile.
    seen_version = forms.IntegerField(widget=forms.HiddenInput)
