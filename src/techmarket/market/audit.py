"""Listing, lead and broker events in the platform's one hash-chained audit trail.

An event about a listing has no contract (`contract` is NULL); its payload names the listing
(`kind`, `listing` id and `external_id`), so `audit verify` proves listings' history too. Lead
events name the lead (`lead`) and its listings; broker events the profile (`broker`).
"""

from __future__ import annotations

from datetime import datetime

from techmarket.market.models import BrokerProfile, Lead, Listing
from techmarket.registry import audit


def action_name(kind: str, action: str) -> str:
    """ "achievement_publish", "demand_import": kind first, so a listing's steps never read
    as a contract's."""
    return f"{kind}_{action}"


def pending(
    kind: str,
    listing: Listing,
    actor: str,
    action: str,
    from_status: str,
    now: datetime,
    **payload: object,
) -> audit.PendingEvent:
    details = {k: str(v) for k, v in payload.items() if v not in (None, "")}
    details.update(kind=kind, listing=str(listing.pk), external_id=listing.external_id)  # type: ignore[attr-defined]
    return audit.PendingEvent(
        None, actor, action_name(kind, action), from_status, listing.status, now, details
    )


def record(
    kind: str,
    listing: Listing,
    actor: str,
    action: str,
    from_status: str,
    now: datetime,
    **payload: object,
) -> None:
    audit.append([pending(kind, listing, actor, action, from_status, now, **payload)])


def lead_event(
    lead: Lead, actor: str, action: str, from_status: str, now: datetime, **payload: object
) -> audit.PendingEvent:
    """A lead's step ("lead_contact", "lead_register" …); the payload names the lead and the
    two listings it joins, so the history reads without the lead's row."""
    details = {k: str(v) for k, v in payload.items() if v not in (None, "")}
    details.update(
        lead=str(lead.pk),
        achievement=lead.achievement.external_id,
        demand=lead.demand.external_id,
    )
    return audit.PendingEvent(None, actor, f"lead_{action}", from_status, lead.status, now, details)


def broker_event(
    broker: BrokerProfile, actor: str, action: str, now: datetime, **payload: object
) -> audit.PendingEvent:
    """A change to a broker's profile ("broker_save"): who, and what it now says."""
    details = {k: str(v) for k, v in payload.items() if v not in (None, "")}
    details.update(broker=str(broker.pk), name=broker.name)
    return audit.PendingEvent(None, actor, f"broker_{action}", "", "", now, details)
