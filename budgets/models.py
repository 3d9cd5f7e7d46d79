from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workplan.models import Activity, Agency, CodedManager, Output, Programme, WorkPlan

money_field_options = {
    "max_digits": 14,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0.00"), message=_("A budget amount cannot be negative."))],
}


class BudgetCategoryManager(models.Manager):
    def get_by_natural_key(self, mptf_project_id, code):
        return self.get(programme__mptf_project_id=mptf_project_id, code=code)


class BudgetCategory(models.Model):
    """A direct budget category of one programme, such as "Int personnel". Each programme has
    the categories of its own budget format (CISP the seed's nine, another UNDG 2012's), so
    one programme's workbook never shows another's columns."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="budget_categories", verbose_name=_("programme")
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Column order in work plans."))

    objects = BudgetCategoryManager()

    class Meta:
        verbose_name = _("budget category")
        verbose_name_plural = _("budget categories")
        ordering = ["programme", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="budget_category_code_unique_in_programme"),
            models.UniqueConstraint(fields=["programme", "name"], name="budget_category_name_unique_in_programme"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.programme.mptf_project_id, self.code)

    natural_key.dependencies = ["workplan.programme"]


class FundingSource(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    objects = CodedManager()

    class Meta:
        verbose_name = _("source of funds")
        verbose_name_plural = _("sources of funds")
        ordering = ["code"]

    def __str__(self):
        return self.code

    def natural_key(self):
        return (self.code,)


class BudgetLineManager(models.Manager):
    def get_by_natural_key(self, mptf_project_id, year, activity, category, source):
        return self.get(
            activity=Activity.objects.get_by_natural_key(mptf_project_id, year, activity),
            category__programme__mptf_project_id=mptf_project_id,
            category__code=category,
            source__code=source,
        )


class BudgetLine(models.Model):
    """The planned amount of one direct category of one activity, from one source of funds."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.ForeignKey(
        BudgetCategory, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("category")
    )
    source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("source of funds")
    )
    amount = models.DecimalField(_("amount"), **money_field_options)

    objects = BudgetLineManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["activity__sort_key", "category__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "category", "source"],
                name="one_budget_line_per_category",
                violation_error_message=_("This activity already has a line for this category and source of funds."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="budget_line_amount_not_negative",
                violation_error_message=_("A budget amount cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.activity.code or self.activity.title}: {self.category} ({self.source})"

    def clean_fields(self, exclude=None):
        """The category must be one of the activity's programme. Checked with the field, so that
        an import that took the categories from the programme (and excludes the field) does not
        query them again line by line."""
        errors = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        checked = exclude is None or "category" not in exclude
        if (
            checked
            and "category" not in errors
            and self.category_id
            and self.activity_id
            and self.category.programme_id != self.activity.work_plan.programme_id
        ):
            errors["category"] = [_("This category belongs to another programme's budget format.")]
        if errors:
            raise ValidationError(errors)

    def natural_key(self):
        return (*self.activity.natural_key(), self.category.code, self.source.code)

    natural_key.dependencies = ["workplan.activity", "budgets.budgetcategory", "budgets.fundingsource"]


class StatedBudgetManager(models.Manager):
    def get_by_natural_key(self, mptf_project_id, year):
        return self.get(work_plan=WorkPlan.objects.get_by_natural_key(mptf_project_id, year))


class StatedBudget(models.Model):
    """The TOTAL row as printed on a work plan. Kept beside the computed totals, never in
    place of them: where the two differ, the app shows the difference."""

    work_plan = models.OneToOneField(WorkPlan, on_delete=models.CASCADE, related_name="stated_budget")
    indirect_cost = models.DecimalField(_("Mgt support (as printed)"), **money_field_options)
    total = models.DecimalField(_("total (as printed)"), **money_field_options)

    objects = StatedBudgetManager()

    class Meta:
        verbose_name = _("stated work plan total")
        verbose_name_plural = _("stated work plan totals")

    def __str__(self):
        return _("Stated totals of %(work_plan)s") % {"work_plan": self.work_plan}

    def natural_key(self):
        return self.work_plan.natural_key()

    natural_key.dependencies = ["workplan.workplan"]


class StatedCategoryTotalManager(models.Manager):
    def get_by_natural_key(self, mptf_project_id, year, category):
        return self.get(
            stated_budget__work_plan=WorkPlan.objects.get_by_natural_key(mptf_project_id, year),
            category__programme__mptf_project_id=mptf_project_id,
            category__code=category,
        )


class StatedCategoryTotal(models.Model):
    stated_budget = models.ForeignKey(StatedBudget, on_delete=models.CASCADE, related_name="category_totals")
    category = models.ForeignKey(BudgetCategory, on_delete=models.PROTECT, verbose_name=_("category"))
    amount = models.DecimalField(_("amount (as printed)"), **money_field_options)

    objects = StatedCategoryTotalManager()

    class Meta:
        verbose_name = _("stated category total")
        verbose_name_plural = _("stated category totals")
        ordering = ["category__position"]
        constraints = [
            models.UniqueConstraint(fields=["stated_budget", "category"], name="one_stated_total_per_category")
        ]

    def __str__(self):
        return f"{self.category}: {self.amount}"

    def natural_key(self):
        return (*self.stated_budget.natural_key(), self.category.code)

    natural_key.dependencies = ["budgets.statedbudget", "budgets.budgetcategory"]


class BudgetRevision(models.Model):
    """An approved work plan's budget as it stood at one revision: number 0 is the original, recorded
    when the plan was approved; each later number records the budget lines as revised. The lines
    themselves are edited on the activities (the current budget); a revision is their copy, never
    rewritten, so that the original and each revision can be compared with what is current."""

    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="budget_revisions")
    number = models.PositiveSmallIntegerField(_("revision"), help_text=_("0 is the original budget."))
    date = models.DateField(_("date"), help_text=_("The day the budget or its revision was approved."))
    reason = models.TextField(_("reason"))
    approved_by = models.CharField(
        _("approved by"), max_length=200, blank=True, help_text=_("The person or body that approved it.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    moved_between_outputs = models.DecimalField(
        _("moved between outputs"),
        **money_field_options,
        default=Decimal("0.00"),
        help_text=_("Budget (Mgt support included) taken from some JP outputs and given to others since the original."),
    )
    needs_pmc_approval = models.BooleanField(_("needs PMC approval"), default=False)
    pmc_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by the PMC (member)"),
    )
    pmc_approved_at = models.DateTimeField(_("approved by the PMC at"), null=True, blank=True)

    class Meta:
        verbose_name = _("budget revision")
        verbose_name_plural = _("budget revisions")
        ordering = ["work_plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["work_plan", "number"], name="one_budget_revision_per_number"),
            models.CheckConstraint(
                condition=Q(needs_pmc_approval=True) | Q(pmc_approved_by__isnull=True, pmc_approved_at__isnull=True),
                name="only_flagged_revisions_are_approved_by_the_pmc",
            ),
            models.CheckConstraint(
                condition=~Q(number=0) | Q(needs_pmc_approval=False), name="the_original_budget_needs_no_pmc_approval"
            ),
        ]

    def __str__(self):
        if self.number == 0:
            return _("Original budget of %(work_plan)s") % {"work_plan": self.work_plan}
        return _("Budget revision %(number)s of %(work_plan)s") % {"number": self.number, "work_plan": self.work_plan}

    @property
    def is_original(self) -> bool:
        return self.number == 0

    @property
    def awaits_pmc_approval(self) -> bool:
        return self.needs_pmc_approval and self.pmc_approved_by_id is None


class BudgetRevisionLine(models.Model):
    """One budget line as it stood at a revision, with the activity's JP output and agency of the
    time, so that a later move of the activity does not change what the revision says."""

    revision = models.ForeignKey(BudgetRevision, on_delete=models.CASCADE, related_name="lines")
    # RESTRICT, not PROTECT: deleting the whole work plan deletes its revisions with its activities.
    activity = models.ForeignKey(Activity, on_delete=models.RESTRICT, related_name="+")
    output = models.ForeignKey(
        Output, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("JP output")
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("UN agency"))
    category = models.ForeignKey(BudgetCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, related_name="+", verbose_name=_("source of funds")
    )
    amount = models.DecimalField(_("amount"), **money_field_options)

    class Meta:
        verbose_name = _("budget line at a revision")
        verbose_name_plural = _("budget lines at a revision")
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "activity", "category", "source"], name="one_revision_line_per_category"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="revision_line_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.revision}: {self.activity_id} {self.category} ({self.source}) {self.amount}"
