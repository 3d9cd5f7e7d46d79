from django import forms

from outcomes.models import IndicatorResult


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
        if not indicator.disaggregated_by_sex:
            del self.fields["women"], self.fields["men"]
        if not indicator.disaggregated_by_indigenous_status:
            del self.fields["indigenous"], self.fields["non_indigenous"]
