"""The seller's contract form: new drafts, draft edits, corrections; the registrar's amendment.

Every check is `parse_record`'s, the one an import runs, so a field gets the same message in
the browser as in an import's problem report. As the seller types, the form is checked on the
server (htmx) and each field's message replaces the one beside it; nothing is saved until
the seller saves.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from techmarket.domain.fields import RECORD_FIELDS
from techmarket.domain.problems import (
    DomainError,
    FileProblem,
    PermissionDenied,
    Problem,
    ValidationFailed,
)
from techmarket.domain.record import parse_record
from techmarket.domain.workflow import Action, Role, Status
from techmarket.interchange.precheck import MAX_DOCUMENT_BYTES, precheck_document
from techmarket.registry import drafts, services, steps
from techmarket.registry.models import Contract
from techmarket.registry.selectors import (
    changed_fields,
    contract_record,
    correction_request,
    find_contract,
    organisation_of,
    record_with_changes,
)
from techmarket.web.access import with_actor
from techmarket.web.record_fields import sections
from techmarket.web.templatetags.web_format import pick

KEYS = [f.key for f in RECORD_FIELDS]


def _sent(request: HttpRequest) -> dict[str, str]:
    return {k: request.POST.get(k, "").strip() for k in KEYS}


def _by_field(problems: list[Problem]) -> dict[str, list[Problem]]:
    found: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        found[p.field if p.field in KEYS else ""].append(p)
    return found


def _own_party_values(actor: Any) -> dict[str, str]:
    """A new contract starts with the seller's own organisation filled in."""
    party = organisation_of(actor)
    if party is None:
        return {}
    return {
        "seller_name": party.name,
        "seller_id": party.identifier or "",
        "seller_nature": party.nature,
        "seller_region": party.region_code,
        "seller_country": party.country,
        "buyer_country": "CHN",
        "plan_source": "none",
    }


def _form(
    request: HttpRequest,
    values: dict[str, str],
    *,
    contract: Contract | None = None,
    problems: list[Problem] | None = None,
    error: DomainError | None = None,
    status: int = 200,
    precheck: Any = None,
    document_error: DomainError | None = None,
) -> HttpResponse:
    correction = correction_request(contract) if contract else None
    at_fault = frozenset(correction["fields"]) if correction else frozenset()
    mode = _mode(contract)
    return render(
        request,
        "web/contract_form.html",
        {
            "contract": contract,
            "mode": mode,
            "sections": sections(values, _by_field(problems or []), at_fault, with_options=True),
            "summary": [p for p in (problems or []) if p.severity == "error"],
            "error": error,
            "correction": correction,
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
            "note": request.POST.get("note", ""),
            "readonly": {"seller_name", "seller_id"} if mode == "new" else set(),
            "precheck": precheck,
            "document_error": document_error,
            "extracted": _extracted(precheck, values),
        },
        status=status,
    )


def _mode(contract: Contract | None) -> str:
    if contract is None:
        return "new"
    return {
        Status.DRAFT: "edit",
        Status.CORRECTION_REQUESTED: "resubmit",
        Status.REGISTERED: "amend",
    }.get(Status(contract.status), "none")


@require_http_methods(["GET", "POST"])
@with_actor
def new_contract(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if actor.role is not Role.SELLER:
        raise PermissionDenied(
            "只有卖方可以起草合同", "only a seller drafts contracts", code="only_seller_drafts"
        )
    if request.method == "GET":
        return _form(request, _own_party_values(actor))
    values = _sent(request)
    record, problems = parse_record(values, 1)
    if record is None:
        return _form(request, values, problems=problems, status=422)
    try:
        contract, _ = drafts.create_draft_once(
            record,
            agency=drafts.agency_for(record, None),
            actor=actor,
            now=timezone.now(),
            idempotency_key=f"web:{request.POST.get('idempotency_key', '')}",
        )
    except ValidationFailed as error:
        return _form(request, values, problems=error.problems, status=422)
    except DomainError as error:
        if isinstance(error, PermissionDenied):
            raise
        return _form(request, values, error=error, status=422)
    messages.success(
        request,
        pick(("草稿已保存。检查无误后请提交。", "Draft saved. Check it, then submit it.")),
    )
    return redirect("web:contract", contract_id=contract.pk)


def _extracted(precheck: Any, values: dict[str, str]) -> dict[str, str]:
    """Field key → the contract text it was read from, for the fields the form shows filled
    from the document (the seller confirms each)."""
    if precheck is None:
        return {}
    return {
        key: found.evidence
        for key, found in precheck.fields.items()
        if key in KEYS and values.get(key) == found.value
    }


@require_http_methods(["POST"])
@with_actor
def prefill_from_document(request: HttpRequest) -> HttpResponse:
    """上传合同文本: read the uploaded contract, fill the new-contract form with what was found
    (each field marked for the seller to confirm) and list the pre-check's findings."""
    actor = request.actor  # type: ignore[attr-defined]
    if actor.role is not Role.SELLER:
        raise PermissionDenied(
            "只有卖方可以起草合同", "only a seller drafts contracts", code="only_seller_drafts"
        )
    values = _own_party_values(actor)
    upload = request.FILES.get("document")
    if upload is None:
        error = FileProblem(
            "请选择要上传的合同文本",
            "choose the contract document to upload",
            code="document_missing",
        )
        return _form(request, values, document_error=error, status=422)
    try:
        result = precheck_document(
            upload.read(MAX_DOCUMENT_BYTES + 1),
            upload.name or "",
            today=timezone.localdate(),
            seller=values.get("seller_name") or None,
        )
    except FileProblem as error:
        return _form(request, values, document_error=error, status=422)
    for key, value in result.record_fields.items():
        if key in KEYS and key not in ("seller_name", "seller_id"):
            values[key] = value
    return _form(request, values, precheck=result)


@require_http_methods(["GET", "POST"])
@with_actor
def edit_contract(request: HttpRequest, contract_id: int) -> HttpResponse:
    """Change a draft, answer a correction request (补正), or amend a registration (变更)."""
    actor = request.actor  # type: ignore[attr-defined]
    contract = find_contract(contract_id, actor)
    mode = _mode(contract)
    if mode == "none":
        messages.error(
            request, pick(("当前状态下合同不能修改", "the contract cannot be changed now"))
        )
        return redirect("web:contract", contract_id=contract.pk)
    if request.method == "GET":
        return _form(request, contract_record(contract, actor), contract=contract)
    sent = _sent(request)
    changes = changed_fields(contract, actor, sent)
    version = request.POST.get("version", "")
    expected = int(version) if version.isdecimal() else None
    now = timezone.now()
    try:
        if mode == "edit":
            services.edit_draft(
                contract.pk, changes, actor=actor, now=now, expected_version=expected
            )
        else:
            record, problems = parse_record(record_with_changes(contract, changes), 1)
            if record is None:
                raise ValidationFailed(problems)
            action = Action.RESUBMIT if mode == "resubmit" else Action.AMEND
            steps.run_step(
                str(action),
                contract.pk,
                actor=actor,
                now=now,
                expected_version=expected,
                record=record,
                note=request.POST.get("note", "") if action is Action.AMEND else None,
            )
    except ValidationFailed as error:
        return _form(request, sent, contract=contract, problems=error.problems, status=422)
    except DomainError as error:
        if isinstance(error, PermissionDenied):
            raise
        return _form(request, sent, contract=contract, error=error, status=422)
    done = {
        "edit": ("草稿已保存", "Draft saved"),
        "resubmit": ("补正材料已提交，办理期限重新起算", "Correction sent; the deadline restarts"),
        "amend": ("变更登记已完成", "Amendment registered"),
    }[mode]
    messages.success(request, pick(done))
    return redirect("web:contract", contract_id=contract.pk)


@require_POST
@with_actor
def check_contract(request: HttpRequest) -> HttpResponse:
    """Live validation: every field's message, swapped in beside the field (htmx out-of-band)."""
    actor = request.actor  # type: ignore[attr-defined]
    sent = _sent(request)
    values = sent
    contract_id = request.POST.get("contract", "")
    if contract_id.isdecimal():
        contract = find_contract(int(contract_id), actor)
        values = record_with_changes(contract, changed_fields(contract, actor, sent))
    _, problems = parse_record(values, 1)
    return render(
        request,
        "web/parts/field_messages.html",
        {
            "sections": sections(sent, _by_field(problems)),
            "summary": [p for p in problems if p.severity == "error"],
        },
    )
