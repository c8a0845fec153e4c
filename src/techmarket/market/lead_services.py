"""Every write to a lead: propose it from a match, move it one stage on, link the registered
contract, or drop it. One function per step, called by CLI, web and API alike.

Each step locks the lead, checks who acts and the expected version, asks the lead workflow table
whether the move is legal, applies it, stamps the time the lead reached the stage and appends
the audit event, all in one transaction.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

from django.db import IntegrityError, transaction

from techmarket.domain.lead_workflow import (
    LEAD_ROLES,
    LEAD_STATUS_LABELS,
    LeadAction,
    LeadStatus,
    action_to,
    check_lead_transition,
    next_stage,
)
from techmarket.domain.listing_workflow import ListingStatus
from techmarket.domain.problems import (
    Conflict,
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleObject,
)
from techmarket.domain.workflow import Role
from techmarket.market import audit
from techmarket.market.lead_contracts import registered_contract
from techmarket.market.lead_permissions import ensure_can_follow, lead_not_found
from techmarket.market.lead_selectors import get_lead
from techmarket.market.models import BrokerProfile, Lead, Listing
from techmarket.market.selectors import get_listing
from techmarket.registry import audit as chain
from techmarket.registry.actors import Actor

NOTE_MAX = 2000


def _published(kind: str, listing: Listing) -> None:
    if listing.status != ListingStatus.PUBLISHED:
        label = "科技成果" if kind == "achievement" else "技术需求"
        raise DomainError(
            f"{label} {listing.pk} 尚未发布（或已关闭），不能据此推荐对接",
            f"{kind} {listing.pk} is not published, so no lead can follow it",
            code="lead_listing_not_published",
            kind=kind,
            listing=listing.pk,
        )


def _broker_for(actor: Actor, broker_id: int | None) -> BrokerProfile | None:
    """A broker proposes under their own profile; anyone else may name the broker who follows
    the lead, or none."""
    if actor.role is Role.BROKER:
        own = BrokerProfile.objects.filter(user_id=actor.user_id).first()
        if own is None:
            raise DomainError(
                "技术经纪人尚未建立经纪人档案，不能推荐对接",
                "the broker has no broker profile yet, so cannot propose leads",
                code="broker_profile_missing",
            )
        if broker_id is not None and broker_id != own.pk:
            raise PermissionDenied(
                "技术经纪人只能以本人名义推荐对接",
                "a broker proposes leads only in their own name",
                code="broker_not_self",
            )
        return own
    if broker_id is None:
        return None
    broker = BrokerProfile.objects.filter(pk=broker_id).first()
    if broker is None:
        raise NotFound(
            f"找不到技术经纪人 {broker_id}",
            f"no broker {broker_id}",
            code="broker_not_found",
            broker=broker_id,
        )
    return broker


def _checked_match(score: float | None, rank: int | None) -> None:
    if score is not None and not math.isfinite(score):
        raise DomainError(
            "匹配得分须为有限的数",
            "the match score must be a finite number",
            code="lead_score_invalid",
        )
    if rank is not None and rank < 1:
        raise DomainError(
            "匹配名次从 1 开始", "the match rank starts at 1", code="lead_rank_invalid", rank=rank
        )


def _checked_note(note: str) -> str:
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise DomainError(
            f"说明最长 {NOTE_MAX} 个字符",
            f"a note is at most {NOTE_MAX} characters long",
            code="note_too_long",
        )
    return note


def _already_followed(achievement: Listing, demand: Listing) -> Conflict:
    live = (
        Lead.objects.filter(achievement=achievement, demand=demand)
        .exclude(status=LeadStatus.DROPPED)
        .values_list("pk", flat=True)
        .first()
    )
    return Conflict(
        f"该成果与该需求已有对接线索 {live}；请继续跟进该线索",
        f"this achievement and demand already have lead {live}; follow that lead",
        code="lead_exists",
        lead=live,
    )


def propose(
    achievement_id: int,
    demand_id: int,
    *,
    actor: Actor,
    now: datetime,
    broker_id: int | None = None,
    score: float | None = None,
    rank: int | None = None,
    note: str = "",
) -> Lead:
    """A lead from a match between a published achievement and a published demand, with the
    match's score and rank when it came from the matching engine."""
    if actor.role not in LEAD_ROLES:
        raise PermissionDenied(
            f"角色 {actor.role} 不能推荐对接",
            f"role {actor.role} may not propose leads",
            code="role_may_not_propose",
        )
    _checked_match(score, rank)
    note = _checked_note(note)
    achievement = get_listing(actor, "achievement", achievement_id)
    demand = get_listing(actor, "demand", demand_id)
    _published("achievement", achievement)
    _published("demand", demand)
    broker = _broker_for(actor, broker_id)
    lead = Lead(
        achievement=achievement,
        demand=demand,
        broker=broker,
        proposed_by_id=actor.user_id,
        proposer=actor.username,
        status=LeadStatus.PROPOSED,
        score=score,
        rank=rank,
        tech_field=achievement.tech_field or demand.tech_field,
        region_code=demand.region_code or achievement.region_code,
        note=note,
        proposed_at=now,
        updated_at=now,
    )
    try:
        with transaction.atomic():
            if (
                Lead.objects.filter(achievement=achievement, demand=demand)
                .exclude(status=LeadStatus.DROPPED)
                .exists()
            ):
                raise _already_followed(achievement, demand)
            lead.save()
            chain.append(
                [
                    audit.lead_event(
                        lead,
                        actor.username,
                        LeadAction.PROPOSE,
                        "",
                        now,
                        broker=broker.pk if broker else None,
                        score=score,
                        rank=rank,
                        note=note,
                    )
                ]
            )
    except IntegrityError:  # proposed by someone else a moment ago
        raise _already_followed(achievement, demand) from None
    return lead


def _locked(lead_id: int) -> Lead:
    lead = (
        Lead.objects.select_for_update(of=("self",))
        .select_related("achievement", "demand", "broker")
        .filter(pk=lead_id)
        .first()
    )
    if lead is None:
        raise lead_not_found(lead_id)
    return lead


def _step(
    lead_id: int,
    action: LeadAction,
    *,
    actor: Actor,
    now: datetime,
    note: str = "",
    expected_version: int | None = None,
    change: Callable[[Lead], dict[str, object]] | None = None,
) -> Lead:
    note = _checked_note(note)
    with transaction.atomic():
        lead = _locked(lead_id)
        ensure_can_follow(actor, lead)
        if expected_version is not None and lead.version != expected_version:
            raise StaleObject(
                f"对接线索 {lead_id} 已被修改（现为第 {lead.version} 版，所读为第 "
                f"{expected_version} 版）；请重新读取后再操作",
                f"lead {lead_id} has changed since it was read (now version {lead.version}, "
                f"read as {expected_version}); read it again",
                code="stale_version",
                lead=lead_id,
                version=lead.version,
                expected_version=expected_version,
            )
        from_status = lead.status
        lead.status = check_lead_transition(action, from_status, actor.role)
        payload = change(lead) if change else {}
        setattr(lead, f"{lead.status}_at", now)
        if note:
            lead.note = note
        lead.version += 1
        lead.updated_at = now
        lead.save()
        chain.append(
            [audit.lead_event(lead, actor.username, action, from_status, now, note=note, **payload)]
        )
    return lead


def contact(
    lead_id: int,
    *,
    actor: Actor,
    now: datetime,
    note: str = "",
    expected_version: int | None = None,
) -> Lead:
    """The two sides have been put in touch (a call, a visit, a roadshow)."""
    return _step(
        lead_id,
        LeadAction.CONTACT,
        actor=actor,
        now=now,
        note=note,
        expected_version=expected_version,
    )


def negotiate(
    lead_id: int,
    *,
    actor: Actor,
    now: datetime,
    note: str = "",
    expected_version: int | None = None,
) -> Lead:
    """The sides are negotiating terms (price, mode, acceptance criteria)."""
    return _step(
        lead_id,
        LeadAction.NEGOTIATE,
        actor=actor,
        now=now,
        note=note,
        expected_version=expected_version,
    )


def sign(
    lead_id: int,
    *,
    actor: Actor,
    now: datetime,
    note: str = "",
    expected_version: int | None = None,
) -> Lead:
    """The sides have signed a technology contract (not yet registered)."""
    return _step(
        lead_id,
        LeadAction.SIGN,
        actor=actor,
        now=now,
        note=note,
        expected_version=expected_version,
    )


def register(
    lead_id: int,
    *,
    registration_number: str,
    actor: Actor,
    now: datetime,
    note: str = "",
    expected_version: int | None = None,
) -> Lead:
    """Link the registered contract the lead led to, found by its registration number, once
    its seller is the achievement's holder and its buyer the demand's company. 成交额 and
    技术交易额 are then the contract's."""
    number = registration_number.strip()
    if not number:
        raise DomainError(
            "关联合同须给出登记编号",
            "linking the contract needs its registration number",
            code="registration_number_required",
        )

    def change(lead: Lead) -> dict[str, object]:
        contract = registered_contract(number, lead)
        lead.contract = contract
        return {"registration_number": number, "contract": contract.pk}

    return _step(
        lead_id,
        LeadAction.REGISTER,
        actor=actor,
        now=now,
        note=note,
        expected_version=expected_version,
        change=change,
    )


def drop(
    lead_id: int,
    *,
    reason: str,
    actor: Actor,
    now: datetime,
    expected_version: int | None = None,
) -> Lead:
    """Give a lead up, from any open stage, saying why (the funnel keeps the stages it
    reached)."""
    reason = _checked_note(reason)
    if not reason:
        raise DomainError(
            "放弃线索时须说明原因",
            "dropping a lead needs a reason",
            code="drop_reason_required",
            action=str(LeadAction.DROP),
        )

    def change(lead: Lead) -> dict[str, object]:
        lead.drop_reason = reason
        return {"reason": reason}

    return _step(
        lead_id,
        LeadAction.DROP,
        actor=actor,
        now=now,
        expected_version=expected_version,
        change=change,
    )


_STEPS = {
    LeadStatus.CONTACTED: contact,
    LeadStatus.NEGOTIATING: negotiate,
    LeadStatus.SIGNED: sign,
}


def advance(
    lead_id: int,
    *,
    actor: Actor,
    now: datetime,
    to: str | None = None,
    note: str = "",
    registration_number: str = "",
    expected_version: int | None = None,
) -> Lead:
    """Move a lead to `to` (by default the next stage): a front end's one entry to the steps
    above. Reaching `registered` needs the contract's registration number."""
    if to is None:
        current = get_lead(actor, lead_id).status  # out of reach reads as absent
        following = next_stage(current)
        if following is None:
            label_zh, label_en = LEAD_STATUS_LABELS[LeadStatus(current)]
            raise InvalidTransition(
                f"线索当前为“{label_zh}”，没有下一阶段",
                f"a lead that is {label_en} has no next stage",
                code="transition_not_allowed",
                status=current,
            )
        target = following
    else:
        try:
            target = LeadStatus(to)
            action_to(target)
        except ValueError:
            raise DomainError(
                f"未知的线索阶段 {to}（可用：contacted、negotiating、signed、registered）",
                f"unknown lead stage {to} (use contacted, negotiating, signed or registered)",
                code="unknown_lead_stage",
                stage=to,
            ) from None
        if target is LeadStatus.DROPPED:
            raise DomainError(
                "放弃线索须说明原因，请使用放弃操作",
                "dropping a lead needs a reason: use the drop step",
                code="drop_needs_reason",
            )
    if target is LeadStatus.REGISTERED:
        return register(
            lead_id,
            registration_number=registration_number,
            actor=actor,
            now=now,
            note=note,
            expected_version=expected_version,
        )
    return _STEPS[target](
        lead_id, actor=actor, now=now, note=note, expected_version=expected_version
    )
