"""Reading a contract's child rows (events, attachments, versions …) without building the
ORM's SQL for every page.

The ORM compiles a query's SQL afresh each time it runs; on the contract page, a dozen small
queries spent more CPU being compiled (about a quarter of a page's, measured with py-spy in
the gunicorn workers) than being run. These reads are fixed in shape — every column of one
table, one equality on a foreign key, one order — so their SQL and the fields' converters are
built once per (database, model, filter, order) and reused. Rows come back as model instances
through `Model.from_db`, converted exactly as the ORM converts them (a test compares the two
on both databases).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, models
from django.db.models.expressions import Col

M = TypeVar("M", bound=models.Model)

Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class _Shape:
    """A model's row as read: its columns' attnames and the converters some of them need."""

    names: tuple[str, ...]  # attnames, in the order Model.from_db expects
    converters: tuple[tuple[int, tuple[Converter, ...], Col], ...]


@dataclass(frozen=True)
class _Plan:
    sql: str
    shape: _Shape


_plans: dict[
    tuple[str, type[models.Model], tuple[str, ...], tuple[str, ...], tuple[str, ...]], _Plan
] = {}


def _plan(
    using: str,
    model: type[models.Model],
    where: tuple[str, ...],
    order: tuple[str, ...],
    exclude: tuple[str, ...] = (),
) -> _Plan:
    connection = connections[using]
    quote = connection.ops.quote_name
    table = model._meta.db_table
    fields = model._meta.concrete_fields
    columns = ", ".join(f"{quote(table)}.{quote(f.column)}" for f in fields)
    conditions = " AND ".join(
        [f"{quote(model._meta.get_field(w).column)} = %s" for w in where]
        + [f"NOT {quote(model._meta.get_field(x).column)} = %s" for x in exclude]
    )
    ordering = ", ".join(
        f"{quote(model._meta.get_field(o.lstrip('-')).column)}{' DESC' if o[0] == '-' else ''}"
        for o in order
    )
    sql = f"SELECT {columns} FROM {quote(table)} WHERE {conditions}"
    if ordering:
        sql += f" ORDER BY {ordering}"
    return _Plan(sql, _shape(using, model))


def _shape(using: str, model: type[models.Model]) -> _Shape:
    connection = connections[using]
    table = model._meta.db_table
    converters = []
    for index, field in enumerate(model._meta.concrete_fields):
        col = Col(table, field)
        found = tuple(connection.ops.get_db_converters(col) + field.get_db_converters(connection))
        if found:
            converters.append((index, found, col))
    return _Shape(tuple(f.attname for f in model._meta.concrete_fields), tuple(converters))


def _instance(model: type[M], shape: _Shape, values: list[Any], using: str) -> M:
    """A model instance from its row's values, converted as the ORM converts them."""
    connection = connections[using]
    for index, converters, col in shape.converters:
        value = values[index]
        for convert in converters:
            value = convert(value, col, connection)
        values[index] = value
    return model.from_db(using, shape.names, values)


def rows(
    model: type[M],
    *,
    where: dict[str, object],
    exclude: dict[str, object] | None = None,
    order_by: Sequence[str] = (),
    using: str = "default",
) -> list[M]:
    """Every row of ``model`` whose fields equal ``where`` and differ from ``exclude``
    (non-null values), in ``order_by`` (field names, ``-`` for descending): the instances the
    ORM's ``model.objects.filter(**where).exclude(...).order_by(*order_by)`` would give. An
    exclusion that a partial index's condition names lets the engine use that index (SQLite
    does not infer `x <> ''` from `x = 'a'`)."""
    exclude = exclude or {}
    if not all(_storable(value) for value in [*where.values(), *exclude.values()]):
        return []  # no row holds a number no column can (the ORM, too, finds none)
    connection = connections[using]
    names, excluded = tuple(where), tuple(exclude)
    key = (connection.vendor, model, names, tuple(order_by), excluded)
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = _plan(using, model, names, tuple(order_by), excluded)
    params = [
        model._meta.get_field(name).get_db_prep_value(value, connection)
        for name, value in [*where.items(), *exclude.items()]
    ]
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, params)
        fetched = cursor.fetchall()
    return [_instance(model, plan.shape, list(raw), using) for raw in fetched]


# One model joined to the next: (model, its field, the previous model's field they equal).
Link = tuple[type[models.Model], str, str]
_chains: dict[tuple[str, type[models.Model], tuple[Link, ...]], tuple[str, list[_Shape]]] = {}


def linked(
    model: type[models.Model], *, pk: object, links: Sequence[Link], using: str = "default"
) -> list[models.Model | None] | None:
    """The row of ``model`` with this primary key and, through LEFT JOINs, the row each link
    leads to from the one before it (None where there is none), in one prepared query; None
    when there is no such row. A request's user, its profile and the profile's agency: one
    query where three ran on every request."""
    if not _storable(pk):
        return None
    connection = connections[using]
    key = (connection.vendor, model, tuple(links))
    chain = _chains.get(key)
    if chain is None:
        chain = _chains[key] = _chain(using, model, tuple(links))
    sql, shapes = chain
    with connection.cursor() as cursor:
        cursor.execute(sql, [model._meta.pk.get_db_prep_value(pk, connection)])
        row = cursor.fetchone()
    if row is None:
        return None
    found: list[models.Model | None] = []
    start = 0
    for part, shape in zip((model, *(link[0] for link in links)), shapes, strict=True):
        values = list(row[start : start + len(shape.names)])
        start += len(shape.names)
        missing = values[shape.names.index(part._meta.pk.attname)] is None  # LEFT JOIN: none
        found.append(None if missing else _instance(part, shape, values, using))
    return found


def _chain(
    using: str, model: type[models.Model], links: tuple[Link, ...]
) -> tuple[str, list[_Shape]]:
    connection = connections[using]
    quote = connection.ops.quote_name
    shapes = [_shape(using, model)]
    columns = [_columns(quote, model, "t0")]
    joins = []
    previous = model
    for n, (part, field, previous_field) in enumerate(links, start=1):
        shapes.append(_shape(using, part))
        columns.append(_columns(quote, part, f"t{n}"))
        column = part._meta.get_field(field).column
        previous_column = previous._meta.get_field(previous_field).column
        joins.append(
            f"LEFT JOIN {quote(part._meta.db_table)} t{n} "
            f"ON t{n}.{quote(column)} = t{n - 1}.{quote(previous_column)}"
        )
        previous = part
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(model._meta.db_table)} t0 {' '.join(joins)} "
        f"WHERE t0.{quote(model._meta.pk.column)} = %s"
    )
    return sql, shapes


def _storable(value: object) -> bool:
    """False for an integer beyond a 64-bit column (an id from a URL): both engines refuse to
    compare with it, where the ORM answers "no rows"."""
    return not isinstance(value, int) or -(2**63) <= value < 2**63


def _columns(quote: Callable[[str], str], model: type[models.Model], alias: str) -> str:
    return ", ".join(f"{alias}.{quote(f.column)}" for f in model._meta.concrete_fields)
