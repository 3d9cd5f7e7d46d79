from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Quarterly progress reports: reads the work plan, budget and indicator apps, owns no model."""

    name = "reports"
    verbose_name = _("Reports")
