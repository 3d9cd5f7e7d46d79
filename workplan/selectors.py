"""Reads of the work plan that pages, forms and reports share."""

from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from workplan.models import Activity

NO_VALUE = "\N{EN DASH}"


@dataclass(frozen=True)
class RecordedChange:
    """One save as the history recorded it: who, when, and each changed field as
    (label, value before, value after), values written out for a person to read. `fields` is
    None when the history holds no earlier record to compare the save with."""

    user: object  # the user, or None when the history does not know
    at: datetime
    fields: list[tuple[str, str, str]] | None = field(default_factory=list)


def activity_changes_since(activity: Activity, *, seen_version: int) -> list[RecordedChange]:
    """The saves of `activity` that raised its version above `seen_version`, oldest first."""
    records = list(
        Activity.history.filter(id=activity.pk).select_related("history_user").order_by("history_date", "history_id")
    )
    changes = []
    for previous, record in pairwise([None, *records]):
        if record.version <= seen_version:
            continue
        fields = None
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=["sort_key", "version"], foreign_keys_are_objs=True)
            fields = [
                (
                    str(Activity._meta.get_field(change.field).verbose_name),
                    shown_value(Activity, change.field, change.old),
                    shown_value(Activity, change.field, change.new),
                )
                for change in delta.changes
            ]
        changes.append(RecordedChange(user=record.history_user, at=record.history_date, fields=fields))
    return changes


def seen_at(activity: Activity, *, seen_version: int) -> datetime | None:
    """When the version a form was opened on was saved, as far as the history knows: the time
    of the last recorded save at or below `seen_version` (None when there is none)."""
    return (
        Activity.history.filter(id=activity.pk, version__lte=seen_version)
        .order_by("-history_date")
        .values_list("history_date", flat=True)
        .first()
    )


def shown_value(model, field_name: str, value) -> str:
    """A field's value as a person reads it: the label of a choice, the name of a related record."""
    if value is None or value == "":
        return NO_VALUE
    model_field = model._meta.get_field(field_name)
    if model_field.choices:
        value = dict(model_field.flatchoices).get(value, value)
    elif isinstance(value, bool):
        value = _("yes") if value else _("no")
    return Truncator(str(value)).chars(120)
