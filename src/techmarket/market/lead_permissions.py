"""Who may see and follow a lead, decided once here from the actor.

A lead is seen by whoever proposed it, by its broker, by the users of the two listings' owner
organisations (the parties to the deal), by agency staff whose jurisdiction holds the lead's
region, and by the operator. It is followed (advanced, dropped) only by its proposer, its broker
and the operator: agency staff watch the leads of their region but do not work them.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from techmarket.codes.regions import ROOT, is_within
from techmarket.domain.problems import NotFound, PermissionDenied
from techmarket.domain.workflow import REGISTRAR_ROLES, Role
from techmarket.market.models import Lead
from techmarket.registry.actors import Actor

# Agency staff (analysts too, as for contracts) read the leads of their agency's region.
JURISDICTION_ROLES = frozenset({*REGISTRAR_ROLES, Role.ANALYST})


def region_q(region: str, field: str = "region_code") -> Q:
    """Rows whose region lies in `region` (by prefix, as `codes.regions.is_within` judges);
    the whole country is `Q()`, which filters nothing (and adds nothing to an OR)."""
    if region == ROOT:
        return Q()
    if region.endswith("0000"):
        return Q(**{f"{field}__startswith": region[:2]})
    if region.endswith("00"):
        return Q(**{f"{field}__startswith": region[:4]})
    return Q(**{field: region})


def _own(actor: Actor) -> Q:
    if actor.user_id is None:
        return Q(pk__in=[])
    return Q(proposed_by_id=actor.user_id) | Q(broker__user_id=actor.user_id)


def visible(actor: Actor, leads: QuerySet[Lead]) -> QuerySet[Lead]:
    """The leads of `leads` the actor may read."""
    if actor.role is Role.OPERATOR:
        return leads
    seen = _own(actor)
    if actor.role is Role.SELLER and actor.party_id is not None:
        seen |= Q(achievement__owner_id=actor.party_id) | Q(demand__owner_id=actor.party_id)
    if actor.role in JURISDICTION_ROLES and actor.agency is not None:
        if actor.agency.region_code == ROOT:  # a national agency: an empty Q would add nothing
            return leads
        seen |= region_q(actor.agency.region_code)
    return leads.filter(seen)


def lead_not_found(key: object) -> NotFound:
    """The one answer for a lead that is absent or out of reach (no hint that it exists)."""
    return NotFound(f"找不到对接线索 {key}", f"no lead {key}", code="lead_not_found", lead=key)


def follows(actor: Actor, lead: Lead) -> bool:
    """The lead's proposer or its broker."""
    if actor.user_id is None:
        return False
    broker_user = lead.broker.user_id if lead.broker_id is not None else None  # type: ignore[union-attr]
    return actor.user_id in (lead.proposed_by_id, broker_user)


def can_view(actor: Actor, lead: Lead) -> bool:
    if actor.role is Role.OPERATOR or follows(actor, lead):
        return True
    if actor.role is Role.SELLER and actor.party_id is not None:
        owners = (lead.achievement.owner_id, lead.demand.owner_id)
        if actor.party_id in owners:
            return True
    return (
        actor.role in JURISDICTION_ROLES
        and actor.agency is not None
        and bool(lead.region_code)
        and is_within(lead.region_code, actor.agency.region_code)
    )


def ensure_can_follow(actor: Actor, lead: Lead) -> None:
    """Only the proposer, the broker and the operator move a lead on; others who may read it
    are told so, and those who may not read it learn nothing."""
    if not can_view(actor, lead):
        raise lead_not_found(lead.pk)
    if actor.role is Role.OPERATOR or follows(actor, lead):
        return
    raise PermissionDenied(
        "只有推荐人和负责的技术经纪人可以推进或放弃线索",
        "only the lead's proposer and its broker may move it on or drop it",
        code="not_own_lead",
        lead=lead.pk,
    )
