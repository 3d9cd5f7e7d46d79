from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from workplan.filters import QUARTERS
from workplan.models import Activity


class ProgressForm(forms.Form):
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTERS, coerce=int)
    status = forms.ChoiceField(label=_("Status"), choices=Activity.Status.choices)
    comment = forms.CharField(
        label=_("State of implementation"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=5000,
    )
    # The version the user saw when the form was opened: a newer one means someone else saved meanwhile.
    seen_version = forms.IntegerField(widget=forms.HiddenInput)


class LoginForm(AuthenticationForm):
    """Django's login form, saying which field is empty instead of a bare "required"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = _("Enter your username.")
        self.fields["password"].error_messages["required"] = _("Enter your password.")
