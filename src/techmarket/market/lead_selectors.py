"""Reading leads and brokers: permission-filtered lists, one lead with its history, a broker
with the track record their leads make, and the facts the funnel report counts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from techmarket.codes.regions import is_within
from techmarket.domain.lead_workflow import (
    STAGES,
    LeadStatus,
    LeadTransition,
    available_lead_actions,
)
from techmarket.domain.problems import DomainError, NotFound
from techmarket.domain.workflow import Role
from techmarket.market.lead_permissions import (
    can_view,
    follows,
    lead_not_found,
    region_q,
    visible,
)
from techmarket.market.models import BrokerProfile, Lead
from techmarket.registry.actors import Actor
from techmarket.registry.models import AuditEvent

MAX_PER_PAGE = 200
STAGE_FIELDS = tuple(f"{stage}_at" for stage in STAGES)


@dataclass(frozen=True)
class LeadPage:
    items: list[Lead]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def visible_leads(actor: Actor) -> QuerySet[Lead]:
    """Every lead the actor may read."""
    leads = Lead.objects.select_related("achievement", "demand", "broker", "contract")
    return visible(actor, leads)


def list_leads(
    actor: Actor,
    *,
    status: str | None = None,
    broker_id: int | None = None,
    region: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> LeadPage:
    """One page of the leads the actor may read, latest change first; `region` includes its
    subdivisions."""
    if status is not None and status not in {s.value for s in LeadStatus}:
        raise DomainError(
            f"未知的线索状态 {status}",
            f"unknown lead status {status}",
            code="unknown_status",
            field="status",
        )
    leads = visible_leads(actor)
    if status:
        leads = leads.filter(status=status)
    if broker_id is not None:
        leads = leads.filter(broker_id=broker_id)
    if region:
        leads = leads.filter(region_q(region))
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    total = leads.count()
    start = (page - 1) * per_page
    items = list(leads.order_by("-updated_at", "-pk")[start : start + per_page])
    return LeadPage(items, total, page, per_page)


def get_lead(actor: Actor, lead_id: int) -> Lead:
    """One lead, or the same not-found answer whether it is absent or out of reach."""
    lead = (
        Lead.objects.select_related("achievement", "demand", "broker", "contract")
        .filter(pk=lead_id)
        .first()
    )
    if lead is None or not can_view(actor, lead):
        raise lead_not_found(lead_id)
    return lead


def lead_actions(actor: Actor, lead: Lead) -> list[LeadTransition]:
    """The steps the actor may take on the lead now: the workflow table's moves for its stage
    and the actor's role, and none for a reader who does not follow it (agency staff, the
    parties). What a page shows as buttons and the API lists as `actions`."""
    if actor.role is not Role.OPERATOR and not follows(actor, lead):
        return []
    return available_lead_actions(lead.status, actor.role)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def lead_summary(lead: Lead) -> dict[str, object]:
    """A lead as the command line's --json and the API show it."""
    contract = lead.contract
    return {
        "id": lead.pk,
        "status": lead.status,
        "version": lead.version,
        "achievement": {
            "id": lead.achievement_id,
            "external_id": lead.achievement.external_id,
            "title": lead.achievement.title,
        },
        "demand": {
            "id": lead.demand_id,
            "external_id": lead.demand.external_id,
            "title": lead.demand.title,
        },
        "broker": {"id": lead.broker_id, "name": lead.broker.name} if lead.broker else None,
        "proposer": lead.proposer,
        "score": lead.score,
        "rank": lead.rank,
        "tech_field": lead.tech_field,
        "region": lead.region_code,
        "note": lead.note,
        "drop_reason": lead.drop_reason,
        "contract": (
            {
                "id": contract.pk,
                "registration_number": contract.registration_number,
                "total_amount": contract.total_amount,
                "tech_amount": contract.tech_amount,
            }
            if contract is not None
            else None
        ),
        "stages": {
            str(stage): _iso(getattr(lead, f"{stage}_at"))
            for stage in (*STAGES, LeadStatus.DROPPED)
        },
    }


def lead_events(lead: Lead) -> list[dict[str, object]]:
    """The lead's steps from the audit trail, oldest first."""
    events = AuditEvent.objects.filter(action__startswith="lead_", payload__lead=str(lead.pk))
    return [
        {
            "seq": e.seq,
            "at": e.at.isoformat(),
            "action": e.action,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "actor": e.actor,
            "note": e.payload.get("note") or e.payload.get("reason") or "",
        }
        for e in events.order_by("seq")
    ]


def lead_detail(actor: Actor, lead_id: int) -> dict[str, object]:
    """One lead as the actor may see it, with its history."""
    lead = get_lead(actor, lead_id)
    return {**lead_summary(lead), "events": lead_events(lead)}


# -- brokers ------------------------------------------------------------------------------


def get_broker(key: str | int) -> BrokerProfile:
    """A broker by profile id or by the username of their sign-in. The register of brokers is
    public to every signed-in user, as a directory is."""
    text = str(key).strip()
    by_id = Q(pk=int(text)) if text.isdecimal() and len(text) < 12 else Q(pk__in=[])
    broker = (
        BrokerProfile.objects.select_related("user")
        .filter(by_id | Q(user__username=text))
        .order_by("pk")
        .first()
    )
    if broker is None:
        raise NotFound(f"找不到技术经纪人 {text}", f"no broker {text}", code="broker_not_found")
    return broker


def list_brokers(*, field: str | None = None, region: str | None = None) -> list[BrokerProfile]:
    """Brokers covering a technology field and serving a region (its own code or one above it,
    so a province-wide broker serves each of its districts)."""
    brokers = BrokerProfile.objects.select_related("user").order_by("name", "pk")
    result = []
    for broker in brokers:
        if field and field not in broker.field_codes:
            continue
        if region and not any(_serves(served, region) for served in broker.region_codes):
            continue
        result.append(broker)
    return result


def _serves(served: str, region: str) -> bool:
    return is_within(region, served) or is_within(served, region)


def track_record(broker: BrokerProfile) -> dict[str, object]:
    """What a broker's leads add up to: leads by stage reached, registered contracts and their
    成交额 and 技术交易额. Computed from the leads each time, never typed in."""
    leads = Lead.objects.filter(broker=broker)
    reached = leads.aggregate(
        **{str(stage): Count("pk", filter=Q(**{f"{stage}_at__isnull": False})) for stage in STAGES},
        dropped=Count("pk", filter=Q(status=LeadStatus.DROPPED)),
        open=Count("pk", filter=~Q(status__in=[LeadStatus.DROPPED, LeadStatus.REGISTERED])),
    )
    amounts = leads.filter(contract__isnull=False).aggregate(
        total_amount=Sum("contract__total_amount"), tech_amount=Sum("contract__tech_amount")
    )
    return {
        "leads": reached[str(LeadStatus.PROPOSED)],
        "open": reached["open"],
        "dropped": reached["dropped"],
        "reached": {str(stage): reached[str(stage)] for stage in STAGES},
        "registered_contracts": reached[str(LeadStatus.REGISTERED)],
        "total_amount": amounts["total_amount"] or Decimal("0.00"),
        "tech_amount": amounts["tech_amount"] or Decimal("0.00"),
    }


def broker_summary(broker: BrokerProfile, *, with_record: bool = True) -> dict[str, object]:
    """A broker as the command line's --json and the API show them."""
    data: dict[str, object] = {
        "id": broker.pk,
        "username": broker.user.username if broker.user else None,
        "name": broker.name,
        "fields": broker.field_codes,
        "regions": broker.region_codes,
        "certificate_number": broker.certificate_number,
        "organisation": broker.organisation,
        "version": broker.version,
        "trainings": [
            {"on": t.on.isoformat(), "course": t.course, "hours": str(t.hours), "issuer": t.issuer}
            for t in broker.trainings.all()
        ],
    }
    if with_record:
        data["track_record"] = track_record(broker)
    return data


# -- the funnel's facts -------------------------------------------------------------------


def funnel_facts(
    actor: Actor, start: datetime, end: datetime, *, region: str | None = None
) -> Iterator[dict[str, object]]:
    """Each lead the actor may read that reached any stage in [start, end): its field, region,
    broker, the time it reached each stage and, once registered, its contract's amounts."""
    in_period = Q()
    for name in STAGE_FIELDS:
        in_period |= Q(**{f"{name}__gte": start, f"{name}__lt": end})
    leads = visible(actor, Lead.objects.all()).filter(in_period)
    if region:
        leads = leads.filter(region_q(region))
    columns = (
        "pk",
        "tech_field",
        "region_code",
        "broker_id",
        "broker__name",
        *STAGE_FIELDS,
        "contract__total_amount",
        "contract__tech_amount",
    )
    yield from leads.order_by("pk").values(*columns).iterator(chunk_size=2000)
