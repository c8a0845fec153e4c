"""Any lead step by its name: one dispatcher for the API and the pages.

The steps live in `lead_services`; this says only which input each takes (`register` the
contract's registration number, `drop` its reason), so a front end offers
`POST …/actions/{action}` without a branch per action, as `steps.py` does for listings.
"""

from __future__ import annotations

from datetime import datetime

from techmarket.domain.lead_workflow import LEAD_TRANSITIONS, LeadAction
from techmarket.domain.problems import DomainError
from techmarket.market import lead_services
from techmarket.market.models import Lead
from techmarket.registry.actors import Actor

STEP_NAMES: tuple[str, ...] = tuple(str(t.action) for t in LEAD_TRANSITIONS)
_TARGETS = {t.action: t.target for t in LEAD_TRANSITIONS}


def run_lead_step(
    action: str,
    lead_id: int,
    *,
    actor: Actor,
    now: datetime,
    note: str = "",
    registration_number: str = "",
    reason: str = "",
    expected_version: int | None = None,
) -> Lead:
    """Run the named step; a registration number given to a step other than `register`, or a
    reason to one other than `drop`, is refused rather than ignored."""
    try:
        step = LeadAction(action)
        target = _TARGETS[step]
    except (ValueError, KeyError):
        raise DomainError(
            f"未知的操作：{action}（可用：{', '.join(STEP_NAMES)}）",
            f"unknown action {action} (use one of {', '.join(STEP_NAMES)})",
            code="unknown_action",
            field="action",
        ) from None
    if registration_number and step is not LeadAction.REGISTER:
        raise DomainError(
            f"操作“{action}”不接受登记编号",
            f"{action} takes no registration number",
            code="unexpected_input",
            field="registration_number",
        )
    if reason and step is not LeadAction.DROP:
        raise DomainError(
            f"操作“{action}”不接受放弃原因",
            f"{action} takes no reason",
            code="unexpected_input",
            field="reason",
        )
    if note and step is LeadAction.DROP:
        raise DomainError(
            "放弃线索请说明原因（reason），不另收说明",
            "a drop takes its reason, not a note",
            code="unexpected_input",
            field="note",
        )
    if step is LeadAction.DROP:
        return lead_services.drop(
            lead_id, reason=reason, actor=actor, now=now, expected_version=expected_version
        )
    return lead_services.advance(
        lead_id,
        actor=actor,
        now=now,
        to=str(target),
        note=note,
        registration_number=registration_number,
        expected_version=expected_version,
    )
