from contextlib import suppress
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from budgets.models import BudgetCategory, FundingSource
from budgets.money import parse_amount
from budgets.selectors import activity_and_budget_changes_since
from workplan.forms import ActivityAdminForm, HiddenFieldErrorsOnTop, SeenVersionField, VersionCheckedAdminForm
from workplan.models import Activity
from workplan.selectors import RecordedChange


class AmountField(forms.DecimalField):
    """An amount as people type it: "1,234.50" or " 1234.5 " (thousands separators and spaces ignored)."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            # Not a number: left as typed, for Django's own message ("Enter a number.").
            with suppress(InvalidOperation):
                value = str(parse_amount(value))
        return super().to_python(value)


class BudgetEntryForm(HiddenFieldErrorsOnTop, forms.Form):
    """One amount per direct category of an activity, for one source of funds. An empty
    field means no line for that category."""

    seen_version = SeenVersionField()

    def __init__(self, *args, categories: list[BudgetCategory], sources: list[FundingSource], **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories
        self.fields["source"] = forms.ModelChoiceField(
            queryset=FundingSource.objects.filter(pk__in=[source.pk for source in sources]),
            label=_("Source of funds"),
            empty_label=None,
        )
        for category in categories:
            self.fields[self.field_name(category)] = AmountField(
                label=category.name,
                required=False,
                min_value=Decimal("0.00"),
                max_digits=14,
                decimal_places=2,
                localize=False,
                error_messages={"min_value": _("A budget amount cannot be negative.")},
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "amount", "autocomplete": "off"}),
            )

    @staticmethod
    def field_name(category: BudgetCategory) -> str:
        return f"amount_{category.code}"

    def category_fields(self):
        return [self[self.field_name(category)] for category in self.categories]

    def amounts(self) -> dict[BudgetCategory, Decimal | None]:
        return {category: self.cleaned_data.get(self.field_name(category)) for category in self.categories}


class ActivityWithBudgetAdminForm(ActivityAdminForm):
    """The admin's activity form, whose budget lines are edited on the same page: a change to
    them since the form was opened is named too."""

    def changes_since(self, activity: Activity, *, seen_version: int, opened_at) -> list[RecordedChange]:
        return activity_and_budget_changes_since(activity, seen_version=seen_version, opened_at=opened_at)


class BudgetLineAdminForm(VersionCheckedAdminForm):
    """A budget line in the admin (which gives it its model and fields), checked against the version
    of its activity as the budget page is."""

    def checked_activity(self) -> Activity | None:
        return self.instance.activity if self.instance.pk else None

    def changes_since(self, activity: Activity, *, seen_version: int, opened_at) -> list[RecordedChange]:
        return activity_and_budget_changes_since(activity, seen_version=seen_version, opened_at=opened_at)
