"""/entities: the innovation-entity register's lists, organisation page, expiring list and
cultivation board, with an xlsx export of each list; a candidate's stage moves with If-Match.

The filters and pages are the contract lists' (`limit` 1–200, `cursor` = the previous page's
`next_cursor`); everything is read through `entities.selectors`, so a reader sees only the
organisations now registered within their agency's region.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Header, Query, Router, Schema
from pydantic import Field

from techmarket.api.auth import actor_of
from techmarket.api.contracts import expected_version
from techmarket.api.entity_schemas import (
    BoardOut,
    CandidateOut,
    ExpiringPageOut,
    OrganisationOut,
    RecognitionPageOut,
    StageIn,
    YieldOut,
)
from techmarket.api.schemas import ProblemOut
from techmarket.entities import access, selectors, services, tables
from techmarket.entities.paging import DEFAULT_PAGE, MAX_PAGE
from techmarket.exports.model import TableResult

router = Router(tags=["entities"])
ERRORS: dict[int, Any] = {
    401: ProblemOut,
    403: ProblemOut,
    404: ProblemOut,
    409: ProblemOut,
    412: ProblemOut,
    422: ProblemOut,
}
XLSX_RESPONSE = {
    "responses": {
        200: {
            "description": "xlsx workbook",
            "content": {tables.XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class RecognitionQuery(Schema):
    kind: str = Field(default="", max_length=40, description="high_tech_enterprise, tech_sme, …")
    level: str = Field(default="", max_length=12, description="national, provincial, …")
    status: str = Field(
        default="", max_length=12, description="as of as_of: recognised, expired, revoked, not_yet"
    )
    as_of: date | None = Field(default=None, description="default: today")
    region: str = Field(default="", max_length=6, description="GB/T 2260; default: your own")
    granted_year: int | None = Field(default=None, ge=1980, le=2100)
    batch: str = Field(default="", max_length=200)
    q: str = Field(default="", max_length=200, description="part of the name, USCC or number")


class RecognitionPageQuery(RecognitionQuery):
    sort: str = Field(default="-granted_on", description="-granted_on, valid_to or -id")
    cursor: str | None = Field(default=None, max_length=500)
    limit: int = Field(default=DEFAULT_PAGE, ge=1, le=MAX_PAGE)


class ExpiringQuery(Schema):
    within_months: int = Field(default=6, ge=1, le=selectors.MAX_MONTHS)
    as_of: date | None = Field(default=None, description="the window starts here; default today")
    region: str = Field(default="", max_length=6)
    kind: str = Field(default="", max_length=40)


class ExpiringPageQuery(ExpiringQuery):
    cursor: str | None = Field(default=None, max_length=500)
    limit: int = Field(default=DEFAULT_PAGE, ge=1, le=MAX_PAGE)


class BoardQuery(Schema):
    round: str = Field(default="", max_length=100, description="default: the latest round")
    district: str = Field(default="", max_length=6)
    kind: str = Field(default="", max_length=40)


def _filters(query: RecognitionQuery) -> selectors.RecognitionFilter:
    return selectors.RecognitionFilter(
        kind=query.kind,
        level=query.level,
        status=query.status,
        as_of=query.as_of,
        region=query.region,
        granted_year=query.granted_year,
        batch=query.batch,
        text=query.q,
    )


def _xlsx(table: TableResult, filename: str) -> HttpResponse:
    response = HttpResponse(tables.workbook(table), content_type=tables.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _region(request: HttpRequest, asked: str) -> str:
    return access.readable_region(actor_of(request), asked or None)


@router.get("/recognitions", response={200: RecognitionPageOut, **ERRORS}, summary="Recognitions")
def recognitions(request: HttpRequest, query: Query[RecognitionPageQuery]) -> dict[str, Any]:
    """Recognitions of the organisations now registered in your region, filtered, a page at a
    time; each status is derived for `as_of`."""
    page = selectors.list_recognitions(
        actor_of(request),
        _filters(query),
        today=timezone.localdate(),
        sort=query.sort,
        cursor=query.cursor,
        limit=query.limit,
    )
    return {
        "items": page.items,
        "next_cursor": page.next_cursor,
        "limit": page.limit,
        "sort": page.sort,
    }


@router.get(
    "/recognitions.xlsx",
    response={200: None, **ERRORS},
    summary="Recognitions (xlsx)",
    openapi_extra=XLSX_RESPONSE,
)
def recognitions_xlsx(request: HttpRequest, query: Query[RecognitionQuery]) -> HttpResponse:
    """Every recognition the same filters select (up to 100,000), as a workbook."""
    today = timezone.localdate()
    rows = selectors.all_recognitions(
        actor_of(request), _filters(query), today=today, cap=tables.EXPORT_CAP
    )
    table = tables.recognitions_table(
        rows, as_of=query.as_of or today, region=_region(request, query.region)
    )
    return _xlsx(table, f"recognitions-{today:%Y%m%d}.xlsx")


@router.get(
    "/organisations/{key}", response={200: OrganisationOut, **ERRORS}, summary="One organisation"
)
def organisation(request: HttpRequest, key: str, as_of: date | None = None) -> dict[str, Any]:
    """An organisation by id or USCC: identity, district history, former names, recognitions
    (status as of `as_of`), candidacies, residencies and its registered contracts as seller."""
    detail = selectors.organisation_detail(
        actor_of(request), key[:40], on=as_of or timezone.localdate()
    )
    totals = detail["contracts"]
    detail["contracts"] = {
        "registered": totals["registered"],
        "total_amount": f"{totals['total_amount']:.2f}",
        "tech_amount": f"{totals['tech_amount']:.2f}",
    }
    return detail


@router.get("/expiring", response={200: ExpiringPageOut, **ERRORS}, summary="Expiring soon")
def expiring(request: HttpRequest, query: Query[ExpiringPageQuery]) -> dict[str, Any]:
    """Recognitions in force whose last day falls in the next `within_months` months, soonest
    first, each saying whether the organisation is re-recognised already."""
    page = selectors.list_expiring(
        actor_of(request),
        within_months=query.within_months,
        on=query.as_of or timezone.localdate(),
        region=query.region,
        kind=query.kind,
        cursor=query.cursor,
        limit=query.limit,
    )
    return {
        "items": page.items,
        "next_cursor": page.next_cursor,
        "limit": page.limit,
        "sort": page.sort,
    }


@router.get(
    "/expiring.xlsx",
    response={200: None, **ERRORS},
    summary="Expiring soon (xlsx)",
    openapi_extra=XLSX_RESPONSE,
)
def expiring_xlsx(request: HttpRequest, query: Query[ExpiringQuery]) -> HttpResponse:
    on = query.as_of or timezone.localdate()
    rows = selectors.all_expiring(
        actor_of(request),
        within_months=query.within_months,
        on=on,
        region=query.region,
        kind=query.kind,
        cap=tables.EXPORT_CAP,
    )
    table = tables.expiring_table(
        rows, on=on, months=query.within_months, region=_region(request, query.region)
    )
    return _xlsx(table, f"expiring-{on:%Y%m%d}.xlsx")


@router.get("/candidates", response={200: BoardOut, **ERRORS}, summary="Cultivation board")
def board(request: HttpRequest, query: Query[BoardQuery]) -> dict[str, Any]:
    """The candidates of a round by stage (up to 100 cards a stage) and the count of each
    stage per district."""
    return selectors.candidate_board(
        actor_of(request), round_name=query.round, district=query.district, kind=query.kind
    )


@router.get(
    "/candidates.xlsx",
    response={200: None, **ERRORS},
    summary="Candidates of a round (xlsx)",
    openapi_extra=XLSX_RESPONSE,
)
def board_xlsx(request: HttpRequest, query: Query[BoardQuery]) -> HttpResponse:
    actor = actor_of(request)
    chosen = query.round or selectors.candidate_board(actor, district=query.district)["round"]
    rows = selectors.all_candidates(
        actor, round_name=chosen, district=query.district, kind=query.kind, cap=tables.EXPORT_CAP
    )
    table = tables.candidates_table(
        rows, round_name=chosen, region=_region(request, query.district)
    )
    return _xlsx(table, f"candidates-{timezone.localdate():%Y%m%d}.xlsx")


@router.get("/candidates/yield", response={200: list[YieldOut], **ERRORS}, summary="Round yield")
def round_yield(request: HttpRequest, query: Query[BoardQuery]) -> list[dict[str, Any]]:
    """Each round's yield by district: candidates → applied → recognised, with the rates
    (every round unless one is named)."""
    return selectors.round_yield(
        actor_of(request), round_name=query.round, district=query.district, kind=query.kind
    )


@router.get(
    "/candidates/yield.xlsx",
    response={200: None, **ERRORS},
    summary="Round yield (xlsx)",
    openapi_extra=XLSX_RESPONSE,
)
def round_yield_xlsx(request: HttpRequest, query: Query[BoardQuery]) -> HttpResponse:
    rows = selectors.round_yield(
        actor_of(request), round_name=query.round, district=query.district, kind=query.kind
    )
    table = tables.yield_table(rows, region=_region(request, query.district))
    return _xlsx(table, f"round-yield-{timezone.localdate():%Y%m%d}.xlsx")


@router.get(
    "/candidates/{candidate_id}", response={200: CandidateOut, **ERRORS}, summary="One candidate"
)
def candidate(request: HttpRequest, candidate_id: int, response: HttpResponse) -> dict[str, Any]:
    """A candidate of a district within your region; `ETag` is its version, for `If-Match`."""
    row = selectors.get_candidate(actor_of(request), candidate_id)
    response["ETag"] = f'"{row.version}"'
    return selectors.candidate_row(row)


@router.post(
    "/candidates/{candidate_id}/stage",
    response={200: CandidateOut, **ERRORS},
    summary="Move a candidate",
)
def move_candidate(
    request: HttpRequest,
    candidate_id: int,
    body: StageIn,
    response: HttpResponse,
    if_match: str | None = Header(default=None, alias="If-Match", max_length=100),
) -> dict[str, Any]:
    """applied, recognised or dropped (agency admins). A stale `If-Match` answers 412; a move
    the stage does not allow, 409."""
    actor = actor_of(request)
    row = services.set_stage(
        selectors.get_candidate(actor, candidate_id),
        body.stage,
        actor=actor,
        now=timezone.now(),
        expected_version=expected_version(if_match),
    )
    response["ETag"] = f'"{row.version}"'
    return selectors.candidate_row(row)
