"""The analytics snapshot: registered contracts as one DuckDB fact table, refreshed from the audit log.

DuckDB reads the operational database directly (its sqlite / postgres scanner extensions, loaded
from the pip packages, never downloaded), so building a snapshot of millions of contracts takes
seconds and reports never scan the operational tables row by row. The snapshot remembers the
last audit sequence number it has seen; a refresh re-reads only contracts with newer events
(registrations, amendments, cancellations). It remembers that event's hash too: the audit chain
is append-only and hash-linked, so when the database still holds the same event at that number,
it holds exactly the history the snapshot saw. When it does not (a backup was restored, or the
settings point to another database), the snapshot is rebuilt instead of silently missing events
whose numbers it believes it has seen.

When the operational database cannot be attached (an in-memory SQLite database, or rows not yet
committed in the caller's transaction, as in tests), the same query runs through the Django
connection instead and the rows are copied in.

`Snapshot` is the builder: it opens its file read-write, so only the one writer uses it, on a
working copy no reader opens (`stats.refresher`); readers open the published file read-only
(`stats.reader`). See docs/decisions.md, "The snapshot under concurrency".
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import duckdb
from django.conf import settings
from django.db import connection

from techmarket.codes.lists import code_list
from techmarket.codes.regions import all_codes, current_codes, get_region, parent_code
from techmarket.domain.identifiers import masked_party_id_sql
from techmarket.domain.problems import DomainError

# The contracts that count, with the columns statistics need. Written once, in SQL that SQLite,
# PostgreSQL and DuckDB all accept; {p} is the schema prefix ("" or "ops."). Only what reports
# group or filter by: each further column read through the scanner and written to the snapshot
# costs a full build about half a second per million contracts. Names and numbers are looked up
# for the few rows a report shows (sellers from the small party table; see `contract_labels`).
# The statuses of the contracts that count; an event that neither leaves nor enters one of them
# changes no figure, so it asks for no refresh (`refresher.subscribe`).
FACT_STATUSES = ("registered", "cancelled")
# Events of the innovation-entity register that can move `by_seller_recognition`: a
# recognition recorded, changed (its status stays) or revoked.
RECOGNITION_STATUSES = ("recognised", "revoked")
FACT_QUERY = """
SELECT c.id, c.registered_on, a.region_code AS agency_region, c.seller_region, c.buyer_region,
       c.seller_country, c.buyer_country, c.contract_type, c.subtype, c.tech_field,
       c.seller_nature, c.buyer_nature, c.ip_type, c.plan_source, c.objective, c.payment_method,
       c.is_large, c.total_amount, c.tech_amount, c.seller_party_id AS seller_party
FROM {p}registry_contract c JOIN {p}accounts_agency a ON a.id = c.agency_id
WHERE c.status IN ('registered', 'cancelled') AND c.registered_on IS NOT NULL {where}
"""
CANCEL_QUERY = """
SELECT contract_id, MIN("at") AS first_cancel FROM {p}registry_auditevent
WHERE action = 'cancel' {where} GROUP BY contract_id
"""
PARTY_QUERY = """
SELECT p.id, p.identifier, p.name, p.nature FROM {p}registry_party p {where}
"""
RAW_COLUMNS = (
    "id BIGINT",
    "registered_on DATE",
    "agency_region VARCHAR",
    "seller_region VARCHAR",
    "buyer_region VARCHAR",
    "seller_country VARCHAR",
    "buyer_country VARCHAR",
    "contract_type VARCHAR",
    "subtype VARCHAR",
    "tech_field VARCHAR",
    "seller_nature VARCHAR",
    "buyer_nature VARCHAR",
    "ip_type VARCHAR",
    "plan_source VARCHAR",
    "objective VARCHAR",
    "payment_method VARCHAR",
    "is_large BOOLEAN",
    "total_amount DECIMAL(18,2)",
    "tech_amount DECIMAL(18,2)",
    "seller_party BIGINT",
)
_CODE_COLUMNS = tuple(c.split()[0] for c in RAW_COLUMNS[5:16])
_SIDES = ("agency", "seller", "buyer")

# The fact table: codes as they are, region codes resolved once (when a contract enters the
# snapshot) to the current county, city and province as integers, nature groups resolved, so
# that report queries are plain filtered group-bys over one table. Integers, not text: writing
# nine text columns of region codes was a third of a full build.
FACT_COLUMNS = (
    "id BIGINT",
    "registered_on DATE",
    "cancelled_on DATE",
    "is_large BOOLEAN",
    "total_amount DECIMAL(18,2)",
    "tech_amount DECIMAL(18,2)",
    "seller_party BIGINT",
    *(f"{c} VARCHAR" for c in _CODE_COLUMNS),
    "seller_group VARCHAR",
    "buyer_group VARCHAR",
    *(f"{side}_{level} INTEGER" for side in _SIDES for level in ("current", "city", "province")),
)
ROLLUP_SELECT = (
    "SELECT raw.id, raw.registered_on, "
    # the bureau's local date of the cancellation (the session's TimeZone is settings')
    "CAST(raw.cancelled_at AS DATE), raw.is_large, raw.total_amount, raw.tech_amount, "
    "raw.seller_party, "
    + ", ".join(f"raw.{c}" for c in _CODE_COLUMNS)
    + ", COALESCE(ns.grp, 'other'), COALESCE(nb.grp, 'other'), "
    + ", ".join(f"{alias}.current, {alias}.city, {alias}.province" for alias in ("ra", "rs", "rb"))
    + " FROM {raw} raw "
    "LEFT JOIN regions ra ON ra.code = raw.agency_region "
    "LEFT JOIN regions rs ON rs.code = raw.seller_region "
    "LEFT JOIN regions rb ON rb.code = raw.buyer_region "
    "LEFT JOIN nature_groups ns ON ns.code = raw.seller_nature "
    "LEFT JOIN nature_groups nb ON nb.code = raw.buyer_nature"
)
# Sellers as reports show them: the organisation code, or a natural person's ID masked as
# everywhere else; a party without an identifier (abroad) goes by its name.
SELLER_SELECT = (
    "SELECT id, CASE WHEN identifier IS NULL OR identifier = '' THEN name "
    f"ELSE {masked_party_id_sql('identifier', 'nature')} END, name FROM {{raw}}"
)


# The recognitions that split turnover by seller (`by_seller_recognition`): each in force from
# its grant to the earlier of its last valid day and the day before a revocation. Read whole at
# every refresh that follows a change to the register (a few hundred thousand short rows).
SELLER_RECOGNITION_KINDS = ("high_tech_enterprise", "tech_sme")
RECOGNITION_QUERY = """
SELECT party_id, kind, granted_on, valid_to, revoked_on, status FROM {p}entities_recognition
WHERE kind IN ('high_tech_enterprise', 'tech_sme')
"""
RECOGNITION_SELECT = (
    "SELECT CAST(party_id AS BIGINT), kind, "
    "COALESCE(CAST(granted_on AS DATE), DATE '0001-01-01'), "
    "LEAST(COALESCE(CAST(valid_to AS DATE), DATE '9999-12-31'), "
    "COALESCE(CAST(CAST(revoked_on AS DATE) - INTERVAL 1 DAY AS DATE), DATE '9999-12-31')) "
    "FROM {raw} WHERE NOT (status = 'revoked' AND revoked_on IS NULL)"
)

LAYOUT = 6  # bump when the snapshot's tables change; older snapshots are rebuilt


def snapshot_path() -> Path:
    return Path(os.environ.get("TECHMARKET_STATS_PATH", settings.VAR_DIR / "stats.duckdb"))


def _extension(package: str, name: str) -> Path:
    module = __import__(package)
    found = list((Path(module.__file__).parent / "extensions").glob(f"*/{name}.duckdb_extension"))
    if not found:
        raise RuntimeError(f"DuckDB extension {name} is missing from the package {package}")
    return found[0]


def _attach(con: duckdb.DuckDBPyConnection) -> bool:
    """Attach the operational database read-only as `ops`; False when it cannot be attached."""
    con.execute("SET autoinstall_known_extensions = false; SET autoload_known_extensions = false")
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(db["NAME"])
        if "memory" in name or not Path(name).exists() or connection.in_atomic_block:
            return False
        con.execute(f"LOAD '{_extension('duckdb_extension_sqlite_scanner', 'sqlite_scanner')}'")
        con.execute(f"ATTACH '{name}' AS ops (TYPE sqlite, READ_ONLY)")
        return True
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        con.execute(f"LOAD '{_extension('duckdb_extension_postgres_scanner', 'postgres_scanner')}'")
        parts = {
            "dbname": db["NAME"],
            "host": db.get("HOST") or "localhost",
            "port": db.get("PORT") or 5432,
            "user": db.get("USER") or "",
            "password": db.get("PASSWORD") or "",
        }
        dsn = " ".join(f"{k}={v}" for k, v in parts.items() if v != "")
        con.execute(f"ATTACH '{dsn}' AS ops (TYPE postgres, READ_ONLY)")
        return True
    return False


def attach_registry(con: duckdb.DuckDBPyConnection) -> bool:
    """Attach the operational database read-only as `ops` (for other scans over the registry,
    such as `stats.risk_scan`); False when it cannot be attached."""
    return _attach(con)


# Why a refresh rebuilt the snapshot: asked to; there was none; it has an older layout; or the
# database's audit history is not the one it saw (restored from a backup, or another database).
RebuildReason = Literal["", "requested", "missing", "layout", "history"]


@dataclass(frozen=True)
class RefreshReport:
    """What a refresh did; `reason` says why it rebuilt the snapshot ("" when it did not)."""

    rebuilt: bool
    contracts_changed: int
    last_seq: int
    facts: int
    reason: RebuildReason = ""


class Snapshot:
    """An open snapshot; use as a context manager."""

    def __init__(
        self, path: Path | None = None, *, read_only: bool = False, attach: bool = True
    ) -> None:
        self.path = path or snapshot_path()
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.path), read_only=read_only)
        # Read-only, it only checks whether it is current: through Django, nothing attached.
        # Without `attach`, every row comes through Django (the long-running refresher on
        # SQLite: two copies of SQLite in one process lose each other's locks).
        self.attached = False if read_only or not attach else _attach(self.con)
        # Dates of cancellations are the bureau's local dates, not UTC ones.
        self.con.execute(f"SET TimeZone = '{settings.TIME_ZONE}'")
        self.con.execute("SET enable_progress_bar = false")

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.con.close()

    # -- building -------------------------------------------------------------------------

    def refresh(self, *, full: bool = False) -> RefreshReport:
        """Bring the snapshot up to the audit log's tip: from scratch, or only what changed."""
        if "registry_auditevent" not in connection.introspection.table_names():
            raise DomainError(
                "数据库尚未初始化：请先运行 techmarket init",
                "the database is not initialised: run `techmarket init` first",
            )
        tip = self._ops_scalar("SELECT COALESCE(MAX(seq), 0) FROM {p}registry_auditevent")
        # A full build streams everything through DuckDB's scanner; an incremental refresh
        # looks up a few contracts by key, which the operational database's indexes do best.
        reason: RebuildReason = "requested" if full else self._rebuild_reason()
        if reason:
            self._create()
            self._load_facts("", [])
            self._load_sellers("")
            self._load_recognitions()
            self._set_seq(tip)
            return RefreshReport(True, self._count(), tip, self._count(), reason)
        since = int(self.con.execute("SELECT last_seq FROM meta").fetchone()[0])
        if tip == since:
            return RefreshReport(False, 0, tip, self._count())
        changed = [
            row[0]
            for row in self._ops_rows(
                "SELECT DISTINCT contract_id FROM {p}registry_auditevent "
                "WHERE seq > %s AND contract_id IS NOT NULL",
                [since],
                via_django=True,
            )
        ]
        if self._ops_rows(
            "SELECT seq FROM {p}registry_auditevent WHERE seq > %s AND action LIKE 'entity_%%' "
            "LIMIT 1",
            [since],
            via_django=True,
        ):
            self._load_recognitions()
        for start in range(0, len(changed), 5000):
            chunk = changed[start : start + 5000]
            marks = ",".join(str(int(i)) for i in chunk)
            self.con.execute(f"DELETE FROM facts WHERE id IN ({marks})")
            self._load_facts(f"AND c.id IN ({marks})", chunk)
            self._load_sellers(
                f"WHERE p.id IN (SELECT seller_party_id FROM {{p}}registry_contract "
                f"WHERE id IN ({marks}))"
            )
        self._set_seq(tip)
        return RefreshReport(False, len(changed), tip, self._count())

    def is_current(self) -> bool:
        """Whether a refresh would change nothing (same layout, same history, same tip)."""
        if "registry_auditevent" not in connection.introspection.table_names():
            return False  # the refresh says what is wrong
        if self._rebuild_reason():
            return False
        tip = self._ops_scalar("SELECT COALESCE(MAX(seq), 0) FROM {p}registry_auditevent")
        return int(self.con.execute("SELECT last_seq FROM meta").fetchone()[0]) == tip

    def _create(self) -> None:
        self.con.execute("DROP TABLE IF EXISTS facts")
        self.con.execute(f"CREATE TABLE facts ({', '.join(FACT_COLUMNS)})")
        self.con.execute(
            "CREATE OR REPLACE TABLE sellers (id BIGINT PRIMARY KEY, code VARCHAR, name VARCHAR)"
        )
        self.con.execute(
            "CREATE OR REPLACE TABLE seller_recognitions "
            "(party BIGINT, kind VARCHAR, start_on DATE, end_on DATE)"
        )
        self.con.execute(
            "CREATE OR REPLACE TABLE meta "
            "(last_seq BIGINT, last_hash VARCHAR, layout INTEGER, refreshed_at VARCHAR)"
        )
        self.con.execute(f"INSERT INTO meta VALUES (0, '', {LAYOUT}, '')")
        _load_reference_tables(self.con)

    def _load_facts(self, where: str, ids: list[int]) -> None:
        cancel_where = f"AND contract_id IN ({','.join(map(str, ids))})" if ids else ""
        # SQLite stores Django decimals as REAL: round to the cent before the exact type.
        money = (
            "CAST(ROUND(CAST({0} AS DOUBLE), 2) AS DECIMAL(18,2))"
            if connection.vendor == "sqlite"
            else "CAST({0} AS DECIMAL(18,2))"
        )
        casts = ", ".join(
            f"{money.format(c.split()[0])} AS {c.split()[0]}"
            if "DECIMAL" in c
            else f"CAST({c.split()[0]} AS {c.split()[1]}) AS {c.split()[0]}"
            for c in RAW_COLUMNS
        )
        if self.attached and not ids:
            # One pass from the scanner into the sorted fact table, nothing staged between.
            raw = (
                f"(SELECT {casts}, x.cancelled_at FROM "
                f"({FACT_QUERY.format(p='ops.', where=where)}) f LEFT JOIN "
                f"(SELECT contract_id AS cid, {_as_utc('first_cancel')} AS cancelled_at FROM "
                f"({CANCEL_QUERY.format(p='ops.', where=cancel_where)}))"
                f" x ON x.cid = f.id)"
            )
        else:
            self._stage_through_django(where, cancel_where, casts)
            raw = "raw"
        # Sorted by date, so a report's date filter skips whole row groups.
        self.con.execute(
            f"INSERT INTO facts {ROLLUP_SELECT.format(raw=raw)} ORDER BY raw.registered_on"
        )

    def _stage_through_django(self, where: str, cancel_where: str, casts: str) -> None:
        # Through Django's connection: same query, rows copied in via a staging table.
        rows = self._ops_rows(FACT_QUERY.format(p="", where=where), [], via_django=True)
        cancels = dict(
            self._ops_rows(CANCEL_QUERY.format(p="", where=cancel_where), [], via_django=True)
        )
        self._stage(
            "staging",
            [c.replace("DECIMAL(18,2)", "VARCHAR") for c in RAW_COLUMNS]
            + ["cancelled_at TIMESTAMPTZ"],
            [(*(_text(v) for v in row), _utc_text(cancels.get(row[0]))) for row in rows],
        )
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE raw AS SELECT {casts}, cancelled_at FROM staging"
        )

    def _stage(self, table: str, columns: list[str], rows: list[tuple[object, ...]]) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {table} ({', '.join(columns)})")
        # Literal rows, many per statement: DuckDB's Python parameter binding probes for optional
        # modules on every value, which costs more than the query itself.
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            rows_sql = ", ".join("(" + ", ".join(_literal(v) for v in row) + ")" for row in chunk)
            self.con.execute(f"INSERT INTO {table} VALUES {rows_sql}")

    def _load_sellers(self, where: str) -> None:
        """The sellers' display codes and names (a small table: one row per party)."""
        if self.attached and not where:
            raw = f"({PARTY_QUERY.format(p='ops.', where='')})"
        else:
            rows = self._ops_rows(
                PARTY_QUERY.format(p="", where=where.format(p="")), [], via_django=True
            )
            self._stage(
                "party_staging",
                ["id BIGINT", "identifier VARCHAR", "name VARCHAR", "nature VARCHAR"],
                [tuple(_text(v) for v in row) for row in rows],
            )
            raw = "party_staging"
        self.con.execute(f"INSERT OR REPLACE INTO sellers {SELLER_SELECT.format(raw=raw)}")

    def _load_recognitions(self) -> None:
        """The sellers' recognitions as in-force intervals, replaced whole."""
        if self.attached:
            raw = f"({RECOGNITION_QUERY.format(p='ops.')})"
        else:
            rows = self._ops_rows(RECOGNITION_QUERY.format(p=""), [], via_django=True)
            self._stage(
                "recognition_staging",
                [
                    "party_id BIGINT",
                    "kind VARCHAR",
                    "granted_on DATE",
                    "valid_to DATE",
                    "revoked_on DATE",
                    "status VARCHAR",
                ],
                [tuple(_text(v) for v in row) for row in rows],
            )
            raw = "recognition_staging"
        self.con.execute("DELETE FROM seller_recognitions")
        self.con.execute(f"INSERT INTO seller_recognitions {RECOGNITION_SELECT.format(raw=raw)}")

    def _rebuild_reason(self) -> RebuildReason:
        """Why the stored snapshot cannot be refreshed incrementally ("" when it can)."""
        if not (self._has_table("facts") and self._has_table("meta")):
            return "missing"
        if not self._current_layout():
            return "layout"
        since, seen = self.con.execute("SELECT last_seq, last_hash FROM meta").fetchone()
        if self._hash_at(int(since)) != seen:
            return "history"
        return ""

    def _current_layout(self) -> bool:
        """A snapshot written by an older version of this code is rebuilt, not misread."""
        columns = {row[0] for row in self.con.execute("DESCRIBE meta").fetchall()}
        if "layout" not in columns:
            return False
        return self.con.execute("SELECT layout FROM meta").fetchone()[0] == LAYOUT

    def _hash_at(self, seq: int) -> str | None:
        """The hash of this database's audit event `seq` ("" before the first; None if absent)."""
        if seq == 0:
            return ""
        # By primary key through Django: one index lookup, where the scanner might read it all.
        rows = self._ops_rows(
            "SELECT hash FROM {p}registry_auditevent WHERE seq = %s", [seq], via_django=True
        )
        return str(rows[0][0]) if rows else None

    def _set_seq(self, seq: int) -> None:
        # When, in UTC text: a TIMESTAMPTZ would need pytz in every reader to come back.
        self.con.execute(
            "UPDATE meta SET last_seq = ?, last_hash = ?, refreshed_at = ?",
            [int(seq), self._hash_at(seq) or "", datetime.now(UTC).isoformat(timespec="seconds")],
        )

    def _count(self) -> int:
        return int(self.con.execute("SELECT COUNT(*) FROM facts").fetchone()[0])

    def _has_table(self, name: str) -> bool:
        found = self.con.execute(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = ? "
            "AND table_catalog = current_database()",
            [name],
        ).fetchone()
        return bool(found and found[0])

    # -- reading the operational database --------------------------------------------------

    def _ops_rows(self, sql: str, params: list[object], *, via_django: bool = False) -> list[tuple]:
        if self.attached and not via_django:
            return self.con.execute(sql.format(p="ops.").replace("%s", "?"), params).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql.format(p=""), params)
            return cursor.fetchall()

    def _ops_scalar(self, sql: str) -> int:
        rows = self._ops_rows(sql, [])
        return int(rows[0][0] or 0)


def contract_labels(ids: list[int]) -> dict[int, tuple[str, str]]:
    """Registration number and name of a few contracts (a report's listed rows), by id.

    Read from the operational database by primary key: the snapshot keeps no text a report
    only shows, so a full build does not have to copy a million names it never prints.
    """
    found: dict[int, tuple[str, str]] = {}
    for start in range(0, len(ids), 500):
        chunk = [int(pk) for pk in ids[start : start + 500]]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, registration_number, name FROM registry_contract WHERE id IN "
                f"({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            found.update((int(pk), (number or "", name)) for pk, number, name in cursor.fetchall())
    return found


def _literal(value: object) -> str:
    """A SQL literal for DuckDB (standard quoting: a quote is doubled, nothing else escapes)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _as_utc(column: str) -> str:
    """SQLite keeps naive UTC text; PostgreSQL a timestamptz. Both become TIMESTAMPTZ."""
    if connection.vendor == "sqlite":
        return f"timezone('UTC', CAST({column} AS TIMESTAMP))"
    return f"CAST({column} AS TIMESTAMPTZ)"


def _utc_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat() if value.tzinfo else value.isoformat() + "+00:00"
    text = str(value)
    return text if "+" in text[10:] or text.endswith("Z") else text + "+00:00"


def _text(value: object) -> object:
    """Amounts from SQLite arrive as floats; as text they keep their cents exactly."""
    if isinstance(value, float):
        return f"{value:.2f}"
    if value is None or isinstance(value, (int, str, bool)):
        return value
    return str(value)


def _load_reference_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Region roll-up (any historic code → current county, city, province) and nature groups."""
    con.execute(
        "CREATE OR REPLACE TABLE regions (code VARCHAR PRIMARY KEY, current INTEGER, "
        "city INTEGER, province INTEGER)"
    )
    # One literal VALUES list: DuckDB's executemany is slow, and these are all 6-digit codes.
    values = ", ".join(
        f"('{a}', {int(b)}, {int(c) if c else 'NULL'}, {int(d)})" for a, b, c, d in region_rows()
    )
    con.execute(f"INSERT INTO regions VALUES {values}")
    con.execute("CREATE OR REPLACE TABLE nature_groups (code VARCHAR PRIMARY KEY, grp VARCHAR)")
    natures = code_list("entity_natures")
    values = ", ".join(f"('{c.code}', '{c.extra.get('group', 'other')}')" for c in natures)
    con.execute(f"INSERT INTO nature_groups VALUES {values}")


def region_rows() -> Iterable[tuple[str, str, str, str]]:
    """Each known code with its current county, city and province (the roll-up table's rows)."""
    for code in all_codes():
        if not code.isdecimal():
            continue
        now = (current_codes(code) or (code,))[0]
        province = now[:2] + "0000"
        city = _city_of(now)
        yield code, now, city, province


def _city_of(code: str) -> str:
    """The prefecture-level code of a current code (itself for a city; "" for a province)."""
    if code.endswith("0000"):
        return ""
    region = get_region(code)
    if region is not None and region.level == "city":
        return code
    parent = parent_code(code)
    return parent if parent and not parent.endswith("0000") else code
