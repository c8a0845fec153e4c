"""/leads: propose a lead from a match, list and read leads, and move one along its stages.

Every rule is the market's (`lead_services`, `lead_steps`, `lead_selectors`); this translates.
(No `from __future__ import annotations`: ninja reads the routes' annotations.)
"""

from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from techmarket.api.auth import actor_of
from techmarket.api.lead_schemas import (
    LeadActionIn,
    LeadDetailOut,
    LeadIn,
    LeadPageOut,
    LeadStepOut,
)
from techmarket.api.schemas import ProblemOut
from techmarket.domain.problems import DomainError
from techmarket.market import lead_selectors, lead_services
from techmarket.market.lead_steps import run_lead_step
from techmarket.market.models import Lead

router = Router(tags=["leads"])
ERRORS: dict[int, Any] = {
    401: ProblemOut,
    403: ProblemOut,
    404: ProblemOut,
    409: ProblemOut,
    412: ProblemOut,
    422: ProblemOut,
}
StepName = Literal["contact", "negotiate", "sign", "register", "drop"]
MAX_PAGE_NUMBER = 100_000
CENT = Decimal("0.01")


class LeadQuery(Schema):
    status: str | None = Field(
        default=None,
        max_length=20,
        description="proposed, contacted, negotiating, signed, registered or dropped",
    )
    broker: int | None = Field(default=None, ge=1, le=2**62, description="a broker's id")
    region: str | None = Field(
        default=None, max_length=6, description="GB/T 2260 code; its subdivisions are included"
    )
    page: int = Field(default=1, ge=1, le=MAX_PAGE_NUMBER)
    limit: int = Field(default=50, ge=1, le=lead_selectors.MAX_PER_PAGE)


def plain(value: Any) -> Any:
    """Amounts and rates as strings of two places (a database's sum may drop them), at any
    depth."""
    if isinstance(value, Decimal):
        return str(value.quantize(CENT))
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def lead_version(if_match: str | None) -> int | None:
    """`If-Match: "4"` (the ETag of GET) → 4; no header or `*` → no check."""
    if if_match is None or if_match.strip() == "*":
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdecimal() or len(value) > 12:
        raise DomainError(
            f"If-Match 须为对接线索的 ETag（版本号），而不是 {if_match!r}",
            f"If-Match must be the lead's ETag (its version), not {if_match!r}",
            code="invalid_if_match",
            field="If-Match",
        )
    return int(value)


def step_out(lead: Lead) -> dict[str, Any]:
    return {"id": lead.pk, "status": lead.status, "version": lead.version}


@router.get(
    "", response={200: LeadPageOut, **ERRORS}, summary="List leads", operation_id="list_leads"
)
def list_all(request: HttpRequest, query: Query[LeadQuery]) -> dict[str, Any]:
    """The leads the caller may read (their own, their organisation's, their jurisdiction's),
    latest change first, a page at a time."""
    page = lead_selectors.list_leads(
        actor_of(request),
        status=query.status or None,
        broker_id=query.broker,
        region=query.region or None,
        page=query.page,
        per_page=query.limit,
    )
    return {
        "items": [plain(lead_selectors.lead_summary(lead)) for lead in page.items],
        "total": page.total,
        "page": page.page,
        "limit": page.per_page,
        "pages": page.pages,
    }


@router.post(
    "", response={201: LeadStepOut, **ERRORS}, summary="Propose a lead", operation_id="propose_lead"
)
def propose(request: HttpRequest, body: LeadIn, response: HttpResponse) -> Status[Any]:
    """A lead between a published achievement and a published demand; one live lead per pair
    (409 `lead_exists`). A broker proposes under their own profile."""
    lead = lead_services.propose(
        body.achievement_id,
        body.demand_id,
        actor=actor_of(request),
        now=timezone.now(),
        broker_id=body.broker_id,
        score=body.score,
        rank=body.rank,
        note=body.note,
    )
    response["Location"] = f"/api/v1/leads/{lead.pk}"
    response["ETag"] = f'"{lead.version}"'
    return Status(201, step_out(lead))


@router.get(
    "/{lead_id}",
    response={200: LeadDetailOut, **ERRORS},
    summary="One lead",
    operation_id="get_lead",
)
def get_one(request: HttpRequest, lead_id: int, response: HttpResponse) -> dict[str, Any]:
    """The lead with its history and the linked contract's number and amounts, if the caller
    may read it (else 404, as if absent); `ETag` is its version, for `If-Match`."""
    actor = actor_of(request)
    lead = lead_selectors.get_lead(actor, lead_id)
    response["ETag"] = f'"{lead.version}"'
    return plain(
        {
            **lead_selectors.lead_summary(lead),
            "events": lead_selectors.lead_events(lead),
            "actions": [
                {"action": str(t.action), "label_zh": t.label_zh, "label_en": t.label_en}
                for t in lead_selectors.lead_actions(actor, lead)
            ],
        }
    )


@router.post(
    "/{lead_id}/actions/{action}",
    response={200: LeadStepOut, **ERRORS},
    summary="Move a lead on",
    operation_id="act_on_lead",
)
def act(
    request: HttpRequest,
    lead_id: int,
    action: StepName,
    response: HttpResponse,
    body: LeadActionIn | None = None,
    if_match: str | None = Header(default=None, alias="If-Match", max_length=100),
) -> dict[str, Any]:
    """contact, negotiate, sign (a `note`), register (`registration_number` of the registered
    contract between the achievement's holder and the demand's company), drop (`reason`).
    Only the lead's proposer and broker act; a stale `If-Match` answers 412."""
    given = body or LeadActionIn()
    lead = run_lead_step(
        action,
        lead_id,
        actor=actor_of(request),
        now=timezone.now(),
        note=given.note,
        registration_number=given.registration_number,
        reason=given.reason,
        expected_version=lead_version(if_match),
    )
    response["ETag"] = f'"{lead.version}"'
    return step_out(lead)
