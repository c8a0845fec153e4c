"""Entity events in the platform's one hash-chained audit trail ("entity_recognise" …).

An event about the register has no contract; its payload names the row (`entity`, `id`) and
the organisation's identifier or name, so `audit verify` proves the register's history too.
"""

from __future__ import annotations

from datetime import datetime

from techmarket.registry import audit
from techmarket.registry.models import Party


def event(
    entity: str,
    pk: int,
    party: Party,
    actor: str,
    action: str,
    now: datetime,
    *,
    from_status: str = "",
    to_status: str = "",
    **payload: object,
) -> audit.PendingEvent:
    details = {k: str(v) for k, v in payload.items() if v not in (None, "")}
    details.update(entity=entity, id=str(pk), party=party.identifier or party.name)
    return audit.PendingEvent(None, actor, f"entity_{action}", from_status, to_status, now, details)


def record(events: list[audit.PendingEvent]) -> None:
    audit.append(events)
