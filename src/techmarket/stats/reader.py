"""Reading the statistics snapshot: read-only DuckDB connections, and how fresh the answer is.

A read never writes and never waits for a refresh: it opens the published file read-only (any
number of processes may, while the one writer works on a copy; see `stats.refresher`) and says
which audit event the figures go up to, so a front end can show "as of" and how far behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import duckdb
from django.db import connection

from techmarket.domain.problems import Unavailable
from techmarket.stats.snapshot import LAYOUT, snapshot_path


@dataclass(frozen=True)
class Freshness:
    """Which audit event the snapshot's figures go up to, and the log's last one when read."""

    as_of_seq: int
    refreshed_at: datetime | None
    log_seq: int | None = None  # None: the operational database was not asked

    @property
    def behind(self) -> int | None:
        """Audit events not yet in the snapshot (None when unknown)."""
        return None if self.log_seq is None else max(self.log_seq - self.as_of_seq, 0)

    def as_dict(self) -> dict[str, object]:
        return {
            "as_of_seq": self.as_of_seq,
            "refreshed_at": self.refreshed_at.isoformat() if self.refreshed_at else None,
            "log_seq": self.log_seq,
            "behind": self.behind,
        }

    def note(self) -> str:
        when = self.refreshed_at.isoformat() if self.refreshed_at else "—"
        lag = (
            f"，审计日志已到第 {self.log_seq} 号（尚有 {self.behind} 个事件未计入）"
            if self.behind
            else ""
        )
        lag_en = f"; the audit log is at {self.log_seq} ({self.behind} events not yet in)"
        return (
            f"统计快照截至审计事件第 {self.as_of_seq} 号（更新于 {when}）{lag}。 / Figures as of "
            f"audit event {self.as_of_seq} (refreshed {when}){lag_en if self.behind else ''}."
        )


@dataclass(frozen=True)
class SnapshotReader:
    """An open read-only snapshot: query `con`; `freshness` says what it covers."""

    con: duckdb.DuckDBPyConnection
    freshness: Freshness


@contextmanager
def open_snapshot(path: Path | None = None, *, ask_log: bool = True) -> Iterator[SnapshotReader]:
    """Open the published snapshot read-only for one read; closed again on leaving.

    Open it per read, not once per process: DuckDB keeps one instance per path while any
    connection to it is open in the process, so a long-lived connection would keep serving the
    file it first opened after a refresh has replaced it. `ask_log` looks up the audit log's last
    sequence number (one primary-key lookup) to say how far behind the snapshot is.
    """
    target = path or snapshot_path()
    try:
        con = duckdb.connect(str(target), read_only=True)
    except duckdb.Error as error:
        if not target.exists():
            raise Unavailable(
                "统计快照尚未生成",
                "the statistics snapshot has not been built yet",
                code="statistics_snapshot_missing",
            ) from None
        raise Unavailable(
            "统计快照暂时无法读取",
            f"the statistics snapshot cannot be read: {error}",
            code="statistics_snapshot_unreadable",
        ) from None
    try:
        freshness = _freshness(con, ask_log=ask_log)
        yield SnapshotReader(con, freshness)
    finally:
        con.close()


def _freshness(con: duckdb.DuckDBPyConnection, *, ask_log: bool) -> Freshness:
    try:
        seq, layout, refreshed = con.execute(
            "SELECT last_seq, layout, refreshed_at FROM meta"
        ).fetchone()
    except duckdb.Error:
        layout = None
    if layout != LAYOUT:
        raise Unavailable(
            "统计快照为旧版本，需重新生成",
            "the statistics snapshot has an older layout and must be rebuilt",
            code="statistics_snapshot_outdated",
        )
    return Freshness(
        int(seq),
        datetime.fromisoformat(refreshed) if refreshed else None,
        _log_seq() if ask_log else None,
    )


def with_log_seq(freshness: Freshness) -> Freshness:
    """The same snapshot's freshness against the audit log as it is now."""
    return replace(freshness, log_seq=_log_seq())


def _log_seq() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM registry_auditevent")
        return int(cursor.fetchone()[0])
