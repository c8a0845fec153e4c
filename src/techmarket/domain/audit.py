"""The audit chain's hash: each event commits to its content and to the event before it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache

GENESIS_HASH = "0" * 64
# One encoder, built once: json.dumps with options would build a new one per event.
_CANONICAL = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
)


@lru_cache(maxsize=256)
def canonical_time(at: datetime) -> str:
    """UTC, microseconds: the same text whichever database stored the value."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *,
    seq: int,
    contract_id: int | None,
    actor: str,
    action: str,
    from_status: str,
    to_status: str,
    at: datetime,
    payload: Mapping[str, object],
    prev_hash: str,
) -> str:
    body = _CANONICAL.encode(
        [
            seq,
            contract_id,
            actor,
            action,
            from_status,
            to_status,
            canonical_time(at),
            payload,
            prev_hash,
        ]
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()
