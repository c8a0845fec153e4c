"""The statistics reads front ends call: standard tables for an actor, from the read-only snapshot."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from techmarket.domain.problems import NotFound
from techmarket.exports.model import TableResult
from techmarket.registry.actors import Actor
from techmarket.stats.access import readable_region
from techmarket.stats.engine import Scope, compute
from techmarket.stats.indicators import gdp_for
from techmarket.stats.reader import Freshness, open_snapshot
from techmarket.stats.tables import ALL_TABLE_NAMES


@dataclass(frozen=True)
class TablesRead:
    """Tables computed from one snapshot, and how fresh that snapshot is."""

    tables: list[TableResult]
    freshness: Freshness


def read_tables(
    actor: Actor, names: Sequence[str], scope: Scope, *, path: Path | None = None
) -> TablesRead:
    """Standard tables of a region the actor may read, all from one read-only snapshot.

    Never refreshes: the answer is the published snapshot, with its freshness, so a read is
    never a write and never waits for one (refreshes follow commits; see `stats.refresher`).
    """
    readable_region(actor, scope.region)
    unknown = [name for name in names if name not in ALL_TABLE_NAMES]
    if unknown:
        raise NotFound(
            f"没有统计表 {unknown[0]}",
            f"no statistics table {unknown[0]}",
            code="statistics_table_not_found",
            table=unknown[0],
        )
    gdp = gdp_for(scope.period)
    with open_snapshot(path) as reader:
        tables = [compute(reader.con, name, scope, gdp=gdp) for name in names]
        return TablesRead(tables, reader.freshness)
