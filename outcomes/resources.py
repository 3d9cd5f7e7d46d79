from import_export import fields

from outcomes.models import Indicator, IndicatorResult
from workplan.admin_import_export import CachedForeignKeyWidget, HistoryModelResource
from workplan.models import Outcome, Output


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
