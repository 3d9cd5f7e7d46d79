from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from outcomes.models import Indicator, IndicatorResult
from outcomes.selectors import agencies_reporting_on
from workplan.forms import LockOverridingAdminForm
from workplan.models import Programme
from workplan.reporting import refuse_locked_result


class IndicatorResultForm(forms.ModelForm):
    class Meta:
        model = IndicatorResult
        fields = [
            "as_of",
            "period_label",
            "value",
            "women",
            "men",
            "indigenous",
            "non_indigenous",
            "narrative",
            "source",
        ]
        widgets = {"as_of": forms.DateInput(attrs={"type": "date"}), "narrative": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.indicator = indicator
        if indicator.unit == Indicator.Unit.YES_NO:
            # Stored as 1 or 0, chosen as Yes or No.
            self.fields["value"] = forms.TypedChoiceField(
                label=self.fields["value"].label, choices=[("1", _("Yes")), ("0", _("No"))], coerce=Decimal
            )
            if self.instance.value is not None:
                self.initial["value"] = "1" if self.instance.value else "0"
        if not indicator.disaggregated_by_sex:
            del self.fields["women"], self.fields["men"]
        if not indicator.disaggregated_by_indigenous_status:
            del self.fields["indigenous"], self.fields["non_indigenous"]

    def clean_as_of(self):
        # The (indicator, date) constraint is not checked by the form, the indicator not being one
        # of its fields: say so here rather than fail on saving.
        as_of = self.cleaned_data["as_of"]
        clash = IndicatorResult.objects.filter(indicator=self.instance.indicator, as_of=as_of).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError(
                _("This indicator already has a result for %(date)s: edit that one instead.") % {"date": as_of}
            )
        return as_of


class IndicatorResultAdminForm(LockOverridingAdminForm):
    """A result in the admin (on its own page, or a row of its indicator's page): dated in a quarter
    accepted for an agency working toward the indicator, it is locked as on the result page, neither
    changed nor moved into or out of the quarter."""

    def clean(self):
        cleaned_data = super().clean()
        indicator = cleaned_data.get("indicator") or (self.instance.indicator if self.instance.indicator_id else None)
        as_of = cleaned_data.get("as_of")
        if indicator is None or as_of is None or not self.has_changed():
            return cleaned_data
        programme = Programme.objects.get(pk=indicator.programme_id)
        agencies = agencies_reporting_on(programme)[indicator.pk]
        saved_as_of = self.instance.as_of if self.instance.pk else None  # the instance is updated after clean()
        self.check_locks(lambda: refuse_locked_result(programme, agencies, saved_as_of, as_of, what=indicator.code))
        return cleaned_data
