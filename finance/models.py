"""Money actually moving: the fund's transfers to the participating agencies, and what each agency
has committed and paid out for its activities, quarter by quarter. Amounts are direct; their
indirect cost follows the programme's rule through `budgets.money.indirect_cost`, per activity,
so that expenditure and budget compare like with like."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from budgets.models import FundingSource, money_field_options
from workplan.models import Activity, Agency, Programme, WorkPlan


class Transfer(models.Model):
    """Funds sent by the fund to one participating agency, for one work plan year (the tranche)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("programme")
    )
    work_plan = models.ForeignKey(
        WorkPlan,
        on_delete=models.PROTECT,
        related_name="transfers",
        verbose_name=_("tranche (work plan year)"),
        help_text=_("The work plan year these funds are for."),
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("UN agency"))
    date = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), message=_("A transfer must be more than zero."))],
    )
    voucher = models.CharField(_("voucher"), max_length=100, blank=True, help_text=_("The transfer voucher reference."))
    illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Made up for the demo, not taken from the programme's sources; pages that count it say so."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["programme", "date", "agency__code", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive"),
        ]
        indexes = [models.Index(fields=["programme", "date"], name="transfer_programme_date")]

    def __str__(self):
        return f"{self.agency.code} {self.date:%Y-%m-%d} {self.amount}"

    def clean(self):
        if self.work_plan_id and self.programme_id and self.work_plan.programme_id != self.programme_id:
            raise ValidationError({"work_plan": _("This work plan belongs to another programme.")})


class Expenditure(models.Model):
    """What an activity's agency committed (obligations raised, not yet paid) and disbursed (paid)
    in one quarter of the activity's work plan year, from one source of funds; direct amounts."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="expenditures", verbose_name=_("activity")
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, related_name="expenditures", verbose_name=_("source of funds")
    )
    committed = models.DecimalField(_("committed"), default=Decimal("0.00"), **money_field_options)
    disbursed = models.DecimalField(_("disbursed"), default=Decimal("0.00"), **money_field_options)
    illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Made up for the demo, not taken from the programme's sources; pages that count it say so."),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditure")
        ordering = ["activity__sort_key", "quarter", "source__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "quarter", "source"],
                name="one_expenditure_per_quarter_and_source",
                violation_error_message=_("This activity already has expenditure for this quarter and source."),
            ),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="expenditure_quarter_1_to_4"),
            models.CheckConstraint(condition=Q(committed__gte=0, disbursed__gte=0), name="expenditure_not_negative"),
        ]

    def __str__(self):
        return f"{self.activity.code or self.activity.title} Q{self.quarter} ({self.source})"
