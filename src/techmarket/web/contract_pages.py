"""One contract's page, its workflow buttons, and batch steps over a selected list.

Every button is a real workflow step through `steps.run_step`, the dispatcher the API uses;
the page only shows the steps `workflow.available_actions` offers and the actor may take.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from techmarket.domain.income import INCOME_STATUS_LABELS
from techmarket.domain.problems import (
    Conflict,
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleObject,
)
from techmarket.domain.workflow import REGISTRAR_ROLES, Action, Role, available_actions
from techmarket.entities.selectors import seller_recognitions
from techmarket.registry import permissions, risk, steps
from techmarket.registry.actors import Actor
from techmarket.registry.attachments import attachments_of
from techmarket.registry.batch_lists import batch_list_pdf as render_batch_list
from techmarket.registry.batch_lists import create_batch_list
from techmarket.registry.certificates import has_current_certificate, tax_items
from techmarket.registry.checklist import pre_submission_checks
from techmarket.registry.document_precheck import checked_attachment, document_precheck
from techmarket.registry.income import declarations_of
from techmarket.registry.models import Contract
from techmarket.registry.selectors import (
    content_changes,
    contract_events,
    contract_record,
    correction_request,
    find_contract,
    flag_texts,
    open_objection,
)
from techmarket.registry.services import recent_working_calendar
from techmarket.web.access import with_actor
from techmarket.web.record_fields import sections
from techmarket.web.rows import days_left
from techmarket.web.templatetags.web_format import action_label, pick

# Steps that need the whole record: they open the form page instead of a dialog.
FORM_STEPS = frozenset({Action.RESUBMIT, Action.AMEND})
# Irreversible steps: their dialog asks for the reason, and the button is marked as such.
GRAVE_STEPS = frozenset({Action.REFUSE, Action.CANCEL, Action.WITHDRAW})
# The page's one primary button: the step that moves the application forward.
PRIMARY_ORDER = ("submit", "accept", "register", "resubmit", "start_review")
# Batch steps offered on the queue (each one is still a step of its own, audited alone).
BATCH_STEPS = frozenset({Action.ACCEPT, Action.REGISTER})


class Permits:
    """Whether the actor may act on the contract (one check, whatever the step) and may object
    to it: asked once per page, not once per button."""

    def __init__(self, actor: Actor, contract: Contract) -> None:
        self.act = _allowed(permissions.ensure_can_act, actor, contract)
        self._object: bool | None = None
        self._actor, self._contract = actor, contract

    def may(self, action: Action) -> bool:
        if action is not Action.OBJECT:
            return self.act
        if self._object is None:
            self._object = _allowed(permissions.ensure_can_object, self._actor, self._contract)
        return self._object


def _allowed(check: Callable[[Actor, Contract], None], actor: Actor, contract: Contract) -> bool:
    try:
        check(actor, contract)
    except PermissionDenied:
        return False
    return True


def _offered(actor: Actor, contract: Contract, permits: Permits) -> list[dict[str, Any]]:
    """The steps to show as buttons, with what each asks for (steps.STEPS)."""
    offered = []
    for transition in available_actions(contract.status, actor.role):
        if transition.action not in steps.STEPS or not permits.may(transition.action):
            continue
        _, note, reason, _record = steps.STEPS[transition.action]
        offered.append(
            {
                "action": str(transition.action),
                "label": (transition.label_zh, transition.label_en),
                "note": note,
                "reason": reason,
                "form": transition.action in FORM_STEPS,
                "grave": transition.action in GRAVE_STEPS,
                "fields": transition.action is Action.REQUEST_CORRECTION,
                "refusal": transition.action is Action.REFUSE,
            }
        )
    buttons = {o["action"]: o for o in offered if not (o["note"] or o["reason"] or o["form"])}
    primary = next((buttons[a] for a in PRIMARY_ORDER if a in buttons), None)
    for o in offered:
        o["primary"] = o is primary
    return offered


def contract_context(actor: Actor, contract: Contract) -> dict[str, Any]:
    """Everything the contract page shows, read through the selectors."""
    permits = Permits(actor, contract)
    record = contract_record(contract, actor)
    correction = correction_request(contract)
    at_fault = frozenset(correction["fields"]) if correction else frozenset()
    today = timezone.localdate()
    attachments = attachments_of(contract)
    return {
        "contract": contract,
        "record": record,
        "sections": sections(record, at_fault=at_fault),
        "events": contract_events(contract),
        "attachments": attachments,
        "actions": _offered(actor, contract, permits),
        "correction": correction,
        "changes": content_changes(contract, actor),
        # Only a registration can be objected to or carry a certificate: no query otherwise.
        "objection": open_objection(contract) if contract.registration_number else None,
        "flags": flag_texts(contract),
        "signals": risk.signals_of(contract, actor) if risk.may_see_signals(actor) else None,
        "tax_items": tax_items(contract) if contract.registration_number else (),
        "days_left": days_left(recent_working_calendar(), today, contract.deadline)
        if contract.deadline
        else None,
        "may_attach": permits.act and contract.status in ("draft", "correction_requested"),
        "is_seller": actor.role is Role.SELLER,
        "certificate": bool(contract.registration_number) and has_current_certificate(contract),
        **_income(actor, contract, permits),
        # read after the page (htmx): a pre-check takes up to half a second
        "precheck_attachment": checked_attachment(attachments)
        if actor.role is not Role.SELLER
        else None,
        # the seller's certificates in force today: some tax relief depends on them
        "seller_recognitions": seller_recognitions(actor, contract, on=today)
        if actor.role is not Role.SELLER
        else None,
        "checklist": pre_submission_checks(contract, today)
        if contract.status == "draft" and actor.role is Role.SELLER
        else (),
    }


def _income(actor: Actor, contract: Contract, permits: Permits) -> dict[str, Any]:
    """The income declarations of a registered (or since cancelled) contract."""
    if not contract.registration_number:
        return {}
    declarations = declarations_of(contract)
    return {
        "income": declarations,
        "income_open": contract.status == "registered",
        "may_declare": actor.role is Role.SELLER and contract.status == "registered",
        "may_decide_income": actor.role in REGISTRAR_ROLES and permits.act,
        "income_sheet": any(d.status == "verified" for d in declarations),
        "income_labels": INCOME_STATUS_LABELS,
    }


@require_safe
@with_actor
def contract_page(request: HttpRequest, contract_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    contract = find_contract(contract_id, actor)
    return render(request, "web/contract.html", contract_context(actor, contract))


@require_safe
@with_actor
def contract_precheck(request: HttpRequest, contract_id: int) -> HttpResponse:
    """The pre-check of the contract's document, for the registrar's contract page (loaded
    after the page). Sellers see their findings when they upload, not here."""
    actor = request.actor  # type: ignore[attr-defined]
    contract = find_contract(contract_id, actor)
    if actor.role is Role.SELLER:
        raise PermissionDenied(
            "合同文本预检供登记机构查看",
            "the document pre-check is for the agency",
            code="precheck_for_agency",
        )
    found = document_precheck(contract, timezone.localdate())
    return render(request, "web/parts/document_precheck.html", {"document_precheck": found})


@require_POST
@with_actor
def act(request: HttpRequest, contract_id: int, action: str) -> HttpResponse:
    """One workflow step from its dialog; a refusal re-shows the page with the input kept."""
    actor = request.actor  # type: ignore[attr-defined]
    version = request.POST.get("version", "")
    try:
        steps.run_step(
            action,
            contract_id,
            actor=actor,
            now=timezone.now(),
            expected_version=int(version) if version.isdecimal() else None,
            note=request.POST.get("note") if _takes(action, 1) else None,
            reason=request.POST.get("reason") if _takes(action, 2) else None,
            fields=request.POST.getlist("fields") or None
            if action == Action.REQUEST_CORRECTION
            else None,
        )
    except DomainError as error:
        if isinstance(error, PermissionDenied | NotFound):  # the access pages answer these
            raise
        contract = find_contract(contract_id, actor)
        context = contract_context(actor, contract)
        context.update(action_error=error, failed_action=action, posted=request.POST)
        return render(request, "web/contract.html", context, status=_status_of(error))
    messages.success(request, f"{action_label(action)} ✓")
    return redirect("web:contract", contract_id=contract_id)


def _batch_list(request: HttpRequest, actor: Actor, ids: list[int], back: str) -> HttpResponse:
    """登记清单: the seller's selected registered contracts on one printed list."""
    try:
        batch_list = create_batch_list(ids, actor, timezone.now())
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        messages.error(request, pick(error))
        return redirect(back)
    return redirect("web:batch_list_pdf", batch_list_id=batch_list.pk)


@require_safe
@with_actor
def batch_list_pdf(request: HttpRequest, batch_list_id: int) -> HttpResponse:
    pdf = render_batch_list(batch_list_id, request.actor)  # type: ignore[attr-defined]
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="batch-list-{batch_list_id}.pdf"'
    return response


def _takes(action: str, index: int) -> bool:
    try:
        return steps.STEPS[Action(action)][index]
    except (ValueError, KeyError):
        return False


def _status_of(error: DomainError) -> int:
    """A page re-shown after a refusal: 409 when the contract moved on, else 422."""
    return 409 if isinstance(error, InvalidTransition | StaleObject | Conflict) else 422


@require_POST
@with_actor
def batch(request: HttpRequest) -> HttpResponse:
    """Accept or register each selected contract: one audited step each, reported one by one.
    A contract that cannot take the step is named with the reason; the others go ahead."""
    actor = request.actor  # type: ignore[attr-defined]
    action = request.POST.get("action", "")
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdecimal()]
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/contracts/"
    if action == "batch_list" and ids:
        return _batch_list(request, actor, ids, back)
    if action not in {str(a) for a in BATCH_STEPS} or not ids:
        messages.error(
            request,
            pick(("请先勾选合同，再选择批量操作", "select contracts first, then a batch step")),
        )
        return redirect(back)
    done, failed = 0, []
    for contract_id in ids[:200]:
        try:
            steps.run_step(action, contract_id, actor=actor, now=timezone.now())
            done += 1
        except DomainError as error:
            failed.append(f"#{contract_id}: {pick(error)}")
    if done:
        messages.success(request, pick((f"已处理 {done} 份合同", f"{done} contracts done")))
    for line in failed:
        messages.error(request, line)
    return redirect(back)
