"""异议 and 复核: the rules the objection steps in `services` apply inside their transaction.

Who may re-check: a registrar of the contract's own agency (the agency that keeps its register and
would amend or cancel it) who took no part in the registration (started its review, sent it to
second review or registered it). The steps themselves live in `services`, like every other step.
"""

from __future__ import annotations

from datetime import datetime

from techmarket.domain.objections import CORRECTING_ACTIONS, REGISTRATION_ACTIONS, ObjectionStatus
from techmarket.domain.problems import Conflict, InvalidTransition, PermissionDenied
from techmarket.domain.workflow import Action, Role
from techmarket.registry import audit
from techmarket.registry.actors import Actor
from techmarket.registry.models import Contract, Objection
from techmarket.registry.selectors import open_objection


def registration_participants(contract: Contract) -> set[str]:
    """Everyone who reviewed or registered the contract, in any round."""
    found = audit.actors_of(contract.pk, REGISTRATION_ACTIONS)
    return found | ({contract.reviewed_by} if contract.reviewed_by else set())


def ensure_can_recheck(contract: Contract, actor: Actor) -> None:
    if actor.username in registration_participants(contract):
        raise PermissionDenied(
            "复核须由未参与该合同登记（审核、二次审核、登记）的登记员完成",
            "a re-check must be done by a registrar who took no part in the registration "
            "(review, second review, registration)",
            code="rechecker_took_part",
            contract=contract.pk,
        )


def raise_objection(contract: Contract, actor: Actor, now: datetime, reason: str) -> Objection:
    """Open an objection; the caller holds the contract's row lock, so two cannot both open."""
    current = open_objection(contract)
    if current is not None:
        raise Conflict(
            f"合同 {contract.pk} 已有异议正在复核（异议 {current.pk}），复核结束前不能再提出",
            f"contract {contract.pk} already has an objection under re-check "
            f"(objection {current.pk}); wait for its outcome",
            code="objection_already_open",
            contract=contract.pk,
            objection=current.pk,
        )
    return Objection.objects.create(
        contract=contract,
        raised_by=actor.username,
        raised_by_role=str(actor.role),
        raised_by_agency=actor.agency if actor.role is not Role.SELLER else None,
        raised_at=now,
        reason=reason,
    )


def _the_open_one(contract: Contract, action: Action) -> Objection:
    current = open_objection(contract)
    if current is None:
        raise InvalidTransition(
            f"合同 {contract.pk} 没有正在复核的异议",
            f"contract {contract.pk} has no objection under re-check",
            code="no_open_objection",
            action=str(action),
            contract=contract.pk,
        )
    return current


def _decide(
    objection: Objection, actor: Actor, now: datetime, outcome: ObjectionStatus, note: str
) -> dict[str, object]:
    objection.status = outcome
    objection.decided_by, objection.decided_at, objection.decision_note = actor.username, now, note
    objection.save()
    return {"objection": objection.pk, "objection_outcome": str(outcome)}


def uphold(contract: Contract, actor: Actor, now: datetime, note: str) -> dict[str, object]:
    """The re-check finds the registration right: it stands unchanged."""
    objection = _the_open_one(contract, Action.UPHOLD_OBJECTION)
    ensure_can_recheck(contract, actor)
    return _decide(objection, actor, now, ObjectionStatus.UPHELD, note)


def close_if_correcting(
    contract: Contract, actor: Actor, now: datetime, action: Action, note: str
) -> dict[str, object]:
    """An amendment or cancellation made while an objection is open is the re-check's
    correction: only an uninvolved registrar may make it, and it closes the objection."""
    objection = open_objection(contract)
    if objection is None or action not in CORRECTING_ACTIONS:
        return {}
    ensure_can_recheck(contract, actor)
    objection.correction = str(action)
    return _decide(objection, actor, now, ObjectionStatus.CORRECTED, note)
