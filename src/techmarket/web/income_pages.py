"""技术性收入核定 on the contract page: the seller declares a year's income, the agency verifies
or returns it, and the verified years print as the 核定表 the tax office asks for."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from techmarket.domain.problems import DomainError, NotFound, PermissionDenied
from techmarket.registry.income import (
    declare_income,
    income_sheet_pdf,
    return_income,
    verify_income,
)
from techmarket.web.access import with_actor
from techmarket.web.templatetags.web_format import pick


def _back(contract_id: int) -> HttpResponse:
    return redirect(f"/contracts/{contract_id}/#income")


@require_POST
@with_actor
def declare(request: HttpRequest, contract_id: int) -> HttpResponse:
    year = request.POST.get("year", "")
    try:
        declare_income(
            contract_id,
            year=int(year) if year.isdecimal() else 0,
            received=request.POST.get("received", "").replace(",", ""),
            technical=request.POST.get("technical", "").replace(",", ""),
            note=request.POST.get("note", ""),
            actor=request.actor,  # type: ignore[attr-defined]
            now=timezone.now(),
        )
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        messages.error(request, pick(error))
    else:
        messages.success(
            request, pick(("已申报，等待登记机构核定", "Declared; the agency will verify it"))
        )
    return _back(contract_id)


@require_POST
@with_actor
def decide(
    request: HttpRequest, contract_id: int, declaration_id: int, decision: str
) -> HttpResponse:
    """核定 (verify) or 退回 (return, with the reason) one declared year."""
    version = request.POST.get("version", "")
    arguments = {
        "actor": request.actor,  # type: ignore[attr-defined]
        "now": timezone.now(),
        "note": request.POST.get("note", ""),
        "expected_version": int(version) if version.isdecimal() else None,
        "contract_id": contract_id,
    }
    try:
        if decision == "verify":
            verify_income(declaration_id, **arguments)  # type: ignore[arg-type]
            done = ("已核定", "Verified")
        else:
            return_income(declaration_id, **arguments)  # type: ignore[arg-type]
            done = ("已退回", "Returned")
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        messages.error(request, pick(error))
    else:
        messages.success(request, pick(done))
    return _back(contract_id)


@require_safe
@with_actor
def sheet(request: HttpRequest, contract_id: int) -> HttpResponse:
    pdf = income_sheet_pdf(contract_id, request.actor)  # type: ignore[attr-defined]
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="income-sheet-{contract_id}.pdf"'
    return response
