"""Finding contracts by a piece of their name, a party's name or their numbers, at a million rows.

A contract matches when the text is part (any case) of its name, the seller's or the buyer's
name, its registration number or its external id. Asked as `LIKE '%…%'`, that reads the table
newest first until a page is full: quick for a common word, a scan of every row for a rare one
(a mid-sized seller's name: 20–60 ms of CPU per request at a million contracts). So each engine
keeps a trigram index of those five texts, which finds the rows holding every three-character
piece of the text, in a table of its own named `registry_contract_text`:

* SQLite: an FTS5 table with the trigram tokenizer over the contract table (`detail=none`: 70 MB
  for a million contracts, built in 15 s; triggers keep it current, see migration 0012).
* PostgreSQL: one row per contract holding the five texts joined and upper-cased, with a
  `pg_trgm` GIN index; triggers keep it current (migration 0015). A table apart, not an index
  on the contract row: a candidate is re-checked against the stored text, not one computed
  again from the wide row, and a status change leaves the trigram index alone.

Two ways in. A list newest (or oldest) first, the default, walks the index in id order
(`candidates_in_order`): the first page of a seller's name reads a few dozen candidates, not
all of them. Any other order, and exports, ask for the contracts whose id the index proposes
(`matching`). Either way every proposed row is checked with the same `icontains` conditions
(`exact`), so both give exactly the rows a plain scan gives.
"""

from __future__ import annotations

import json
import time

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from techmarket.registry.models import Contract

TABLE = "registry_contract_text"
TRIGRAM = 3
# Above this many candidates the newest-first scan fills a page sooner than the index's list
# of rowids can be read and sorted (a common word: a million candidates, 0.24 s; the scan
# 0.1 ms).
FEW = 5000
# PostgreSQL's joined text: the five texts upper-cased, one space apart (migration 0015).
SEPARATOR = " "
# PostgreSQL's text table groups ids in blocks of 2**BUCKET_BITS (its `bucket`, in the GIN
# index with the trigrams: migration 0015); a newest-first list asks for NEAR_BUCKETS first.
BUCKET_BITS = 14
NEAR_BUCKETS = 4
END_TTL = 60.0  # seconds: see `_pg_end`
_ends: dict[bool, tuple[float, int]] = {}  # descending -> (when read, end)
_PG_LIKE = "document LIKE UPPER(%s) ESCAPE '\\'"


def exact(text: str) -> Q:
    """The condition itself: `text` within one of the five texts, any case."""
    return (
        Q(name__icontains=text)
        | Q(seller_name__icontains=text)
        | Q(buyer_name__icontains=text)
        | Q(registration_number__icontains=text)
        | Q(external_id__icontains=text)
    )


def matching(contracts: QuerySet[Contract], text: str) -> QuerySet[Contract]:
    """The contracts among `contracts` that contain `text` (already stripped, not empty)."""
    if connection.vendor == "postgresql" and len(text) >= TRIGRAM:
        contracts = contracts.filter(
            id__in=RawSQL(
                f"SELECT contract_id FROM {TABLE} WHERE {_PG_LIKE}", [_like_pattern(text)]
            )
        )
        if proposes_exactly(text):
            return contracts
    elif connection.vendor == "sqlite" and len(text) >= TRIGRAM:
        candidates = _sqlite_candidates(fts_query(text), FEW)
        if candidates is not None:
            contracts = contracts.filter(id__in=among(candidates))
    return contracts.filter(exact(text))


def proposes_exactly(text: str) -> bool:
    """Whether the index's candidates for `text` are the matches themselves. On PostgreSQL
    each is re-checked against the joined text, and a piece of it without the separator lies
    within one of the five: the five `icontains` would only repeat the work per candidate."""
    return connection.vendor == "postgresql" and SEPARATOR not in text


def walks(text: str) -> bool:
    """Whether `candidates_in_order` can answer for `text`: a trigram or more, on an engine
    with the index."""
    return len(text) >= TRIGRAM and connection.vendor in ("sqlite", "postgresql")


def candidates_in_order(
    text: str, *, descending: bool, after: int | None, most: int
) -> list[int] | None:
    """Up to `most` ids the index proposes for `text`, in id order, beyond `after`.

    None where no index can answer (`walks(text)` is false): the caller then filters with
    `matching`. The ids are candidates; `exact` decides.
    """
    if not walks(text):
        return None
    if connection.vendor == "sqlite":
        # FTS5 reads its lists in rowid order and stops at the limit.
        return _ordered_ids(
            "rowid", [(f"{TABLE} MATCH %s", fts_query(text))], descending, after, most
        )
    like = (_PG_LIKE, _like_pattern(text))
    start = after if after is not None else _pg_end(descending)
    if start is None:
        return []
    # The index gives its candidates unordered, each re-checked in the table: ask it first for
    # the blocks next to the start, then, if the page is not full, for everything beyond.
    # One bound only: btree_gin reads each bound of a range as a scan of its own, and the other
    # side's is the whole table (`BETWEEN`: 19 ms against 2). Rows on the near side of `after`
    # are left out by the id's own condition.
    block = (start - 1 if descending else start + 1) >> BUCKET_BITS
    edge = block - NEAR_BUCKETS + 1 if descending else block + NEAR_BUCKETS - 1
    near = ("bucket >= %s" if descending else "bucket <= %s", edge)
    found = _ordered_ids("contract_id", [like, near], descending, after, most)
    if len(found) < most:
        # The rest lies beyond the near blocks' far edge.
        beyond = edge << BUCKET_BITS if descending else ((edge + 1) << BUCKET_BITS) - 1
        found += _ordered_ids("contract_id", [like], descending, beyond, most - len(found))
    return found


def _pg_end(descending: bool) -> int | None:
    """One beyond the newest (or before the oldest) contract in the text table, as read at
    most END_TTL seconds ago in this process. A stale end only widens the near blocks (the
    condition on them is one-sided) or moves them: the rows found are the same."""
    now = time.monotonic()
    cached = _ends.get(descending)
    if cached is not None and now - cached[0] < END_TTL:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {'MAX' if descending else 'MIN'}(contract_id) FROM {TABLE}")
        end = cursor.fetchone()[0]
    found = None if end is None else end + 1 if descending else end - 1
    if found is not None:
        _ends[descending] = (now, found)
    return found


def _ordered_ids(
    key: str,
    conditions: list[tuple[str, object]],
    descending: bool,
    after: int | None,
    most: int,
) -> list[int]:
    """`key` of the rows meeting every (SQL, parameter) condition, beyond `after`, in order."""
    sql = [condition for condition, _ in conditions]
    params: list[object] = []
    for _, value in conditions:
        params.extend(value if isinstance(value, tuple) else [value])
    if after is not None:
        sql.append(f"{key} {'<' if descending else '>'} %s")
        params.append(after)
    direction = "DESC" if descending else "ASC"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key} FROM {TABLE} WHERE {' AND '.join(sql)} "
            f"ORDER BY {key} {direction} LIMIT %s",
            [*params, most],
        )
        return [row[0] for row in cursor.fetchall()]


def among(ids: list[int]) -> RawSQL | list[int]:
    """`ids` for an `id__in` filter, as one parameter however many rows (a JSON array on
    SQLite, an array on PostgreSQL): a placeholder each cost more to bind than the query."""
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])
    return ids


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
            f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s LIMIT %s",
            [query, most + 1],
        )
        rows = [row[0] for row in cursor.fetchall()]
    return rows if len(rows) <= most else None


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
