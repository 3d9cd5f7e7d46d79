from collections.abc import Callable

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workplan.change_reasons import ChangeReason, change_reason, record_change
from workplan.models import Activity
from workplan.periods import QUARTER_CHOICES
from workplan.reporting import PeriodLocked, refuse_locked_changes
from workplan.selectors import RecordedChange, activity_changes_since


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


class VersionCheckedAdminForm(HiddenFieldErrorsOnTop, forms.ModelForm):
    """An admin change form that checks the activity's version as the app's forms do: saved after
    the form was opened, the activity is not overwritten, and the form says who changed what
    meanwhile. The admin saves inside a transaction; the activity's row stays locked from this
    check to the end of the save, so no one can slip a save in between."""

    seen_version = SeenVersionField()
    # When the form was opened: it only bounds which budget line changes are named as made
    # meanwhile (they raise the version without a field of the activity's own changing).
    opened_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def checked_activity(self) -> Activity | None:
        """The activity whose version the form was opened on; None on an add form."""
        raise NotImplementedError

    def changes_since(self, activity: Activity, *, seen_version: int, opened_at) -> list[RecordedChange]:
        return activity_changes_since(activity, seen_version=seen_version)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        activity = self.checked_activity()
        if activity is None:
            self.fields["seen_version"].required = False
        else:
            # Read afresh: the history's revert page builds the form on an old copy of the record.
            self.initial["seen_version"] = Activity.objects.values_list("version", flat=True).get(pk=activity.pk)
            self.initial["opened_at"] = timezone.now().isoformat()

    def clean(self):
        cleaned_data = super().clean()
        activity = self.checked_activity()
        seen_version = cleaned_data.get("seen_version")
        if activity is None or seen_version is None:
            return cleaned_data
        with transaction.atomic():
            current = Activity.objects.select_for_update().values_list("version", flat=True).get(pk=activity.pk)
        if current != seen_version:
            raise ValidationError(self.stale_messages(activity, seen_version))
        return cleaned_data

    def stale_messages(self, activity: Activity, seen_version: int) -> list[str]:
        messages = [
            gettext(
                "Not saved: someone else changed this activity after you opened this form. Reload the page to "
                "start from their version, then make your changes again. Changed meanwhile:"
            )
        ]
        try:
            opened_at = parse_datetime(self.cleaned_data.get("opened_at") or "")
        except ValueError:
            opened_at = None
        for change in self.changes_since(activity, seen_version=seen_version, opened_at=opened_at):
            if change.fields is None:
                what = gettext("saved it (the history has no earlier record to compare with)")
            else:
                what = "; ".join(f"{label}: {old} → {new}" for label, old, new in change.fields)
            messages.append(
                gettext("%(who)s, %(when)s: %(what)s")
                % {
                    "who": change.user.get_username() if change.user else gettext("someone the history does not name"),
                    "when": date_format(localtime(change.at), "DATETIME_FORMAT"),
                    "what": what or gettext("saved with no change to the activity's own fields"),
                }
            )
        if len(messages) == 1:
            messages.append(gettext("the history does not say what (a change made outside the app's forms)."))
        return messages


class LockOverridingAdminForm(forms.ModelForm):
    """An admin form whose change may touch a quarter a coordinator accepted: refused with the lock's
    words, unless the person may override period locks (the admin says so, from
    `permissions.can_override_period_locks`) and gives the reason, which the history keeps."""

    change_reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Kept in the history. Required to change a quarter that a coordinator accepted, which only a "
            "superuser may do."
        ),
    )
    may_override_locks = False
    overrides_lock = False

    def check_locks(self, refuse_locked: Callable[[], None]) -> None:
        """Call `refuse_locked`, which raises PeriodLocked when the change touches an accepted quarter."""
        try:
            refuse_locked()
        except PeriodLocked as locked:
            if not self.may_override_locks:
                self.add_error(None, str(locked))
            elif not self.cleaned_data.get("change_reason", "").strip():
                self.add_error(
                    "change_reason",
                    gettext("%(lock)s As a superuser you may change it anyway: give the reason here.")
                    % {"lock": locked},
                )
            else:
                self.overrides_lock = True

    def record_reason(self, instance, *, user) -> None:
        """Have the history keep who saved `instance` and why."""
        reason = ChangeReason.ACCEPTED_QUARTER_CHANGED if self.overrides_lock else ChangeReason.CHANGED_IN_ADMIN
        record_change(instance, user=user, reason=change_reason(reason, self.cleaned_data.get("change_reason", "")))


class ActivityAdminForm(LockOverridingAdminForm, VersionCheckedAdminForm):
    """The admin's activity form (the admin gives it its model and fields)."""

    def checked_activity(self) -> Activity | None:
        return self.instance if self.instance.pk else None

    def _post_clean(self):
        # The instance holds the new values from here: a timeframe or agency change that touches an
        # accepted quarter is refused with the lock's words, as everywhere else.
        super()._post_clean()
        if self.instance.work_plan_id and not self.errors:
            self.check_locks(lambda: refuse_locked_changes([self.instance]))


class ProgressForm(HiddenFieldErrorsOnTop, forms.Form):
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=QUARTER_CHOICES,
        coerce=int,
        help_text=_("Choosing another quarter shows what was saved for it."),
    )
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
