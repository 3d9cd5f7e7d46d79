from django.core.exceptions import ValidationError
from import_export import fields

from outcomes.models import Indicator, IndicatorResult
from outcomes.selectors import agencies_reporting_on
from workplan.admin_import_export import CachedForeignKeyWidget, HistoryModelResource
from workplan.models import Outcome, Output, Programme
from workplan.reporting import PeriodLocked, refuse_locked_result


class IndicatorResource(HistoryModelResource):
    outcome = fields.Field(
        "outcome", "outcome", widget=CachedForeignKeyWidget(Outcome, key=lambda outcome: str(outcome.number))
    )
    output = fields.Field("output", "output", widget=CachedForeignKeyWidget(Output))

    class Meta(HistoryModelResource.Meta):
        model = Indicator
        fields = [
            "code", "outcome", "output", "statement", "unit", "baseline", "baseline_year", "target", "target_year",
            "means_of_verification", "disaggregated_by_sex", "disaggregated_by_indigenous_status",
        ]  # fmt: skip
        import_id_fields = ["code"]

    def get_queryset(self):
        return Indicator.objects.select_related("outcome", "output")


class IndicatorResultResource(HistoryModelResource):
    indicator = fields.Field("indicator", "indicator", widget=CachedForeignKeyWidget(Indicator))

    class Meta(HistoryModelResource.Meta):
        model = IndicatorResult
        fields = [
            "indicator", "as_of", "period_label", "value", "women", "men", "indigenous", "non_indigenous",
            "narrative", "source",
        ]  # fmt: skip
        import_id_fields = ["indicator", "as_of"]

    def get_queryset(self):
        return IndicatorResult.objects.select_related("indicator")

    def before_save_instance(self, instance, row, **kwargs):
        # A result dated in an accepted quarter is locked for the admin's import too (rows are matched by
        # date, so a row never moves a result): the row is refused with the lock's words.
        indicator = instance.indicator
        programme = Programme.objects.get(pk=indicator.programme_id)
        try:
            refuse_locked_result(
                programme, agencies_reporting_on(programme)[indicator.pk], instance.as_of, what=indicator.code
            )
        except PeriodLocked as locked:
            raise ValidationError(str(locked)) from locked
        super().before_save_instance(instance, row, **kwargs)
