"""Finding contracts by a piece of their name, a party's name or their numbers, at a million rows.

A contract matches when the text is part (any case) of its name, the seller's or the buyer's
name, its registration number or its external id. Asked as `LIKE '%…%'`, that reads the table
newest first until a page is full: quick for a common word, a scan of every row for a rare one
(a mid-sized seller's name: 20–60 ms of CPU per request at a million contracts). So each engine
keeps a trigram index of those five texts, which finds the rows holding every three-character
piece of the text:

* SQLite: an FTS5 table with the trigram tokenizer over the contract table (`detail=none`: 70 MB
  for a million contracts, built in 15 s; triggers keep it current, see migration 0012). It is
  used when the text has three characters or more and matches few rows (`FEW`); a common text
  keeps the newest-first scan, which fills a page after a few hundred rows.
* PostgreSQL: a `pg_trgm` GIN index on the five texts joined (`PG_DOCUMENT`); the planner
  chooses between it and the newest-first scan by its own estimates.

The index only narrows: every row it proposes is checked with the same `icontains`
conditions, so both paths give exactly the same rows.
"""

from __future__ import annotations

import json

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from techmarket.registry.models import Contract

SQLITE_TABLE = "registry_contract_text"
TRIGRAM = 3
# Above this many candidates the newest-first scan fills a page sooner than the index's list
# of rowids can be read and sorted (a common word: a million candidates, 0.24 s; the scan
# 0.1 ms).
FEW = 5000

# The five texts as one, for PostgreSQL's trigram index and the condition that uses it. The
# migration creates the index on this expression (its columns unqualified there); a test checks
# that the planner can use it.
_COLUMN = '"registry_contract".{}'
SEPARATOR = " "
PG_DOCUMENT = (
    "UPPER({name} || ' ' || {seller_name} || ' ' || {buyer_name} || ' ' "
    "|| COALESCE({registration_number}, '') || ' ' || {external_id})"
).format(
    **{
        column: _COLUMN.format(column)
        for column in ("name", "seller_name", "buyer_name", "registration_number", "external_id")
    }
)


def matching(contracts: QuerySet[Contract], text: str) -> QuerySet[Contract]:
    """The contracts among `contracts` that contain `text` (already stripped, not empty)."""
    exact = (
        Q(name__icontains=text)
        | Q(seller_name__icontains=text)
        | Q(buyer_name__icontains=text)
        | Q(registration_number__icontains=text)
        | Q(external_id__icontains=text)
    )
    if connection.vendor == "postgresql":
        contracts = contracts.extra(
            where=[f"{PG_DOCUMENT} LIKE UPPER(%s) ESCAPE '\\'"], params=[_like_pattern(text)]
        )
        if SEPARATOR not in text:
            # Exact already: a piece of the joined text without the separator lies within one
            # of the five, so the five `icontains` would only repeat the work per candidate
            # (PostgreSQL's CPU was most of a search's time).
            return contracts
    elif connection.vendor == "sqlite" and len(text) >= TRIGRAM:
        candidates = _sqlite_candidates(fts_query(text), FEW)
        if candidates is not None:
            # One parameter, however many rows: the ids travel as a JSON array.
            contracts = contracts.filter(
                id__in=RawSQL("SELECT value FROM json_each(%s)", [json.dumps(candidates)])
            )
    return contracts.filter(exact)


def fts_query(text: str) -> str:
    """An FTS5 query for the rows holding every trigram of `text`, each one quoted.

    With `detail=none` the index knows which rows hold a trigram, not where: the rows it finds
    hold all the pieces, not always in order, hence the check that follows.
    """
    pieces = dict.fromkeys(text[i : i + TRIGRAM] for i in range(len(text) - TRIGRAM + 1))
    return " AND ".join('"' + piece.replace('"', '""') + '"' for piece in pieces)


def _sqlite_candidates(query: str, most: int) -> list[int] | None:
    """The rowids the index proposes, or None when there are more than `most`."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s LIMIT %s",
            [query, most + 1],
        )
        rows = [row[0] for row in cursor.fetchall()]
    return rows if len(rows) <= most else None


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
