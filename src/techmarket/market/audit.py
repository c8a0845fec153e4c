"""Listing events in the platform's one hash-chained audit trail.

An event about a listing has no contract (`contract` is NULL); its payload names the listing
(`kind`, `listing` id and `external_id`), so `audit verify` proves listings' history too.
"""

from __future__ import annotations

from datetime import datetime

from techmarket.market.models import Listing
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
