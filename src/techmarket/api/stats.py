"""/stats and /targets: the standard tables and plan progress, within the caller's region."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from techmarket.api.auth import actor_of
from techmarket.api.schemas import ProblemOut
from techmarket.stats.access import readable_region
from techmarket.stats.agency_quality import agency_quality_document
from techmarket.stats.plan_store import find_plan
from techmarket.stats.queries import parse_scope, plan_progress, read_tables, table_document

router = Router(tags=["statistics"])
ERRORS: dict[int, Any] = {
    401: ProblemOut,
    403: ProblemOut,
    404: ProblemOut,
    422: ProblemOut,
    503: ProblemOut,
}


class TableQuery(Schema):
    period: str = Field(description="2024, 2024H1, 2024Q3, 2024-03, 2024YTD06 or FROM..TO")
    region: str | None = Field(default=None, description="GB/T 2260 code; default: your own")
    view: str = Field(default="registered", description="registered, output or absorbed")
    as_of: date | None = Field(default=None, description="amounts in force on this date")
    level: str | None = Field(
        default=None,
        description="by_region only: rank every province, city or county within the region "
        "(the four municipalities count as cities); default: the region's direct children",
    )


class TableOut(Schema):
    table: str
    title: str
    title_en: str
    period: str
    region: str
    view: str
    level: str | None = None
    columns: list[str]
    rows: list[dict[str, Any]]
    notes: list[str]
    snapshot: dict[str, Any]


class AgencyQualityQuery(Schema):
    period: str = Field(description="2024, 2024H1, 2024Q3, 2024-03, 2024YTD06 or FROM..TO")
    region: str | None = Field(default=None, description="GB/T 2260 code; default: your own")


class AgencyQualityOut(Schema):
    code: str
    name: str
    region: str
    rank: int | None = Field(description="by share within the limit, then median; none if idle")
    received: int
    registered: int
    refused: int
    withdrawn: int
    decided: int
    median_working_days: float | None
    p90_working_days: int | None
    decided_within_limit: int
    within_limit_pct: str | None
    corrected: int
    correction_rate_pct: str | None
    refusal_rate_pct: str | None
    backlog: int
    overdue: int
    registered_turnover: str = Field(description="yuan, two places")


class AgenciesOut(Schema):
    period: str
    region: str
    as_of: str = Field(description="the day backlog and overdue are counted at")
    agencies: list[AgencyQualityOut]


class IndicatorProgressOut(Schema):
    indicator: str
    name: str
    unit: str
    year: int
    target: str | None
    actual: str | None
    completion_pct: str | None
    elapsed_pct: str | None
    verdict: str | None
    projected: str | None
    projection_method: str | None
    status: str | None
    source: str | None = Field(
        None, description="where the actual came from: registry, entities (counted) or entered"
    )


class ProgressOut(Schema):
    plan: str
    name: str
    as_of: str
    indicators: list[IndicatorProgressOut]


@router.get("/stats/tables/{name}", response={200: TableOut, **ERRORS}, summary="A standard table")
def table(request: HttpRequest, name: str, query: Query[TableQuery]) -> dict[str, Any]:
    """The same table as `techmarket stats table NAME --json`, from the published snapshot
    (never refreshed by a read; `snapshot` says how fresh it is)."""
    actor = actor_of(request)
    region = readable_region(actor, query.region)
    scope = parse_scope(
        query.period,
        region,
        query.view,
        query.as_of.isoformat() if query.as_of else None,
        query.level,
    )
    read = read_tables(actor, [name], scope)
    return table_document(read.tables[0], read.freshness)


@router.get(
    "/stats/agencies", response={200: AgenciesOut, **ERRORS}, summary="Agency service quality"
)
def agencies(request: HttpRequest, query: Query[AgencyQualityQuery]) -> dict[str, Any]:
    """The same figures as `techmarket stats agencies --json`: each agency of the region with
    its decisions, working days to decision, share within the legal limit and backlog, ranked;
    read from the audit trail, so always current."""
    actor = actor_of(request)
    return agency_quality_document(actor, query.period, query.region, today=timezone.localdate())


@router.get(
    "/targets/{code}/progress", response={200: ProgressOut, **ERRORS}, summary="Plan progress"
)
def targets_progress(request: HttpRequest, code: str, as_of: date) -> dict[str, Any]:
    """Each indicator's completion against elapsed time (时间过半、任务过半), with projections."""
    actor = actor_of(request)
    readable_region(actor, None)  # who reads no statistics learns nothing of the plans either
    return plan_progress(actor, find_plan(code), as_of)
