"""Fast multi-row inserts for imports: one executemany per batch, explicit primary keys.

The ORM's bulk_create spends most of its time preparing each value of each row; an import of a
million contracts cannot afford that. Values here are already database-ready (str, int, bool,
Decimal, date; JSON as text; datetimes adapted once per batch).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from django.conf import settings
from django.db import connection, models


@contextmanager
def large_write_cache() -> Iterator[None]:
    """A larger SQLite page cache while a bulk import writes, the usual one afterwards.

    A million-row import inserts into half a dozen indexes at random places; once they outgrow
    the cache, every insert reads and spills pages (measured, a million contracts: 155 s with
    64 MiB, 137 s with 512 MiB). The cache is bounded, so memory stays flat.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        usual = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{int(settings.SQLITE_IMPORT_CACHE_MIB) * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(usual)}")


class SecondaryIndexes:
    """The non-unique indexes of some tables, dropped while a large import writes and rebuilt
    before it commits (SQLite only).

    Inserting a million rows keeps each index's B-tree in random order; building it once at
    the end sorts instead (measured, a million contracts: the writer's CPU 64 → 47 µs per row,
    the rebuild 5 s, the import 90 → 77 s). SQLite's DDL is transactional: the drop happens in
    the import's transaction, other connections keep seeing the indexes, and a rollback, or a
    process killed mid-way, brings them back untouched. Unique indexes stay, since the import
    probes them. PostgreSQL is left alone: DROP INDEX would lock the table against every
    reader for the whole import.
    """

    def __init__(self, *models: type[models.Model]) -> None:
        self.tables = tuple(model._meta.db_table for model in models)
        self.dropped: list[tuple[str, str]] = []  # (name, CREATE INDEX statement)

    def drop(self) -> None:
        if connection.vendor != "sqlite" or self.dropped:
            return
        marks = ", ".join(["%s"] * len(self.tables))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks}) AND NOT sql LIKE 'CREATE UNIQUE %%' ORDER BY name",
                list(self.tables),
            )
            self.dropped = [(name, sql) for name, sql in cursor.fetchall()]
            for name, _ in self.dropped:
                cursor.execute(f'DROP INDEX "{name}"')

    def restore(self) -> None:
        """Build the dropped indexes again, from the statements that made them."""
        with connection.cursor() as cursor:
            for _, statement in self.dropped:
                cursor.execute(statement)
        self.dropped = []


def analyze_on_sqlite(model: type[models.Model]) -> None:
    """Give SQLite's planner the table's statistics after a large import (PostgreSQL keeps its
    own, by autovacuum and the import's ANALYZE).

    Without them SQLite guesses that an equality on an index leaves a few rows, and reads a
    year of registrations through the (agency, status) index and sorts them, instead of walking
    the registration-date index: measured on a million contracts, a list page took 838 ms
    rather than 5 ms. The full ANALYZE of the contract table takes about 0.4 s per million
    rows; a sampled one (`analysis_limit`) misjudged the (agency, status) index.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


@contextmanager
def references_checked_per_statement() -> Iterator[None]:
    """Check deferred foreign keys as each statement ends, not all at commit; wrap a whole
    `transaction.atomic()` block with it.

    Django declares them DEFERRABLE INITIALLY DEFERRED. PostgreSQL queues one check per row
    and runs them all at COMMIT: for a million-row import, four million checks in one serial
    stretch at the end (36 µs per row, measured), with the checking processes long done; run
    per COPY they overlap with the checking of the next rows. An enclosing transaction (a
    caller's, a test's) gets its deferred checks back afterwards. SQLite counts deferred
    violations as it goes, at no such cost.
    """
    if connection.vendor != "postgresql":
        yield
        return
    enclosing = connection.in_atomic_block
    try:
        yield
    finally:
        if enclosing and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def check_references_now() -> None:
    """Inside the transaction that `references_checked_per_statement` wraps: switch to
    per-statement checks for the rest of it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for `count` new rows, safe under concurrency on both engines.

    PostgreSQL hands out sequence values; on SQLite the IMMEDIATE transaction already holds the
    database's only write lock, so max(id) cannot move under us.
    """
    if count == 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


# Up to this many rows, PostgreSQL gets one INSERT rather than a COPY (see `insert`).
FEW_ROWS = 20


def insert(model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert rows: COPY on PostgreSQL, one executemany on SQLite.

    PostgreSQL runs each statement of an executemany through its own executor: measured, the
    server spent about 400 µs of CPU per imported contract that way. COPY streams the rows
    through one; constraints, triggers and foreign-key checks apply exactly as for INSERT.
    A few rows (a workflow step's audit event) go as one INSERT instead: a COPY costs about
    0.7 ms to set up, and the audit chain's head stays locked meanwhile.
    """
    if not rows:
        return
    table = model._meta.db_table
    names = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) <= FEW_ROWS:
            marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
            cursor.execute(
                f'INSERT INTO "{table}" ({names}) VALUES {", ".join([marks] * len(rows))}',
                [value for row in rows for value in row],
            )
            return
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        # The driver's cursor: with DEBUG on, Django's would also quote every value of every
        # row into its query log (a tenth of an import's time), to keep the text of one query.
        with connection.wrap_database_errors:
            cursor.cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)


def db_datetime(value: datetime) -> object:
    """A datetime as the engine stores it (naive UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


_JSON = json.JSONEncoder(ensure_ascii=False)


def db_json(value: object) -> str:
    return _JSON.encode(value)
