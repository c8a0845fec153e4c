"""Appending to and verifying the hash-chained audit trail."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

from techmarket.domain.audit import GENESIS_HASH, canonical_payload, chain, event_hash
from techmarket.registry.bulk import db_datetime, insert
from techmarket.registry.hooks import audit_written
from techmarket.registry.models import AuditEvent, AuditHead

_HEAD = AuditHead._meta.db_table
_COLUMNS = (
    "seq",
    "contract_id",
    "actor",
    "action",
    "from_status",
    "to_status",
    "at",
    "payload",
    "prev_hash",
    "hash",
)


@dataclass
class PendingEvent:
    contract_id: int | None
    actor: str
    action: str
    from_status: str
    to_status: str
    at: datetime
    payload: dict[str, object] = field(default_factory=dict)


def _lock_head() -> tuple[int, str]:
    """The chain's tip, locked until the caller's transaction ends.

    Plain SQL: every workflow step runs this and `_move_head` inside the write transaction
    (on SQLite, inside the database's one write lock), where the ORM's building of the two
    statements cost more than running them.
    """
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT last_seq, last_hash FROM "{_HEAD}" WHERE id = 1{lock}')
        row = cursor.fetchone()
    if row is None:
        raise AuditHead.DoesNotExist("the audit chain has no head row (migrations not applied)")
    return int(row[0]), str(row[1])


def head_seq() -> int:
    """The chain's last sequence number: it moves with every audited change, so what was
    derived from the contracts under one number still holds while it stays."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT last_seq FROM "{_HEAD}" WHERE id = 1')
        row = cursor.fetchone()
    return 0 if row is None else int(row[0])


def _move_head(seq: int, last_hash: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{_HEAD}" SET last_seq = %s, last_hash = %s WHERE id = 1', [seq, last_hash]
        )


def append(events: Iterable[PendingEvent]) -> int:
    """Chain and insert events; the caller's transaction holds the head row lock until commit."""
    seq, prev = _lock_head()
    rows = []
    times: dict[datetime, object] = {}
    for event in events:
        seq += 1
        payload = canonical_payload(event.payload)  # hashed and stored as the same text
        digest = event_hash(
            seq=seq,
            contract_id=event.contract_id,
            actor=event.actor,
            action=event.action,
            from_status=event.from_status,
            to_status=event.to_status,
            at=event.at,
            payload=payload,
            prev_hash=prev,
        )
        if event.at not in times:
            times[event.at] = db_datetime(event.at)
        rows.append(
            (
                seq,
                event.contract_id,
                event.actor,
                event.action,
                event.from_status,
                event.to_status,
                times[event.at],
                payload,
                prev,
                digest,
            )
        )
        prev = digest
    if not rows:
        return 0
    insert(AuditEvent, _COLUMNS, rows)
    _move_head(seq, prev)
    audit_written({e.from_status for e in events} | {e.to_status for e in events})
    return len(rows)


def append_run(
    events: list[tuple[int, str]],
    *,
    actor: str,
    action: str,
    from_status: str,
    to_status: str,
    at: datetime,
) -> int:
    """Chain and insert events that share who, what and when: (contract id, canonical payload
    text) each, as an import writes them; the same rows `append` would write."""
    if not events:
        return 0
    last_seq, last_hash = _lock_head()
    at_db = db_datetime(at)
    rows = [
        (seq, contract_id, actor, action, from_status, to_status, at_db, payload, prev, digest)
        for seq, contract_id, payload, prev, digest in chain(
            last_seq,
            last_hash,
            events,
            actor=actor,
            action=action,
            from_status=from_status,
            to_status=to_status,
            at=at,
        )
    ]
    insert(AuditEvent, _COLUMNS, rows)
    _move_head(rows[-1][0], rows[-1][-1])
    audit_written({from_status, to_status})
    return len(rows)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    first_broken_seq: int | None = None
    reason: str = ""


def verify(progress: Iterator[None] | None = None) -> ChainReport:
    """Recompute every hash in order; the first mismatch, gap or tip disagreement is reported."""
    prev, expected_seq, count = GENESIS_HASH, 1, 0
    rows = AuditEvent.objects.order_by("seq").values_list(
        "seq",
        "contract_id",
        "actor",
        "action",
        "from_status",
        "to_status",
        "at",
        "payload",
        "prev_hash",
        "hash",
    )
    for (
        seq,
        contract_id,
        actor,
        action,
        from_s,
        to_s,
        at,
        payload,
        prev_hash,
        digest,
    ) in rows.iterator(chunk_size=5000):
        if seq != expected_seq:
            return ChainReport(False, count, expected_seq, f"missing event {expected_seq}")
        if prev_hash != prev:
            return ChainReport(False, count, seq, "previous-hash link broken")
        recomputed = event_hash(
            seq=seq,
            contract_id=contract_id,
            actor=actor,
            action=action,
            from_status=from_s,
            to_status=to_s,
            at=at,
            payload=payload,
            prev_hash=prev_hash,
        )
        if recomputed != digest:
            return ChainReport(False, count, seq, "content does not match its hash")
        prev, expected_seq, count = digest, seq + 1, count + 1
        if progress is not None:
            next(progress, None)
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:  # deleted behind the application's back: the tip cannot be checked
        return ChainReport(
            False, count, count or None, "the recorded chain head is missing (deleted?)"
        )
    if head.last_seq != count or head.last_hash != prev:
        return ChainReport(
            False,
            count,
            count + 1 if head.last_seq > count else count,
            "chain tip does not match the recorded head (events removed?)",
        )
    return ChainReport(True, count)


def actors_of(contract_id: int, actions: Iterable[str], *, after_seq: int = 0) -> set[str]:
    """Who made any of these steps on the contract (after event `after_seq`): the audit trail
    says who took part, for the rules that keep a reviewer from checking their own work."""
    return set(
        AuditEvent.objects.filter(
            contract_id=contract_id, seq__gt=after_seq, action__in=[str(a) for a in actions]
        ).values_list("actor", flat=True)
    )
