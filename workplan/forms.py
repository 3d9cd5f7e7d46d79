from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from workplan.filters import QUARTERS
from workplan.models import Activity


class SeenVersionField(forms.IntegerField):
    """The activity's version when the form was opened, in a hidden input: a newer one at save
    time means someone else saved meanwhile. Missing or altered, it can tell nothing."""

    widget = forms.HiddenInput
    default_error_messages = {
        "required": _(
            "This form has lost the version of the activity it was opened on, so it cannot tell whether "
            "someone else saved meanwhile. Reload the page and enter your changes again."
        ),
        "invalid": _(
            "This form's record of the version of the activity it was opened on has been altered, so it "
            "cannot tell whether someone else saved meanwhile. Reload the page and enter your changes again."
        ),
    }

    def __init__(self, **kwargs):
        super().__init__(min_value=0, **kwargs)
        self.error_messages["min_value"] = self.error_messages["invalid"]


class HiddenFieldErrorsOnTop:
    """A hidden field has no place on the page to show its error: shown with the form's own errors
    instead, above the form, so a refusal never comes back without a word."""

    def clean(self):
        cleaned_data = super().clean()
        for field in self.hidden_fields():
            for message in self._errors.pop(field.name, []):
                self.add_error(None, message)
        return cleaned_data


class ProgressForm(HiddenFieldErrorsOnTop, forms.Form):
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTERS, coerce=int)
    status = forms.ChoiceField(label=_("Status"), choices=Activity.Status.choices)
    comment = forms.CharField(
        label=_("State of implementation"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=5000,
    )
    seen_version = SeenVersionField()


class LoginForm(AuthenticationForm):
    """Django's login form, saying which field is empty instead of a bare "required"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = _("Enter your username.")
        self.fields["password"].error_messages["required"] = _("Enter your password.")
