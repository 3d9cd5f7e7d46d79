from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from outcomes.models import Indicator, IndicatorResult


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
