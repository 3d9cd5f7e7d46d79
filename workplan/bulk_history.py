"""Bulk writes that keep django-simple-history's record, for imports of thousands of rows.

simple_history's own bulk helpers build one historical model instance per row in Python and
save those through bulk_create(): at 5,000 activities and 45,000 budget lines that took more
than half of a workbook import (bench/excel.py). Here the history rows are copied from the
rows just written, by the database, in INSERT ... SELECT statements. They hold the same values
simple_history would write: the tracked fields, the date, the user, the type and the reason.
"""

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone
from psycopg2.extras import execute_values

CREATED = "+"
CHANGED = "~"
DELETED = "-"
HISTORY_COLUMNS = ("history_date", "history_user", "history_type", "history_change_reason")


def create_with_history(model, objects: list, *, user, reason: str) -> list:
    """bulk_create() the objects and record each as created."""
    with transaction.atomic(using=router.db_for_write(model), savepoint=False):
        created = model.objects.bulk_create(objects)
        record_history(model, created, history_type=CREATED, user=user, reason=reason)
    return created


def update_with_history(model, objects: list, fields: list[str], *, user, reason: str) -> None:
    """Save `fields` of the objects and record each as changed.

    Not Django's bulk_update(): it builds a CASE WHEN per field and row, which took three
    quarters of an update import's time (bench/excel.py).
    """
    if not objects:
        return
    _saved_primary_keys(model, objects)
    connection = connections[router.db_for_write(model)]
    columns = [model._meta.get_field(name) for name in fields]
    rows = [
        [column.get_db_prep_save(getattr(instance, column.attname), connection) for column in columns] + [instance.pk]
        for instance in objects
    ]
    with transaction.atomic(using=connection.alias, savepoint=False):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                _update_from_values(connection, cursor, model, columns, rows)
            else:
                _update_row_by_row(connection, cursor, model, columns, rows)
        record_history(model, objects, history_type=CHANGED, user=user, reason=reason)


def _update_row_by_row(connection, cursor, model, columns, rows) -> None:
    """One prepared statement run for every row: SQLite runs it in process, row after row."""
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table),
        ", ".join(f"{quote(column.column)} = %s" for column in columns),
        quote(model._meta.pk.column),
    )
    cursor.executemany(sql, rows)


def _update_from_values(connection, cursor, model, columns, rows) -> None:
    """UPDATE ... FROM (VALUES ...), a thousand rows a statement: psycopg2's executemany() makes
    one round trip per row, which took an update import on PostgreSQL to four times openpyxl's
    read. Values are cast to their columns' types (a page of NULLs would otherwise be text)."""
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), model._meta.pk
    names = [quote(f"new_{column.column}") for column in [*columns, pk]]
    template = "({})".format(", ".join(f"%s::{_cast_type(column, connection)}" for column in [*columns, pk]))
    assignments = [
        f"{quote(column.column)} = incoming.{name}" for column, name in zip(columns, names[:-1], strict=True)
    ]
    sql = (
        f"UPDATE {table} SET {', '.join(assignments)} FROM (VALUES %s) AS incoming ({', '.join(names)}) "
        f"WHERE {table}.{quote(pk.column)} = incoming.{names[-1]}"
    )
    # Django's cursor, so that errors are Django's and the statements are counted like any other.
    execute_values(cursor, sql, rows, template=template, page_size=1000)


def _cast_type(column, connection) -> str:
    # A cast to varchar(n) would cut longer text silently, where assigning it raises an error.
    if isinstance(column, models.CharField):
        return connection.ops.cast_char_field_without_max_length
    return column.cast_db_type(connection)


def delete_with_history(model, objects: list, *, user, reason: str) -> None:
    """Delete the objects, recording each as deleted with its last values.

    A plain DELETE: the ORM's delete() has simple_history record every row again, one INSERT
    each and without the reason. So only for a model no other row depends on.
    """
    if not objects:
        return
    if model._meta.related_objects:
        raise ValueError(f"{model.__name__} has dependent rows: delete it through the ORM.")
    pks = _saved_primary_keys(model, objects)
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias, savepoint=False):
        record_history(model, objects, history_type=DELETED, user=user, reason=reason)
        with connection.cursor() as cursor:
            for batch in _batches(connection, model, pks):
                cursor.execute(
                    "DELETE FROM {} WHERE {} IN ({})".format(
                        quote(model._meta.db_table), quote(model._meta.pk.column), ", ".join(["%s"] * len(batch))
                    ),
                    batch,
                )


def record_history(model, objects: list, *, history_type: str, user, reason: str) -> None:
    """Add one history row per object, copied from its row as it now stands in the database."""
    if not objects or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    pks = _saved_primary_keys(model, objects)
    history = model.history.model
    connection = connections[router.db_for_write(history)]
    quote = connection.ops.quote_name
    tracked = history.tracked_fields
    history_columns = [history._meta.get_field(field.name).column for field in tracked]
    history_columns += [history._meta.get_field(name).column for name in HISTORY_COLUMNS]
    values = [
        history._meta.get_field("history_date").get_db_prep_save(timezone.now(), connection),
        user.pk if user is not None else None,
        history_type,
        reason,
    ]
    pk_column = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        for batch in _batches(connection, model, pks):
            cursor.execute(
                "INSERT INTO {} ({}) SELECT {}, {} FROM {} WHERE {} IN ({}) ORDER BY {}".format(
                    quote(history._meta.db_table),
                    ", ".join(quote(column) for column in history_columns),
                    ", ".join(quote(field.column) for field in tracked),
                    ", ".join(["%s"] * len(values)),
                    quote(model._meta.db_table),
                    pk_column,
                    ", ".join(["%s"] * len(batch)),
                    pk_column,
                ),
                [*values, *batch],
            )


def record_created_where_missing(model, *, reason: str) -> int:
    """Record as created each row of `model` that has no history at all (rows loaded from
    fixtures, which simple_history does not record), so that the first change made to them
    later has a record to be compared with. Returns the number of rows recorded."""
    missing = list(model.objects.exclude(pk__in=model.history.values(model._meta.pk.name)))
    record_history(model, missing, history_type=CREATED, user=None, reason=reason)
    return len(missing)


def _saved_primary_keys(model, objects: list) -> list:
    pks = [instance.pk for instance in objects]
    if None in pks:
        raise ValueError(f"Every {model.__name__} must be saved before it is updated or its history recorded.")
    return pks


def _batches(connection, model, pks: list):
    """The keys in as many statements as the database's limit on parameters asks for."""
    size = connection.ops.bulk_batch_size([model._meta.pk], pks)
    for start in range(0, len(pks), size):
        yield pks[start : start + size]
