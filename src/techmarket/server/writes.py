"""Writing one row without building the ORM's SQL each time.

A workflow step writes the same shapes again and again: the contract's changed columns, a new
version, a new draft. The ORM compiles each INSERT and UPDATE afresh (about half a millisecond
of CPU for the contract's sixty columns, measured in the API benchmark's workers). Here the SQL
is built once per (database, model, columns) and the values are prepared by the fields
themselves (`get_db_prep_save`), as the ORM's compiler prepares them. Nothing else differs:
this project sends no model signals and has no `auto_now` fields (a test keeps it so).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, models

_inserts: dict[tuple[str, type[models.Model]], tuple[str, tuple[models.Field, ...]]] = {}
_updates: dict[tuple[str, type[models.Model], tuple[str, ...]], str] = {}


def insert_row(instance: models.Model, using: str = "default") -> None:
    """INSERT a new instance (its primary key generated) and set that key on it."""
    connection = connections[using]
    model = type(instance)
    key = (connection.vendor, model)
    if key not in _inserts:
        quote = connection.ops.quote_name
        fields = tuple(f for f in model._meta.concrete_fields if f is not model._meta.auto_field)
        sql = (
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(model._meta.pk.column)}"
        )
        _inserts[key] = (sql, fields)
    sql, fields = _inserts[key]
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = using


def update_columns(instance: models.Model, names: Sequence[str], using: str = "default") -> None:
    """UPDATE the named fields (names or attnames) of a stored instance, nothing else."""
    if not names:
        return
    connection = connections[using]
    model = type(instance)
    fields = [model._meta.get_field(name) for name in names]
    key = (connection.vendor, model, tuple(names))
    if key not in _updates:
        quote = connection.ops.quote_name
        _updates[key] = (
            f"UPDATE {quote(model._meta.db_table)} SET "
            f"{', '.join(f'{quote(f.column)} = %s' for f in fields)} "
            f"WHERE {quote(model._meta.pk.column)} = %s"
        )
    params = [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(_updates[key], [*params, instance.pk])
