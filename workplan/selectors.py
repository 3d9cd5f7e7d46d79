"""Reads of the work plan that pages, forms and reports share."""

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, models
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from workplan.change_reasons import readable_reason
from workplan.models import Activity, ActivityProgress, Agency, Outcome, Output, Partner, Submission, WorkPlan

NO_VALUE = "\N{EN DASH}"
CREATED, CHANGED, DELETED = "+", "~", "-"
# How many changes the activity page lists, newest first.
HISTORY_SHOWN = 50
# A value in the history is cut to this many characters.
SHOWN_LENGTH = 120


def history_of(model: type[models.Model]) -> models.QuerySet:
    """The history records of `model`, as `model.history.all()` without its cost."""
    return _history_model(model).objects.all()


@functools.cache
def _history_model(model: type[models.Model]) -> type[models.Model]:
    # Kept: each read of `model.history` builds a new manager class, which costs more than a short query.
    return model.history.model


@dataclass(frozen=True)
class RecordedChange:
    """One save as the history recorded it: who, when, what and why. `fields` holds each changed
    field as (label, value before, value after), written out for a person to read in their language;
    it is None when the history holds no earlier record to compare the save with. `subject` names
    the record changed when it is not the page's own (a quarter's progress, a budget line)."""

    user: object  # the user, or None when the history does not know
    at: datetime
    fields: list[tuple[str, str, str]] | None = field(default_factory=list)
    action: str = CHANGED
    subject: str = ""
    reason: str = ""


def readable_changes(
    records: Iterable,
    *,
    fields: Sequence[str],
    formatters: dict[str, Callable[[object], str]] | None = None,
    subject: Callable[[object], str] | None = None,
    known_names: dict[str, dict[object, str]] | None = None,
) -> list[RecordedChange]:
    """Historical records (of one model, of one or several of its rows, oldest first) as changes
    people read: a creation from nothing, a deletion to nothing, a change against the row's record
    before it in `records` (the first of a row has none). Related records are named with one query per
    foreign key among `fields`, whatever the number of records, except where `known_names` ({foreign key
    name: {id: name}}) names every one the changes hold."""
    records = list(records)
    if not records:
        return []
    model = records[0].instance_type
    model_fields = [model._meta.get_field(name) for name in fields]
    previous_of = {}
    compared = []
    for record in records:
        row = getattr(record, model._meta.pk.attname)
        values = {f.name: getattr(record, f.attname) for f in model_fields}
        previous = previous_of.get(row)
        previous_of[row] = values
        if record.history_type == CREATED:
            delta = [(name, None, value) for name, value in values.items() if _has_value(value)]
        elif record.history_type == DELETED:
            delta = [(name, value, None) for name, value in values.items() if _has_value(value)]
        elif previous is None:
            delta = None
        else:
            delta = [(name, previous[name], value) for name, value in values.items() if previous[name] != value]
        compared.append((record, delta))

    names = _related_names(model_fields, [delta for _record, delta in compared if delta], known_names or {})
    formatters = formatters or {}

    def shown(name, value):
        if name in formatters and _has_value(value):
            return formatters[name](value)
        if name in names:
            return names[name].get(value, NO_VALUE)
        return shown_value(model, name, value)

    labels = {model_field.name: str(model_field.verbose_name) for model_field in model_fields}
    return [
        RecordedChange(
            user=record.history_user,
            at=record.history_date,
            fields=None
            if delta is None
            else [(labels[name], shown(name, before), shown(name, after)) for name, before, after in delta],
            action=record.history_type,
            subject=subject(record) if subject else "",
            reason=readable_reason(record.history_change_reason),
        )
        for record, delta in compared
    ]


def _has_value(value) -> bool:
    return value is not None and value != "" and value is not False


def _related_names(model_fields, deltas, known_names) -> dict[str, dict[object, str]]:
    """{foreign key name: {id: the related record's name}} for the ids the changes hold."""
    names = {}
    for model_field in model_fields:
        if not isinstance(model_field, models.ForeignKey):
            continue
        known = known_names.get(model_field.name, {})
        ids = {value for delta in deltas for name, *values in delta if name == model_field.name for value in values}
        ids -= {None, *known}
        related = model_field.related_model._base_manager.in_bulk(ids) if ids else {}
        names[model_field.name] = {**known, **{pk: str(record) for pk, record in related.items()}}
    return names


# The fields of an activity a person changes; the others are the app's bookkeeping.
ACTIVITY_HISTORY_FIELDS = [
    "output",
    "code",
    "title",
    "annual_target",
    "agency",
    "responsible_party",
    "planned_q1",
    "planned_q2",
    "planned_q3",
    "planned_q4",
    "status",
    "implementation_comment",
    "continues",
]
PROGRESS_HISTORY_FIELDS = ["status", "comment"]


def activity_history(activity: Activity) -> list[RecordedChange]:
    """The changes to an activity and to its quarterly progress, newest first (the latest
    HISTORY_SHOWN): who, when, what and why. A constant number of queries."""
    # One more record than shown: the oldest shown change is compared with the record before it.
    records = history_of(Activity).filter(id=activity.pk).select_related("history_user")
    records = list(records.order_by("-history_date", "-history_id")[: HISTORY_SHOWN + 1])[::-1]
    changes = readable_changes(records, fields=ACTIVITY_HISTORY_FIELDS, known_names=_current_names(activity))
    if len(records) > HISTORY_SHOWN:
        changes = changes[1:]
    progress = history_of(ActivityProgress).filter(activity_id=activity.pk).select_related("history_user")
    changes += readable_changes(
        progress.order_by("history_date", "history_id"),
        fields=PROGRESS_HISTORY_FIELDS,
        subject=lambda record: _("Q%(quarter)s progress") % {"quarter": record.quarter},
    )
    return sorted(changes, key=lambda change: change.at, reverse=True)[:HISTORY_SHOWN]


def _current_names(activity: Activity) -> dict[str, dict[object, str]]:
    """The names of the records the activity refers to now, where they are already read with it: most
    of its history refers to the same ones."""
    names = {}
    for name in ("output", "agency", "responsible_party"):
        model_field = Activity._meta.get_field(name)
        if model_field.is_cached(activity) and getattr(activity, name) is not None:
            names[name] = {getattr(activity, model_field.attname): str(getattr(activity, name))}
    return names


def quarter_report_history(
    work_plan: WorkPlan, agency: Agency, quarter: int, submission: Submission | None
) -> tuple[list[RecordedChange], list[RecordedChange]]:
    """An agency's report of a quarter as its history tells it, newest first: the submission's
    transitions (submitted, sent back, accepted, reopened, each with its reason), and the changes to
    the quarter's progress of the agency's activities, each saying whether it was a correction the
    coordinator asked for. Two queries."""
    transitions = []
    if submission is not None:
        records = submission.history.select_related("history_user").order_by("history_date", "history_id")
        transitions = readable_changes(records, fields=["status"])[::-1]
    progress = (
        history_of(ActivityProgress)
        .filter(activity__work_plan=work_plan, activity__agency=agency, quarter=quarter)
        .select_related("history_user", "activity")
    )
    changes = readable_changes(
        progress.order_by("history_date", "history_id"),
        fields=PROGRESS_HISTORY_FIELDS,
        subject=lambda record: (
            _("%(activity)s Q%(quarter)s progress")
            % {"activity": record.activity.code or record.activity.title, "quarter": quarter}
        ),
    )
    return transitions, changes[::-1]


def activity_changes_since(activity: Activity, *, seen_version: int) -> list[RecordedChange]:
    """The saves of `activity` that raised its version above `seen_version`, oldest first."""
    records = list(
        history_of(Activity)
        .filter(id=activity.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    changes = readable_changes(records, fields=ACTIVITY_HISTORY_FIELDS)
    return [change for record, change in zip(records, changes, strict=True) if record.version > seen_version]


def seen_at(activity: Activity, *, seen_version: int) -> datetime | None:
    """When the version a form was opened on was saved, as far as the history knows: the time
    of the last recorded save at or below `seen_version` (None when there is none)."""
    return (
        history_of(Activity)
        .filter(id=activity.pk, version__lte=seen_version)
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
    text = str(value)
    # Truncator's count is costly, and a text this short is left as it is.
    return text if len(text) <= SHOWN_LENGTH else Truncator(text).chars(SHOWN_LENGTH)


def programme_codes(programme_id: int) -> list[tuple[str, int, str]]:
    """(kind, id, code) of every agency and partner and of the programme's outputs, sorted: what names the
    groups and rows of the figures kept in the cache, and so is a part of their keys (neither has a history
    that `latest_changes` would see). One query, written as SQL as `budgets.selectors.latest_changes` is."""
    quote = connection.ops.quote_name
    agency, partner, output, outcome = (quote(model._meta.db_table) for model in (Agency, Partner, Output, Outcome))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 'agency', id, code FROM {agency} UNION ALL SELECT 'partner', id, code FROM {partner} "
            f"UNION ALL SELECT 'output', o.id, o.code FROM {output} o JOIN {outcome} c ON o.outcome_id = c.id "
            f"WHERE c.programme_id = %s",
            [programme_id],
        )
        return sorted(cursor.fetchall())
