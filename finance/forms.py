from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from budgets.forms import AmountField
from budgets.money import ZERO
from finance.models import Transfer
from finance.selectors import ExpenditureRow
from finance.services import QuarterFigures
from workplan.forms import HiddenFieldErrorsOnTop, SeenVersionField
from workplan.models import Agency, Programme, WorkPlan


def amount_field(label: str, *, required: bool, min_value: Decimal, message) -> AmountField:
    return AmountField(
        label=label,
        required=required,
        min_value=min_value,
        max_digits=14,
        decimal_places=2,
        localize=False,
        error_messages={"min_value": message},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "amount", "autocomplete": "off"}),
    )


class TransferForm(forms.ModelForm):
    class Meta:
        model = Transfer
        fields = ["date", "agency", "work_plan", "amount", "voucher"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["agency"].queryset = Agency.objects.filter(activities__work_plan__programme=programme).distinct()
        self.fields["work_plan"].queryset = WorkPlan.objects.filter(programme=programme).order_by("year")
        self.fields["amount"] = amount_field(
            Transfer._meta.get_field("amount").verbose_name,
            required=True,
            min_value=Decimal("0.01"),
            message=_("A transfer must be more than zero."),
        )


class ExpenditureForm(HiddenFieldErrorsOnTop, forms.Form):
    """Committed and disbursed amounts of some activities (one row per activity and source of funds)
    in some quarters: an activity's four quarters, or an agency's activities in one quarter. An
    empty field is zero. Each activity's version travels with the form, so that a save over
    someone else's is refused."""

    def __init__(self, *args, rows: list[ExpenditureRow], quarters: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows, self.quarters = rows, quarters
        negative = _("An amount spent cannot be negative.")
        for row in rows:
            version_field = self.version_field(row)
            if version_field not in self.fields:
                self.fields[version_field] = SeenVersionField()
                self.initial[version_field] = row.activity.version
            for quarter in quarters:
                for kind, label in (("committed", _("committed")), ("disbursed", _("disbursed"))):
                    name = self.field_name(row, quarter, kind)
                    self.fields[name] = amount_field(
                        f"{row.activity.code or row.activity.title} ({row.source}) Q{quarter} {label}",
                        required=False,
                        min_value=ZERO,
                        message=negative,
                    )
                    # In a grid the column and row headers show what a field is; its label is for screen readers.
                    self.fields[name].widget.attrs["aria-label"] = self.fields[name].label
                    self.initial[name] = getattr(row, kind)(quarter) or None

    @staticmethod
    def version_field(row: ExpenditureRow) -> str:
        return f"version_{row.activity.pk}"

    @staticmethod
    def field_name(row: ExpenditureRow, quarter: int, kind: str) -> str:
        return f"{kind}_{row.activity.pk}_{row.source.pk}_q{quarter}"

    def grid(self) -> list[tuple[ExpenditureRow, list[tuple[int, forms.BoundField, forms.BoundField]]]]:
        """Each row with its quarters' committed and disbursed fields, for the template."""
        return [
            (row, [(quarter, *self.quarter_fields(row, quarter)) for quarter in self.quarters]) for row in self.rows
        ]

    def quarter_fields(self, row: ExpenditureRow, quarter: int) -> tuple[forms.BoundField, forms.BoundField]:
        return self[self.field_name(row, quarter, "committed")], self[self.field_name(row, quarter, "disbursed")]

    def version_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("version_")]

    def figures(self) -> list[QuarterFigures]:
        return [
            QuarterFigures(
                activity=row.activity,
                source=row.source,
                quarter=quarter,
                committed=self.cleaned_data[self.field_name(row, quarter, "committed")] or ZERO,
                disbursed=self.cleaned_data[self.field_name(row, quarter, "disbursed")] or ZERO,
            )
            for row in self.rows
            for quarter in self.quarters
        ]

    def seen_versions(self) -> dict[int, int]:
        return {row.activity.pk: self.cleaned_data[self.version_field(row)] for row in self.rows}
