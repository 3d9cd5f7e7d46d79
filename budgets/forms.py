from contextlib import suppress
from decimal import Decimal, InvalidOperation

from django import forms
from django.db.models import F
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from budgets.models import BudgetCategory, BudgetRevision, FundingSource
from budgets.money import parse_amount
from budgets.selectors import activity_and_budget_changes_since
from workplan.forms import ActivityAdminForm, HiddenFieldErrorsOnTop, SeenVersionField, VersionCheckedAdminForm
from workplan.models import Activity, WorkPlan
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


class BudgetRevisionForm(forms.ModelForm):
    """What a budget revision, or a work plan's approval, records beside the budget lines as they stand."""

    class Meta:
        model = BudgetRevision
        fields = ["date", "reason", "approved_by"]
        widgets = {
            "date": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }


class NextYearForm(forms.Form):
    """The activities of a year that the next year's work plan continues."""

    activities = forms.ModelMultipleChoiceField(
        queryset=Activity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Activities to carry over"),
        help_text=_("Ticked at first: the activities neither completed nor cancelled."),
    )
    with_budget_lines = forms.BooleanField(
        required=False,
        label=_("Copy their budget lines"),
        help_text=_("Left unticked, the activities start the year with no budget line."),
    )

    def __init__(self, *args, work_plan: WorkPlan, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["activities"]
        field.queryset = work_plan.activities.select_related("agency").order_by(
            F("output__sort_key").asc(nulls_last=True), "sort_key"
        )
        field.label_from_instance = lambda activity: (
            f"{Truncator(activity).chars(100)} ({activity.agency.code}, {activity.get_status_display()})"
        )
