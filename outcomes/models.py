from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workplan.models import Outcome, Output
from workplan.natural_sort import NaturalSortKeyField
from workplan.numbers import format_count, format_figure


def percent_of_target(value: Decimal | None, target: Decimal | None) -> Decimal | None:
    """How far a value has gone toward its target, in percent to one decimal, rounded half-up.
    Every page, chart and workbook shows this figure."""
    if value is None or not target:
        return None
    return (Decimal(value) * 100 / target).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class IndicatorQuerySet(models.QuerySet):
    def of_programme(self, programme):
        return self.filter(Q(outcome__programme=programme) | Q(output__outcome__programme=programme))


class IndicatorManager(models.Manager.from_queryset(IndicatorQuerySet)):
    def get_by_natural_key(self, mptf_project_id, code):
        return self.get(
            Q(outcome__programme__mptf_project_id=mptf_project_id)
            | Q(output__outcome__programme__mptf_project_id=mptf_project_id),
            code=code,
        )


class Indicator(models.Model):
    """What the programme measures on one outcome or one JP output."""

    class Unit(models.TextChoices):
        NUMBER = "number", _("Number")
        PERCENT = "percent", _("Percent")
        YES_NO = "yes_no", _("Yes/no")

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="indicators", null=True, blank=True)
    output = models.ForeignKey(
        Output, on_delete=models.CASCADE, related_name="indicators", null=True, blank=True, verbose_name=_("JP output")
    )
    code = models.CharField(_("code"), max_length=20, help_text=_('Such as "I2.1": indicator 1 of outcome 2.'))
    statement = models.TextField(_("indicator"))
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices, default=Unit.NUMBER)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    means_of_verification = models.TextField(_("means of verification"), blank=True)
    disaggregated_by_sex = models.BooleanField(_("disaggregated by sex"), default=False)
    disaggregated_by_indigenous_status = models.BooleanField(_("disaggregated by indigenous status"), default=False)
    sort_key = NaturalSortKeyField(source="code")

    objects = IndicatorManager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["sort_key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__isnull=False, output__isnull=True) | Q(outcome__isnull=True, output__isnull=False),
                name="indicator_on_outcome_or_output",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.statement}"

    def natural_key(self):
        programme = self.outcome.programme if self.outcome_id else self.output.outcome.programme
        return (programme.mptf_project_id, self.code)

    natural_key.dependencies = ["workplan.outcome", "workplan.output"]

    @property
    def programme_id(self):
        return self.outcome.programme_id if self.outcome_id else self.output.outcome.programme_id

    def clean(self):
        if bool(self.outcome_id) == bool(self.output_id):
            raise ValidationError(_("An indicator measures either one outcome or one JP output."))
        clashing = Indicator.objects.filter(code=self.code).exclude(pk=self.pk)
        if any(other.programme_id == self.programme_id for other in clashing):
            raise ValidationError(
                {"code": _("Another indicator of this programme has the code %(code)s.") % {"code": self.code}}
            )


def indicator_value_text(value: Decimal | None, unit: str) -> str:
    """An indicator's value (a baseline, a target, a result) as it reads on pages, in reports and in
    workbooks: "Yes" or "No" for a yes/no indicator (stored as 1 and 0), else the number as people write it."""
    if value is None:
        return ""
    if unit == Indicator.Unit.YES_NO:
        return str(_("Yes") if value else _("No"))
    return format_figure(value)


class IndicatorResultManager(models.Manager):
    def get_by_natural_key(self, mptf_project_id, code, as_of):
        return self.get(indicator=Indicator.objects.get_by_natural_key(mptf_project_id, code), as_of=as_of)


class IndicatorResult(models.Model):
    """The value of an indicator at the end of a reporting period, with its parts."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="results")
    as_of = models.DateField(_("as of"), help_text=_("The last day of the period the value describes."))
    period_label = models.CharField(
        _("period"), max_length=100, help_text=_('Such as "Year 1 Q2" or "End of programme".')
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    men = models.PositiveIntegerField(_("men"), null=True, blank=True)
    indigenous = models.PositiveIntegerField(_("indigenous"), null=True, blank=True)
    non_indigenous = models.PositiveIntegerField(_("non-indigenous"), null=True, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)

    objects = IndicatorResultManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator result")
        verbose_name_plural = _("indicator results")
        ordering = ["indicator__sort_key", "as_of"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "as_of"], name="one_result_per_indicator_and_date"),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.period_label}: {self.value}"

    def natural_key(self):
        return (*self.indicator.natural_key(), self.as_of.isoformat())

    natural_key.dependencies = ["outcomes.indicator"]

    def clean(self):
        errors = {}
        pairs = [
            ("women", "men", _("women"), _("men")),
            ("indigenous", "non_indigenous", _("indigenous"), _("non-indigenous")),
        ]
        for first, second, first_label, second_label in pairs:
            first_value, second_value = getattr(self, first), getattr(self, second)
            if self.value is None:
                continue
            if first_value is not None and second_value is not None and first_value + second_value != self.value:
                errors[second] = _(
                    "%(first)s (%(a)s) and %(second)s (%(b)s) add up to %(sum)s, not to the total %(total)s."
                ) % {
                    "first": str(first_label).capitalize(),
                    "second": second_label,
                    "a": format_count(first_value),
                    "b": format_count(second_value),
                    "sum": format_count(first_value + second_value),
                    "total": format_figure(self.value),
                }
            for field in (first, second):
                part = getattr(self, field)
                if part is not None and part > self.value:
                    errors.setdefault(
                        field,
                        _("A part (%(part)s) cannot exceed the total %(total)s.")
                        % {"part": format_count(part), "total": format_figure(self.value)},
                    )
        if errors:
            raise ValidationError(errors)
