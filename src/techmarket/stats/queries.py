"""The statistics reads front ends call: standard tables for an actor, from the read-only snapshot."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from techmarket.codes.regions import ROOT
from techmarket.domain.problems import DomainError, NotFound
from techmarket.entities.counts import register_head
from techmarket.exports.model import Column, TableResult
from techmarket.registry.actors import Actor
from techmarket.stats.access import readable_region
from techmarket.stats.engine import Scope, compute
from techmarket.stats.entries import entered_entries
from techmarket.stats.indicators import gdp_for
from techmarket.stats.levels import LevelError, peer_level
from techmarket.stats.periods import PeriodError, parse_period
from techmarket.stats.reader import Freshness, open_snapshot, with_log_seq
from techmarket.stats.snapshot import snapshot_path
from techmarket.stats.table_cache import computed, identity
from techmarket.stats.tables import ALL_TABLE_NAMES
from techmarket.stats.targets import Plan, progress


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
    others = [name for name in names if name != "by_region"]
    if scope.level is not None and others:
        raise DomainError(
            f"只有按地区表（by_region）可按层级排名，{others[0]} 不可",
            f"only the by_region table ranks at a level, not {others[0]}",
            code="level_only_for_by_region",
            table=others[0],
            level=scope.level,
        )
    return _computed(names, scope, path)


def _computed(names: Sequence[str], scope: Scope, path: Path | None) -> TablesRead:
    """The tables from the published snapshot, whoever may read them (checked by the caller)."""
    target = path or snapshot_path()
    # Computed once per published snapshot (table_cache): the same file, the same figures.
    file = identity(target)
    if file is not None:
        known = [computed.get((file, name, scope), beside=target) for name in names]
        freshness = computed.get((file, "freshness"), beside=target)
        if freshness is not None and all(table is not None for table in known):
            return TablesRead(known, with_log_seq(freshness))
    gdp = gdp_for(scope.period)
    with open_snapshot(target) as reader:
        tables = [compute(reader.con, name, scope, gdp=gdp) for name in names]
        if file is not None:
            for name, table in zip(names, tables, strict=True):
                computed.put((file, name, scope), table, beside=target)
            computed.put((file, "freshness"), reader.freshness, beside=target)
        return TablesRead(tables, reader.freshness)


@dataclass(frozen=True)
class PeerRank:
    """Where a region's turnover ranks among every region of its level in the country."""

    level: str  # province | city | county
    rank: int | None  # None: nothing registered in the region in the period
    peers: int  # regions of that level with registrations in the period
    freshness: Freshness


def rank_among_peers(
    actor: Actor, region: str, period: str, *, path: Path | None = None
) -> PeerRank:
    """The region's rank by turnover (登记口径) among all regions of its level in China, for
    someone who may read the region. Only the rank and the number of peers leave here, never
    another region's figures, so the jurisdiction rule holds (docs/decisions.md)."""
    readable_region(actor, region)
    level = peer_level(region)
    read = _computed(["by_region"], parse_scope(period, ROOT, "registered", level=level), path)
    rows = read.tables[0].rows
    own = next((row for row in rows if row["code"] == region), None)
    rank = int(str(own["rank"])) if own is not None and own.get("rank") else None
    return PeerRank(level, rank, len(rows), read.freshness)


def parse_scope(
    period: str, region: str, view: str, as_of: str | None = None, level: str | None = None
) -> Scope:
    """A table's scope from the words a person types (`2024H1`, `440100`, `output`, `city`)."""
    try:
        return Scope(
            parse_period(period),
            region=region,
            view=view,
            as_of=date.fromisoformat(as_of) if as_of else None,
            level=level or None,
        )
    except PeriodError as error:
        raise DomainError(error.message, error.message_en, code=error.code) from None
    except LevelError as error:
        raise DomainError(
            error.message, error.message_en, code=error.code, region=region, level=level
        ) from None
    except ValueError as error:  # the region, the view or the as-of date
        raise DomainError(
            str(error),
            f"invalid scope: region {region!r}, view {view!r}, as-of {as_of!r}",
            code="bad_scope",
        ) from None


def _jsonable(value: object) -> object:
    return f"{value:.2f}" if isinstance(value, Decimal) else value


#: Where a progress figure came from, as tables show it.
SOURCE_NAMES = {"registry": "登记数据", "entities": "创新主体库", "entered": "录入值"}

PROGRESS_COLUMNS = [
    Column("name", "指标", "indicator", "text"),
    Column("unit", "单位", "unit", "text"),
    Column("year", "年度", "year", "text"),
    Column("target", "目标", "target", "number"),
    Column("actual", "完成", "actual", "number"),
    Column("completion_pct", "完成进度（%）", "done %", "pct"),
    Column("elapsed_pct", "时间进度（%）", "time elapsed %", "pct"),
    Column("verdict", "研判", "verdict", "text"),
    Column("projected", "全年预计", "projected for the year", "number"),
    Column("status", "状态", "status", "text"),
    Column("source", "数据来源", "source", "text"),
]


def progress_table(document: dict, region: str) -> TableResult:  # type: ignore[type-arg]
    """A plan's progress (`plan_progress`) as a table, for the workbook and the PDF: the same
    figures as `techmarket targets progress --json`, numbers again as numbers."""

    def number(value: object) -> Decimal | None:
        return None if value is None or value == "" else Decimal(str(value))

    rows = [
        {
            **{key: row[key] for key in ("name", "unit", "verdict", "status")},
            "source": SOURCE_NAMES.get(str(row.get("source")), str(row.get("source") or "")),
            "year": str(row["year"]),
            **{
                key: number(row[key])
                for key in ("target", "actual", "completion_pct", "elapsed_pct", "projected")
            },
        }
        for row in document["indicators"]
    ]
    return TableResult(
        "plan_progress",
        f"{document['name']} 目标进度",
        f"{document['name']}: progress",
        str(document["as_of"]),
        region,
        "registered",
        PROGRESS_COLUMNS,
        rows,
        [f"截至 {document['as_of']}；时间过半、任务过半 = 完成进度不低于时间进度。"],
    )


def table_document(result: TableResult, freshness: Freshness | None = None) -> dict[str, object]:
    """A table as one JSON document (CLI `--json`, the API): amounts as strings of yuan."""
    snapshot = {"snapshot": freshness.as_dict()} if freshness is not None else {}
    return {
        "table": result.name,
        "title": result.title_zh,
        "title_en": result.title_en,
        "period": result.period,
        "region": result.region,
        "view": result.view,
        "level": result.level,
        "columns": [c.key for c in result.columns],
        "rows": [{k: _jsonable(v) for k, v in row.items()} for row in result.rows],
        "notes": result.notes,
    } | snapshot


def plan_progress(actor: Actor, plan: Plan, as_of: date, *, path: Path | None = None) -> dict:
    """Each indicator's actual, completion, elapsed time, verdict, projection and status, as
    one document, for a plan whose region the actor may read."""
    from techmarket.stats.actuals import PlanActuals

    readable_region(actor, plan.region)
    target = path or snapshot_path()

    entered = tuple(entered_entries(plan.code))

    def compute_progress() -> list:  # type: ignore[type-arg]
        with open_snapshot(target, ask_log=False) as reader:
            actuals = PlanActuals(reader.con, plan, as_of, entered=entered)
            return progress(plan, as_of=as_of, actuals=actuals)

    # The plan (a frozen value: its targets and the file's actuals) is part of the key, and so
    # are what the database holds beside the snapshot: the values entered since, and the
    # register's state when an indicator counts from it (neither moves the snapshot).
    file = identity(target)
    register = (
        register_head() if any(i.source_kind == "entities" for i in plan.indicators) else None
    )
    results = (
        computed.get_or_compute(
            (file, "plan_progress", plan, as_of, entered, register),
            compute_progress,
            beside=target,
        )
        if file is not None
        else compute_progress()
    )
    indicators = [
        {
            "indicator": p.indicator.code,
            "name": p.indicator.name,
            "unit": p.indicator.unit,
            "year": p.year,
            "target": _jsonable(p.target),
            "actual": _jsonable(p.actual),
            "completion_pct": _jsonable(p.completion_pct),
            "elapsed_pct": _jsonable(p.elapsed_pct),
            "verdict": p.verdict,
            "projected": _jsonable(p.projected),
            "projection_method": p.projection_method,
            "status": p.status,
            "source": p.source,
        }
        for p in results
    ]
    return {
        "plan": plan.code,
        "name": plan.name,
        "as_of": as_of.isoformat(),
        "indicators": indicators,
    }
