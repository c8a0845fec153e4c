"""/contracts/{id}/income: 技术性收入核定, declared by the seller, verified by the agency."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Header, Router, Status

from techmarket.api.auth import actor_of
from techmarket.api.contracts import ERRORS, expected_version
from techmarket.api.schemas import IncomeDecisionIn, IncomeIn, IncomeOut
from techmarket.domain.money import format_yuan
from techmarket.registry import income
from techmarket.registry.models import IncomeDeclaration

router = Router(tags=["income"])

SHEET_RESPONSE = {
    "responses": {
        200: {
            "description": "技术性收入核定表 (PDF)",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _out(declaration: IncomeDeclaration) -> dict[str, Any]:
    return {
        "id": declaration.pk,
        "contract": declaration.contract_id,
        "year": declaration.year,
        "received_amount": format_yuan(declaration.received_amount),
        "technical_income": format_yuan(declaration.technical_income),
        "note": declaration.note,
        "status": declaration.status,
        "declared_by": declaration.declared_by,
        "declared_at": declaration.declared_at.isoformat(),
        "decided_by": declaration.decided_by or None,
        "decided_at": declaration.decided_at.isoformat() if declaration.decided_at else None,
        "decision_note": declaration.decision_note or None,
        "version": declaration.version,
    }


def _answer(declaration: IncomeDeclaration, response: HttpResponse) -> dict[str, Any]:
    response["ETag"] = f'"{declaration.version}"'
    return _out(declaration)


@router.get(
    "/{contract_id}/income",
    response={200: list[IncomeOut], **ERRORS},
    summary="A contract's income declarations",
)
def income_list(request: HttpRequest, contract_id: int) -> list[dict[str, Any]]:
    """Every year declared, returned ones included, for anyone who may read the contract."""
    return [_out(d) for d in income.income_of(contract_id, actor_of(request))]


@router.post(
    "/{contract_id}/income",
    response={201: IncomeOut, **ERRORS},
    summary="Declare a year's income",
)
def declare(
    request: HttpRequest, contract_id: int, body: IncomeIn, response: HttpResponse
) -> Status[dict[str, Any]]:
    """The contract's seller declares a year's amount received and its technical income. The
    years together may not exceed the 技术交易额 (422 `technical_income_exceeds_tech_amount`);
    a year already declared or verified answers 409 `income_year_already_declared`."""
    declaration = income.declare_income(
        contract_id,
        year=body.year,
        received=body.received,
        technical=body.technical,
        note=body.note,
        actor=actor_of(request),
        now=timezone.now(),
    )
    response["Location"] = f"/api/v1/contracts/{contract_id}/income"
    return Status(201, _answer(declaration, response))


@router.post(
    "/{contract_id}/income/{declaration_id}/verify",
    response={200: IncomeOut, **ERRORS},
    summary="Verify a declaration",
)
def verify(
    request: HttpRequest,
    contract_id: int,
    declaration_id: int,
    response: HttpResponse,
    body: IncomeDecisionIn | None = None,
    if_match: str | None = Header(default=None, alias="If-Match", max_length=100),
) -> dict[str, Any]:
    """核定, by a registrar of the contract's agency; a stale `If-Match` answers 412."""
    declaration = income.verify_income(
        declaration_id,
        actor=actor_of(request),
        now=timezone.now(),
        note=(body or IncomeDecisionIn()).note,
        expected_version=expected_version(if_match),
        contract_id=contract_id,
    )
    return _answer(declaration, response)


@router.post(
    "/{contract_id}/income/{declaration_id}/return",
    response={200: IncomeOut, **ERRORS},
    summary="Return a declaration",
)
def return_(
    request: HttpRequest,
    contract_id: int,
    declaration_id: int,
    body: IncomeDecisionIn,
    response: HttpResponse,
    if_match: str | None = Header(default=None, alias="If-Match", max_length=100),
) -> dict[str, Any]:
    """退回 with a `note` saying why (422 `note_required` without one); the seller may then
    declare the year again."""
    declaration = income.return_income(
        declaration_id,
        actor=actor_of(request),
        now=timezone.now(),
        note=body.note,
        expected_version=expected_version(if_match),
        contract_id=contract_id,
    )
    return _answer(declaration, response)


@router.get(
    "/{contract_id}/income-sheet.pdf",
    response={200: None, **ERRORS},
    summary="Technical income sheet (PDF)",
    openapi_extra=SHEET_RESPONSE,
)
def sheet(request: HttpRequest, contract_id: int) -> HttpResponse:
    """技术性收入核定表 of the verified years; 409 `no_verified_income` before any is verified."""
    pdf = income.income_sheet_pdf(contract_id, actor_of(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="income-sheet-{contract_id}.pdf"'
    return response
