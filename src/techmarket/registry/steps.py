"""Any workflow step by its name, with what it needs: one dispatcher for the API and the pages.

The steps themselves live in `services`; this only says which input each one takes, so that a
front end can offer `POST …/actions/{action}` without a branch per action of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from techmarket.domain.problems import DomainError
from techmarket.domain.record import ContractRecord
from techmarket.domain.workflow import Action
from techmarket.registry import services
from techmarket.registry.actors import Actor
from techmarket.registry.models import Contract

Step = Callable[..., Contract]

# action -> (service, takes a note, takes a reason, takes a record)
STEPS: dict[Action, tuple[Step, bool, bool, bool]] = {
    Action.SUBMIT: (services.submit, False, False, False),
    Action.WITHDRAW: (services.withdraw, False, False, False),
    Action.ACCEPT: (services.accept, False, False, False),
    Action.REQUEST_CORRECTION: (services.request_correction, True, False, False),
    Action.RESUBMIT: (services.resubmit, False, False, True),
    Action.START_REVIEW: (services.start_review, False, False, False),
    Action.SEND_TO_SECOND_REVIEW: (services.send_to_second_review, False, False, False),
    Action.REGISTER: (services.register, False, False, False),
    Action.REFUSE: (services.refuse, True, True, False),
    Action.AMEND: (services.amend, True, False, True),
    Action.CANCEL: (services.cancel, True, False, False),
    Action.OBJECT: (services.object_to, False, True, False),
    Action.UPHOLD_OBJECTION: (services.uphold_objection, True, False, False),
}


def step_names() -> list[str]:
    return [str(action) for action in STEPS]


def run_step(
    action: str,
    contract_id: int,
    *,
    actor: Actor,
    now: datetime,
    expected_version: int | None = None,
    note: str | None = None,
    reason: str | None = None,
    record: ContractRecord | None = None,
    fields: Sequence[str] | None = None,
) -> Contract:
    """Run the named step; input a step does not take is refused rather than ignored.
    `fields` (the record fields at fault) goes with a correction request only."""
    try:
        service, takes_note, takes_reason, takes_record = STEPS[Action(action)]
    except (ValueError, KeyError):
        raise DomainError(
            f"未知的操作：{action}（可用：{', '.join(step_names())}）",
            f"unknown action {action} (use one of {', '.join(step_names())})",
            code="unknown_action",
            field="action",
        ) from None
    given = {"note": note, "reason": reason, "record": record, "fields": fields}
    takes = {
        "note": takes_note,
        "reason": takes_reason,
        "record": takes_record,
        "fields": service is services.request_correction,
    }
    extra = [name for name, value in given.items() if value is not None and not takes[name]]
    if extra:
        raise DomainError(
            f"操作“{action}”不接受：{', '.join(extra)}",
            f"{action} takes no {', '.join(extra)}",
            code="unexpected_input",
            field=extra[0],
        )
    if takes_record and record is None:
        raise DomainError(
            f"操作“{action}”须提供修改后的合同内容",
            f"{action} needs the corrected contract record",
            code="record_required",
            field="record",
        )
    kwargs: dict[str, object] = {"actor": actor, "now": now, "expected_version": expected_version}
    if takes_note:
        kwargs["note"] = note or ""
    if takes_reason:
        kwargs["reason"] = reason or ""
    if fields:
        kwargs["fields"] = tuple(fields)
    args: tuple[object, ...] = (contract_id, record) if takes_record else (contract_id,)
    return service(*args, **kwargs)
