"""/contracts: drafts, lists, one contract, its workflow steps and its history."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from techmarket.api.auth import actor_of
from techmarket.api.schemas import (
    ActionIn,
    ContractDetailOut,
    ContractPageOut,
    ContractRecordIn,
    DraftIn,
    EventOut,
    ProblemOut,
    SignalOut,
    StepOut,
)
from techmarket.domain.problems import DomainError, ValidationFailed
from techmarket.domain.record import ContractRecord, parse_record
from techmarket.domain.workflow import available_actions
from techmarket.registry import certificates, contract_list, drafts, risk, services, steps
from techmarket.registry.selectors import contract_detail, contract_events, find_contract

router = Router(tags=["contracts"])

ERRORS: dict[int, Any] = {
    401: ProblemOut,
    403: ProblemOut,
    404: ProblemOut,
    409: ProblemOut,
    412: ProblemOut,
    422: ProblemOut,
}


class ListQuery(Schema):
    status: list[str] = Field(default_factory=list, description="repeat for several")
    agency: str | None = None
    type: str | None = Field(default=None, description="contract type key")
    signed_from: date | None = None
    signed_to: date | None = None
    registered_from: date | None = None
    registered_to: date | None = None
    due_within: int | None = Field(default=None, ge=0, le=365, description="working days")
    overdue: bool = False
    large: bool | None = None
    flagged: bool | None = Field(default=None, description="with (true) or without any risk flag")
    q: str = Field(
        default="",
        max_length=200,
        description="part of the name, a party's name, the registration number or the external id",
    )
    sort: str = "-id"
    cursor: str | None = Field(default=None, max_length=500)
    limit: int = Field(default=contract_list.DEFAULT_PAGE, ge=1, le=contract_list.MAX_PAGE)


def parsed(raw: dict[str, Any]) -> ContractRecord:
    """A record checked by the same rules as an import; every problem comes back at once."""
    record, problems = parse_record({k: v for k, v in raw.items() if v is not None}, 1)
    if record is None:
        raise ValidationFailed(problems)
    return record


def expected_version(if_match: str | None) -> int | None:
    """`If-Match: "7"` (the ETag of GET) → 7; no header → no check."""
    if if_match is None or if_match.strip() == "*":
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdecimal():
        raise DomainError(
            f"If-Match 须为合同的 ETag（版本号），而不是 {if_match!r}",
            f"If-Match must be the contract's ETag (its version), not {if_match!r}",
            code="invalid_if_match",
            field="If-Match",
        )
    return int(value)


def _step_out(contract: Any) -> dict[str, Any]:
    return {
        "id": contract.pk,
        "status": contract.status,
        "version": contract.version,
        "registration_number": contract.registration_number,
    }


@router.get("", response={200: ContractPageOut, **ERRORS}, summary="List contracts")
def list_contracts(request: HttpRequest, query: Query[ListQuery]) -> HttpResponse:
    """The contracts the caller may read, filtered, in a stable order, a page at a time."""
    today = timezone.localdate()
    filters = contract_list.ContractFilter(
        statuses=tuple(query.status),
        agency_code=query.agency or "",
        contract_type=query.type or "",
        signed_from=query.signed_from,
        signed_to=query.signed_to,
        registered_from=query.registered_from,
        registered_to=query.registered_to,
        due_by=contract_list.due_by(query.due_within, today)
        if query.due_within is not None
        else None,
        overdue_on=today if query.overdue else None,
        large=query.large,
        flagged=query.flagged,
        text=query.q,
    )
    page = contract_list.list_contracts(
        actor_of(request), filters, sort=query.sort, cursor=query.cursor, limit=query.limit
    )
    # Built by `contract_list.summary` in the documented shape (the fuzzing test holds it to the
    # schema): sent as it is, without validating fifty rows again on every page.
    return JsonResponse(
        {
            "items": [contract_list.summary(c) for c in page.items],
            "next_cursor": page.next_cursor,
            "limit": page.limit,
            "sort": page.sort,
        }
    )


@router.post("", response={201: StepOut, 200: StepOut, **ERRORS}, summary="Create a draft")
def create_draft(
    request: HttpRequest,
    body: DraftIn,
    response: HttpResponse,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key", max_length=200),
) -> Status[dict[str, Any]]:
    """A seller's new application, not yet submitted. With an `Idempotency-Key`, a retry
    returns the contract the first request created (200) instead of a second one."""
    record = parsed(body.record.model_dump())
    agency = drafts.agency_for(record, body.agency_code)
    contract, created = drafts.create_draft_once(
        record,
        agency=agency,
        actor=actor_of(request),
        now=timezone.now(),
        idempotency_key=idempotency_key,
    )
    response["Location"] = f"/api/v1/contracts/{contract.pk}"
    response["ETag"] = f'"{contract.version}"'
    return Status(201 if created else 200, _step_out(contract))


@router.get("/{contract_id}", response={200: ContractDetailOut, **ERRORS}, summary="One contract")
def get_contract(request: HttpRequest, contract_id: int, response: HttpResponse) -> dict[str, Any]:
    """The contract as the caller may see it; `ETag` is its version, for `If-Match`."""
    actor = actor_of(request)
    detail = contract_detail(contract_id, actor, with_events=False)
    detail["actions"] = [
        {"action": str(t.action), "label_zh": t.label_zh, "label_en": t.label_en}
        for t in available_actions(str(detail["status"]), actor.role)
    ]
    response["ETag"] = f'"{detail["version"]}"'
    return detail


@router.patch("/{contract_id}", response={200: StepOut, **ERRORS}, summary="Change a draft")
def edit_draft(
    request: HttpRequest,
    contract_id: int,
    changes: ContractRecordIn,  # type: ignore[valid-type]
    response: HttpResponse,
    if_match: str | None = Header(default=None, alias="If-Match", max_length=100),
) -> dict[str, Any]:
    """Only the fields sent change (null empties one); the whole record is checked again."""
    sent = {k: "" if v is None else v for k, v in changes.model_dump(exclude_unset=True).items()}
    contract = services.edit_draft(
        contract_id,
        sent,
        actor=actor_of(request),
        now=timezone.now(),
        expected_version=expected_version(if_match),
    )
    response["ETag"] = f'"{contract.version}"'
    return _step_out(contract)


@router.get(
    "/{contract_id}/history", response={200: list[EventOut], **ERRORS}, summary="Audit history"
)
def history(request: HttpRequest, contract_id: int) -> list[dict[str, Any]]:
    """Every audited step of the contract, oldest first."""
    return contract_events(find_contract(contract_id, actor_of(request)))


@router.get(
    "/{contract_id}/signals", response={200: list[SignalOut], **ERRORS}, summary="Risk signals"
)
def signals(request: HttpRequest, contract_id: int) -> list[dict[str, Any]]:
    """The contract's risk signals from the last scan over the registry, highest score first,
    each explained, with the related contracts you may read (others are named only as outside
    your jurisdiction). For agency staff: a seller gets 403."""
    actor = actor_of(request)
    return risk.signals_of(find_contract(contract_id, actor), actor)


@router.post(
    "/{contract_id}/actions/{action}",
    response={200: StepOut, **ERRORS},
    summary="Run a workflow step",
)
def run_action(
    request: HttpRequest,
    contract_id: int,
    action: str,
    response: HttpResponse,
    body: ActionIn | None = None,
    if_match: str | None = Header(default=None, alias="If-Match", max_length=100),
) -> dict[str, Any]:
    """submit, withdraw, accept, request_correction, resubmit, start_review,
    send_to_second_review, register, refuse, amend, cancel, object, uphold_objection.
    A stale `If-Match` answers 412."""
    body = body or ActionIn()
    record = parsed(body.record.model_dump()) if body.record is not None else None
    contract = steps.run_step(
        action,
        contract_id,
        actor=actor_of(request),
        now=timezone.now(),
        expected_version=expected_version(if_match),
        note=body.note,
        reason=body.reason,
        record=record,
    )
    response["ETag"] = f'"{contract.version}"'
    return _step_out(contract)


PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "登记证明 (PDF)",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/{contract_id}/certificate.pdf",
    response={200: None, **ERRORS},
    summary="Registration certificate (PDF)",
    openapi_extra=PDF_RESPONSE,
)
def certificate(request: HttpRequest, contract_id: int) -> HttpResponse:
    """The current certificate with its QR code to the public verify page; a cancelled
    contract's copy is marked 已注销."""
    pdf = certificates.certificate_pdf(contract_id, actor_of(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{contract_id}.pdf"'
    return response
