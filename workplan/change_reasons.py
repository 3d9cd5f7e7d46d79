"""Why a change was made, as the history records it (django-simple-history's `history_change_reason`).

The services that write set it on each record they save. A reason is stored in English, as one of
`ChangeReason`, followed after ": " by the person's own words where there are some ("Sent back: the
figures for Siem Reap are missing"), and shown in the reader's language (`readable_reason`): a
coordinator reading in Khmer sees the same record as one reading in English.
"""

from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

SEPARATOR = ": "


class ChangeReason(models.TextChoices):
    LOADED = "Loaded from the CISP source documents", _("Loaded from the CISP source documents")
    IMPORTED = "Imported from Excel", _("Imported from Excel")
    IMPORTED_IN_ADMIN = "Imported in the admin", _("Imported in the admin")
    CHANGED_IN_ADMIN = "Changed in the admin", _("Changed in the admin")
    ACCEPTED_QUARTER_CHANGED = (
        "Accepted quarter changed by an administrator",
        _("Accepted quarter changed by an administrator"),
    )
    PROGRESS_REPORTED = "Quarterly progress reported", _("Quarterly progress reported")
    EXPENDITURE_REPORTED = "Expenditure reported", _("Expenditure reported")
    CORRECTED = "Corrected as the coordinator asked", _("Corrected as the coordinator asked")
    BUDGET_REVISED = "Budget revised", _("Budget revised")
    CARRIED_OVER = (
        "Carried over from the previous year's work plan",
        _("Carried over from the previous year's work plan"),
    )
    SUBMITTED = "Submitted", _("Submitted")
    ACCEPTED = "Accepted", _("Accepted")
    SENT_BACK = "Sent back", _("Sent back")
    REOPENED = "Reopened", _("Reopened")


def change_reason(reason: ChangeReason, words: str = "") -> str:
    """The reason as stored: the kind of change, then the person's own words if any."""
    words = words.strip()
    return f"{reason.value}{SEPARATOR}{words}" if words else reason.value


def readable_reason(stored: str | None) -> str:
    """A stored reason in the reader's language; one this app did not write is shown as it is."""
    if not stored:
        return ""
    kind, separator, words = stored.partition(SEPARATOR)
    if kind not in ChangeReason.values:
        return stored
    return f"{ChangeReason(kind).label}{separator}{words}"


def record_change(instance: models.Model, *, user, reason: str) -> None:
    """Have the next save of `instance` recorded with who made it and why. A reason longer than the
    history's column (100 characters where it is not a text) is shortened there, not refused."""
    column = type(instance).history.model._meta.get_field("history_change_reason")
    instance._history_user = user
    instance._change_reason = Truncator(reason).chars(column.max_length) if column.max_length else reason
