"""The risk-signal scan: every rule of `domain/risk_signals.py` over the whole registry, in DuckDB.

The open and registered contracts are read once into an in-memory DuckDB table (through the
sqlite / postgres scanner where the database can be attached, as the statistics snapshot does;
through Django's connection otherwise), each rule is one SQL query over that table, and the
signals found replace the previous scan's in one transaction (`registry.risk.replace_signals`).
A million contracts take seconds (bench/risk_bench.py); the registry's own tables are read,
not the statistics snapshot, because the snapshot holds registered contracts only and none of
the names the rules compare.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import duckdb
from django.db import connection
from django.utils import timezone

from techmarket.domain.identifiers import NATURAL_PERSON
from techmarket.domain.risk_signals import (
    DEFAULTS,
    NAME_NOISE,
    NAME_TAIL,
    SCANNED_STATUSES,
    SECOND_REVIEW_THRESHOLD,
    Thresholds,
    clamp_score,
    name_core,
    without_legal_form,
)
from techmarket.registry.risk import FoundSignal, replace_signals
from techmarket.stats.snapshot import attach_registry

_STATUSES = ", ".join(f"'{s}'" for s in SCANNED_STATUSES)
LOAD_QUERY = f"""
SELECT c.id, c.agency_id, c.status, c.seller_party_id, c.buyer_party_id, c.name,
       c.total_amount, c.tech_amount, c.signed_on, COALESCE(c.applied_on, c.registered_on),
       c.seller_nature, c.buyer_nature, c.seller_name, c.buyer_name, a.large_threshold
FROM {{p}}registry_contract c JOIN {{p}}accounts_agency a ON a.id = c.agency_id
WHERE c.status IN ({_STATUSES})
"""
RC_COLUMNS = (
    "id BIGINT",
    "agency BIGINT",
    "status VARCHAR",
    "seller BIGINT",
    "buyer BIGINT",
    "name VARCHAR",
    "total_amount DOUBLE",
    "tech_amount DOUBLE",
    "signed_on DATE",
    "applied_on DATE",
    "seller_nature VARCHAR",
    "buyer_nature VARCHAR",
    "seller_name VARCHAR",
    "buyer_name VARCHAR",
    "threshold DOUBLE",
)
MAX_RELATED = 20  # a period-end bunch may hold hundreds; the page names the first twenty
# Pairs are sought between contracts of the same parties in the same or a neighbouring bucket
# (of dates, of amounts). A bucket of one pair of parties can hold thousands of contracts (the
# same service sold over and over): each contract is then compared with the first hundred of
# each bucket only, so the work stays linear; the signal is raised all the same.
MAX_PEERS_PER_CELL = 100

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ScanReport:
    contracts: int
    signals: int
    by_signal: dict[str, int]
    seconds: float
    last_seq: int


# --- loading ----------------------------------------------------------------------------------


def load(con: duckdb.DuckDBPyConnection, *, attach: bool = True) -> int:
    """Read the scanned contracts into the DuckDB table `rc`; returns how many."""
    if attach and attach_registry(con):
        try:
            return load_attached(con)
        finally:
            con.execute("DETACH ops")
    with connection.cursor() as cursor:
        cursor.execute(LOAD_QUERY.format(p=""))
        rows = cursor.fetchall()
    stage = [c.replace("DATE", "VARCHAR") for c in RC_COLUMNS]
    con.execute(f"CREATE OR REPLACE TEMP TABLE staging ({', '.join(stage)})")
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        values = ", ".join("(" + ", ".join(map(_literal, row)) + ")" for row in chunk)
        con.execute(f"INSERT INTO staging VALUES {values}")
    return _typed(con, "staging")


def load_attached(con: duckdb.DuckDBPyConnection) -> int:
    """`load` from a registry database already attached as `ops` (the benchmark attaches one
    itself, read-only)."""
    names = ", ".join(c.split()[0] for c in RC_COLUMNS)
    return _typed(con, f"(SELECT * FROM ({LOAD_QUERY.format(p='ops.')}) t({names}))")


def _typed(con: duckdb.DuckDBPyConnection, source: str) -> int:
    casts = ", ".join(
        f"CAST({c.split()[0]} AS {c.split()[1]}) AS {c.split()[0]}" for c in RC_COLUMNS
    )
    con.execute(f"CREATE OR REPLACE TABLE rc AS SELECT {casts} FROM {source}")
    con.execute(
        f"UPDATE rc SET threshold = {float(SECOND_REVIEW_THRESHOLD)} WHERE threshold IS NULL"
    )
    return int(con.execute("SELECT COUNT(*) FROM rc").fetchone()[0])


def _grams(column: str) -> str:
    """The distinct character bigrams of a text (the text itself when shorter than two)."""
    return (
        f"CASE WHEN length({column}) < 2 THEN [{column}] ELSE list_distinct("
        f"list_transform(range(1, length({column})), i -> substr({column}, i, 2))) END"
    )


def _day_bucket(column: str, days: int) -> str:
    """The number of the `days`-long stretch a date falls in: two dates at most `days` apart
    lie in the same stretch or in neighbouring ones."""
    return f"CAST(floor(date_diff('day', DATE '1970-01-01', {column}) / {days}) AS BIGINT)"


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


# --- the rules --------------------------------------------------------------------------------


def duplicates(con: duckdb.DuckDBPyConnection, t: Thresholds) -> list[FoundSignal]:
    """(a) Same seller and buyer, amounts within a few percent, signed within the window,
    names alike (Jaccard of character bigrams, without the generic type tail).

    Candidates are joined on (seller, buyer, date bucket, amount bucket) and the neighbouring
    buckets: one pair of parties with thousands of contracts would otherwise pair each with all.
    An amount bucket is the tolerance's width on a log scale, so two amounts within it lie in
    the same bucket or next to each other."""
    width = -math.log(1 - t.duplicate_amount_tolerance)
    rows = con.execute(
        f"""
        WITH k0 AS (
            SELECT id, seller, buyer, signed_on, total_amount,
                   {_day_bucket("signed_on", t.duplicate_window_days)} AS db,
                   CAST(floor(ln(greatest(total_amount, 0.01)) / {width}) AS BIGINT) AS ab
            FROM rc
        ),
        k AS (
            SELECT *, row_number() OVER (PARTITION BY seller, buyer, db, ab ORDER BY id) AS nth
            FROM k0
        ),
        probe AS (
            SELECT k.*, k.db + o.d AS pdb, k.ab + o.a AS pab
            FROM k, (VALUES (0, -1), (0, 0), (0, 1), (-1, -1), (-1, 0), (-1, 1)) o(d, a)
        ),
        cand AS (
            SELECT DISTINCT least(x.id, y.id) AS a, greatest(x.id, y.id) AS b,
                   abs(date_diff('day', x.signed_on, y.signed_on)) AS days,
                   abs(x.total_amount - y.total_amount)
                       / greatest(x.total_amount, y.total_amount) AS gap
            FROM probe x JOIN k y ON y.seller = x.seller AND y.buyer = x.buyer
                                 AND y.db = x.pdb AND y.ab = x.pab
            WHERE x.id <> y.id AND (y.nth <= {MAX_PEERS_PER_CELL} OR x.nth <= {MAX_PEERS_PER_CELL})
              AND abs(date_diff('day', x.signed_on, y.signed_on)) <= {t.duplicate_window_days}
              AND abs(x.total_amount - y.total_amount)
                  <= {t.duplicate_amount_tolerance} * greatest(x.total_amount, y.total_amount)
        ),
        norm AS (
            SELECT id, regexp_replace(regexp_replace(name, '{NAME_NOISE}', '', 'g'),
                                      '{NAME_TAIL}', '') AS nm
            FROM rc WHERE id IN (SELECT a FROM cand UNION SELECT b FROM cand)
        ),
        named AS (
            SELECT c.*, ra.nm AS na, rb.nm AS nb
            FROM cand c JOIN norm ra ON ra.id = c.a JOIN norm rb ON rb.id = c.b
        ),
        -- the similarity once per pair of names: a bucket of repeats has one pair of names
        name_pairs AS (
            SELECT na, nb, {_grams("na")} AS ga, {_grams("nb")} AS gb
            FROM (SELECT DISTINCT na, nb FROM named)
        ),
        sims AS (
            SELECT na, nb,
                   CASE WHEN len(list_distinct(list_concat(ga, gb))) = 0 THEN 1.0
                        ELSE len(list_intersect(ga, gb))
                             / len(list_distinct(list_concat(ga, gb))) END AS sim
            FROM name_pairs
        ),
        scored AS (SELECT n.a, n.b, n.days, n.gap, s.sim FROM named n JOIN sims s USING (na, nb)),
        hits AS (
            SELECT a AS id, b AS other, days, gap, sim FROM scored
            WHERE sim >= {t.duplicate_min_similarity}
            UNION ALL
            SELECT b, a, days, gap, sim FROM scored WHERE sim >= {t.duplicate_min_similarity}
        )
        SELECT id, list(other ORDER BY other)[1:{MAX_RELATED}], count(*), max(sim), max(gap),
               max(days)
        FROM hits GROUP BY id
        """
    ).fetchall()
    found = []
    span = 1 - t.duplicate_min_similarity or 1
    for pk, related, others, sim, gap, days in rows:
        score = 55 + 30 * (sim - t.duplicate_min_similarity) / span
        score += 15 * (1 - gap / t.duplicate_amount_tolerance)
        facts = {"similarity": round(sim, 3), "amount_gap_pct": round(gap * 100, 2)}
        facts.update(days_apart=int(days), others=int(others))
        found.append(FoundSignal(pk, "duplicate", clamp_score(score), tuple(related), facts))
    return found


def split_deals(con: duckdb.DuckDBPyConnection, t: Thresholds) -> list[FoundSignal]:
    """(b) Several contracts of one seller and buyer, each under the second-review threshold
    but each a sizeable part of it, signed within the window, together over it."""
    rows = con.execute(
        f"""
        WITH parts0 AS (
            SELECT id, seller, buyer, signed_on, tech_amount, threshold,
                   {_day_bucket("signed_on", t.split_window_days)} AS db
            FROM rc
            WHERE tech_amount < threshold AND tech_amount >= {t.split_min_part_share} * threshold
        ),
        parts AS (
            SELECT *, row_number() OVER (PARTITION BY seller, buyer, db ORDER BY id) AS nth
            FROM parts0
        )
        SELECT x.id, list(y.id ORDER BY y.id)[1:{MAX_RELATED}], count(*) + 1 AS n,
               x.tech_amount + sum(y.tech_amount) AS total, x.threshold,
               (x.tech_amount + sum(y.tech_amount)) / (count(*) + 1) / x.threshold AS mean_share
        FROM parts x, (VALUES (-1), (0), (1)) o(d)
        JOIN parts y ON x.seller = y.seller AND x.buyer = y.buyer AND y.db = x.db + o.d
        WHERE x.id <> y.id AND y.nth <= {MAX_PEERS_PER_CELL}
          AND abs(date_diff('day', x.signed_on, y.signed_on)) <= {t.split_window_days}
        GROUP BY x.id, x.tech_amount, x.threshold
        HAVING count(*) + 1 >= {t.split_min_parts}
           AND x.tech_amount + sum(y.tech_amount) >= x.threshold
        """
    ).fetchall()
    found = []
    for pk, related, parts, total, threshold, mean_share in rows:
        score = 40 + 40 * mean_share + 5 * (parts - 2)
        facts = {
            "parts": int(parts),
            "sum": f"{total:.2f}",
            "threshold": f"{threshold:.2f}",
            "window_days": t.split_window_days,
            "others": int(parts) - 1,
        }
        found.append(
            FoundSignal(
                pk, "split_below_threshold", clamp_score(min(score, 95)), tuple(related), facts
            )
        )
    return found


def circular_deals(con: duckdb.DuckDBPyConnection, t: Thresholds) -> list[FoundSignal]:
    """(c) A sells to B and B to A, or A to B, B to C and C to A, all within the window.

    Three-party circles are found among the parties' pairs first (a few hundred thousand
    edges, only between parties that both buy and sell), then matched to contracts."""
    w = t.circular_window_days
    two = con.execute(
        f"""
        WITH k AS (
            SELECT id, seller, buyer, signed_on, {_day_bucket("signed_on", w)} AS db,
                   row_number() OVER (
                       PARTITION BY seller, buyer, {_day_bucket("signed_on", w)} ORDER BY id
                   ) AS nth
            FROM rc
        )
        SELECT x.id, list(DISTINCT y.id ORDER BY y.id)[1:{MAX_RELATED}], count(DISTINCT y.id)
        FROM k x, (VALUES (-1), (0), (1)) o(d)
        JOIN k y ON x.seller = y.buyer AND x.buyer = y.seller AND y.db = x.db + o.d
        WHERE y.nth <= {MAX_PEERS_PER_CELL} AND x.seller <> x.buyer AND abs(date_diff('day', x.signed_on, y.signed_on)) <= {w}
        GROUP BY x.id
        """
    ).fetchall()
    three = con.execute(
        f"""
        WITH both_sides AS (
            SELECT seller AS party FROM rc INTERSECT SELECT buyer FROM rc
        ),
        edges AS (
            SELECT seller AS s, buyer AS b, min(signed_on) AS lo, max(signed_on) AS hi FROM rc
            WHERE seller <> buyer AND seller IN (SELECT party FROM both_sides)
              AND buyer IN (SELECT party FROM both_sides)
            GROUP BY seller, buyer
        ),
        rings AS (
            SELECT e1.s AS a, e1.b AS b, e2.b AS c
            FROM edges e1 JOIN edges e2 ON e2.s = e1.b
                          JOIN edges e3 ON e3.s = e2.b AND e3.b = e1.s
            WHERE e1.s < e1.b AND e1.s < e2.b AND e2.b <> e1.b
              AND e2.lo <= e1.hi + {w} AND e1.lo <= e2.hi + {w}
              AND e3.lo <= e1.hi + {w} AND e1.lo <= e3.hi + {w}
        ),
        triples AS (
            SELECT x.id AS x, y.id AS y, z.id AS z
            FROM rings r
            JOIN rc x ON x.seller = r.a AND x.buyer = r.b
            JOIN rc y ON y.seller = r.b AND y.buyer = r.c
            JOIN rc z ON z.seller = r.c AND z.buyer = r.a
            WHERE abs(date_diff('day', x.signed_on, y.signed_on)) <= {w}
              AND abs(date_diff('day', x.signed_on, z.signed_on)) <= {w}
              AND abs(date_diff('day', y.signed_on, z.signed_on)) <= {w}
        ),
        hits AS (
            SELECT x AS id, y AS o1, z AS o2 FROM triples
            UNION ALL SELECT y, z, x FROM triples
            UNION ALL SELECT z, x, y FROM triples
        )
        SELECT id, list_sort(list_distinct(flatten(list([o1, o2]))))[1:{MAX_RELATED}],
               len(list_distinct(flatten(list([o1, o2]))))
        FROM hits GROUP BY id
        """
    ).fetchall()
    found = {
        pk: FoundSignal(
            pk,
            "circular_deal",
            clamp_score(65 + 5 * min(others - 1, 4)),
            tuple(related),
            {"parties": 2, "window_days": w, "others": int(others)},
        )
        for pk, related, others in two
    }
    for pk, related, others in three:  # a three-party circle says more than a pair of deals
        found[pk] = FoundSignal(
            pk,
            "circular_deal",
            75,
            tuple(related),
            {"parties": 3, "window_days": w, "others": int(others)},
        )
    return list(found.values())


def amount_outliers(con: duckdb.DuckDBPyConnection, t: Thresholds) -> list[FoundSignal]:
    """(d) An amount far above the seller's own median, with a robust z-score to match, and a
    natural person selling for a large amount.

    The z-score is taken on the logarithm of the amounts: contract amounts spread over five
    orders of magnitude, and on the amounts themselves one seller in seven had an "outlier"."""
    rows = con.execute(
        f"""
        WITH hist AS (
            SELECT seller, count(*) AS n, median(total_amount) AS med,
                   median(ln(total_amount)) AS lmed, mad(ln(total_amount)) AS lmad
            FROM rc WHERE total_amount > 0
            GROUP BY seller HAVING count(*) - 1 >= {t.outlier_min_history}
        )
        SELECT rc.id, rc.total_amount, h.n - 1, h.med, h.lmed, h.lmad
        FROM rc JOIN hist h USING (seller)
        WHERE h.med > 0 AND rc.total_amount >= {t.outlier_multiple} * h.med
          AND (h.lmad = 0 OR 0.6745 * (ln(rc.total_amount) - h.lmed) / h.lmad
                             >= {t.outlier_robust_z})
        """
    ).fetchall()
    found = []
    for pk, amount, history, med, lmed, lmad in rows:
        multiple = amount / med
        z = round(0.6745 * (math.log(amount) - lmed) / lmad, 1) if lmad else None
        facts = {
            "amount": f"{amount:.2f}",
            "history": int(history),
            "median": f"{med:.2f}",
            "multiple": round(multiple, 1),
            "robust_z": z,
        }
        score = 40 + 15 * math.log2(multiple / t.outlier_multiple)
        found.append(
            FoundSignal(pk, "amount_outlier_seller", clamp_score(min(score, 90)), (), facts)
        )
    limit = float(t.individual_large_amount)
    for pk, amount in con.execute(
        f"SELECT id, total_amount FROM rc WHERE seller_nature = '{NATURAL_PERSON}' "
        f"AND total_amount >= {limit}"
    ).fetchall():
        score = 50 + 10 * math.log2(amount / limit)
        facts = {"amount": f"{amount:.2f}", "limit": f"{limit:.2f}"}
        found.append(FoundSignal(pk, "amount_outlier_kind", clamp_score(min(score, 90)), (), facts))
    return found


def period_end_spikes(con: duckdb.DuckDBPyConnection, t: Thresholds) -> list[FoundSignal]:
    """(e) A seller's applications bunched in the last days of a quarter, far above its usual
    daily rate (from its applications outside those days, over at least a year)."""
    p = t.period_end_days
    end_share = 1 - 4 * p / 365  # the share of a year outside the four period ends
    rows = con.execute(
        f"""
        WITH a AS (
            SELECT id, seller, applied_on AS d,
                   last_day(make_date(year(applied_on), quarter(applied_on) * 3, 1)) AS qe
            FROM rc WHERE applied_on IS NOT NULL
        ),
        w AS (SELECT *, date_diff('day', d, qe) < {p} AS at_end FROM a),
        per AS (
            SELECT seller, count(*) FILTER (WHERE NOT at_end) AS outside,
                   greatest(date_diff('day', min(d), max(d)) + 1, 365) AS span
            FROM w GROUP BY seller
        ),
        ends AS (
            SELECT seller, qe, count(*) AS cnt, list(id ORDER BY id) AS ids
            FROM w WHERE at_end GROUP BY seller, qe HAVING count(*) >= {t.spike_min_count}
        )
        SELECT e.qe, e.cnt, e.ids, per.outside / (per.span * {end_share}) * {p} AS expected
        FROM ends e JOIN per USING (seller)
        WHERE e.cnt >= {t.spike_ratio} * greatest(per.outside / (per.span * {end_share}) * {p}, 0.5)
        """
    ).fetchall()
    found = []
    for quarter_end, count, ids, expected in rows:
        ratio = count / max(expected, 0.5)
        score = 35 + 10 * math.log2(ratio / t.spike_ratio) + (10 if quarter_end.month == 12 else 0)
        facts = {
            "period_end": quarter_end.isoformat(),
            "days": p,
            "count": int(count),
            "expected": round(expected, 2),
            "ratio": round(ratio, 1),
            "others": int(count) - 1,
        }
        for pk in ids:
            related = tuple(o for o in ids if o != pk)[:MAX_RELATED]
            found.append(
                FoundSignal(pk, "period_end_spike", clamp_score(min(score, 80)), related, facts)
            )
    return found


def related_parties(con: duckdb.DuckDBPyConnection, t: Thresholds) -> list[FoundSignal]:
    """(f) Buyer and seller whose names share an uncommon core, or one whose whole name opens
    the other's (a branch). Names are reduced in Python, once per distinct name."""
    names = [
        n
        for (n,) in con.execute(
            "SELECT DISTINCT seller_name FROM rc UNION SELECT DISTINCT buyer_name FROM rc"
        ).fetchall()
        if n
    ]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE name_keys (name VARCHAR, core VARCHAR, whole VARCHAR)"
    )
    for start in range(0, len(names), 1000):
        chunk = names[start : start + 1000]
        values = ", ".join(
            f"({_literal(n)}, {_literal(name_core(n))}, {_literal(without_legal_form(n))})"
            for n in chunk
        )
        con.execute(f"INSERT INTO name_keys VALUES {values}")
    rows = con.execute(
        f"""
        WITH party_cores AS (
            SELECT DISTINCT party, core FROM (
                SELECT rc.seller AS party, k.core FROM rc JOIN name_keys k ON k.name = rc.seller_name
                WHERE rc.seller_nature <> '{NATURAL_PERSON}'
                UNION ALL
                SELECT rc.buyer, k.core FROM rc JOIN name_keys k ON k.name = rc.buyer_name
                WHERE rc.buyer_nature <> '{NATURAL_PERSON}'
            ) WHERE core <> ''
        ),
        rare AS (
            SELECT core FROM party_cores GROUP BY core
            HAVING count(DISTINCT party) <= {t.related_core_max_parties}
        ),
        pairs AS (
            SELECT rc.id, rc.seller_name, rc.buyer_name, ks.core AS s_core, kb.core AS b_core,
                   regexp_replace(rc.seller_name, '{NAME_NOISE}', '', 'g') AS s_full,
                   regexp_replace(rc.buyer_name, '{NAME_NOISE}', '', 'g') AS b_full
            FROM rc JOIN name_keys ks ON ks.name = rc.seller_name
                    JOIN name_keys kb ON kb.name = rc.buyer_name
            WHERE rc.seller <> rc.buyer AND rc.seller_nature <> '{NATURAL_PERSON}'
              AND rc.buyer_nature <> '{NATURAL_PERSON}'
        )
        SELECT id, seller_name, buyer_name, s_core,
               (length(s_full) >= {t.related_prefix_min_chars} AND starts_with(b_full, s_full))
               OR (length(b_full) >= {t.related_prefix_min_chars}
                   AND starts_with(s_full, b_full)) AS prefix
        FROM pairs
        WHERE (s_core <> '' AND s_core = b_core AND s_core IN (SELECT core FROM rare))
           OR (length(s_full) >= {t.related_prefix_min_chars} AND starts_with(b_full, s_full)
               AND s_full <> b_full)
           OR (length(b_full) >= {t.related_prefix_min_chars} AND starts_with(s_full, b_full)
               AND s_full <> b_full)
        """
    ).fetchall()
    found = []
    for pk, seller, buyer, core, prefix in rows:
        facts = {
            "seller": seller,
            "buyer": buyer,
            "core": core,
            "how": "prefix" if prefix else "core",
        }
        found.append(FoundSignal(pk, "related_parties", 60 if prefix else 50, (), facts))
    return found


RULES: tuple[
    tuple[str, Callable[[duckdb.DuckDBPyConnection, Thresholds], list[FoundSignal]]], ...
] = (
    ("duplicate", duplicates),
    ("split_below_threshold", split_deals),
    ("circular_deal", circular_deals),
    ("amount_outlier", amount_outliers),
    ("period_end_spike", period_end_spikes),
    ("related_parties", related_parties),
)


def compute(
    con: duckdb.DuckDBPyConnection,
    thresholds: Thresholds = DEFAULTS,
    progress: Progress | None = None,
) -> list[FoundSignal]:
    """Every rule over the loaded table `rc`, in order."""
    found: list[FoundSignal] = []
    for name, rule in RULES:
        if progress:
            progress(name)
        found.extend(rule(con, thresholds))
    return found


# --- the scan ---------------------------------------------------------------------------------


def scan(
    *,
    attach: bool = True,
    thresholds: Thresholds = DEFAULTS,
    progress: Progress | None = None,
    now: Callable[[], datetime] = timezone.now,
) -> ScanReport:
    """Compute every signal over the registry and store them in place of the last scan's."""
    clock = time.perf_counter()
    started = now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM registry_auditevent")
        tip = int(cursor.fetchone()[0])
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        if progress:
            progress("load")
        scanned = load(con, attach=attach)
        found = compute(con, thresholds, progress)
    finally:
        con.close()
    if progress:
        progress("store")
    stored = replace_signals(found, started_at=started, now=now(), last_seq=tip, scanned=scanned)
    by_signal: dict[str, int] = defaultdict(int)
    for signal in found:
        by_signal[signal.signal] += 1
    return ScanReport(
        scanned, stored.signals, dict(sorted(by_signal.items())), time.perf_counter() - clock, tip
    )


# Beside the server, a scan runs at most this often, and only after the registry changed.
SCAN_EVERY_SECONDS = 600


def scan_if_due(*, attach: bool = True, every: float = SCAN_EVERY_SECONDS) -> ScanReport | None:
    """Scan when the audit trail moved since the last scan and that scan is older than
    `every` seconds (the refresher's loop calls this after each turn); None when not due."""
    from techmarket.registry.risk import latest_scan

    last = latest_scan()
    if last is not None:
        if (timezone.now() - last.finished_at).total_seconds() < every:
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM registry_auditevent")
            if int(cursor.fetchone()[0]) == last.last_seq:
                return None
    return scan(attach=attach)
