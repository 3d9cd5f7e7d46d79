from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """The work plan workbook, an exchange format for activities and budgets: reads and writes
    through the work plan and budget apps, owns no model."""

    name = "exchange"
    verbose_name = _("Exchange")
