"""Work others want done after registry data is committed, without the registry knowing them.

Statistics refresh its snapshot once new audit events are committed; the layers let statistics
import the registry but not the reverse, so statistics subscribe here (`stats.apps`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

_after_audit: list[Callable[[], None]] = []


def subscribe_after_audit_commit(callback: Callable[[], None]) -> None:
    """Run `callback` after each commit that wrote audit events (once per transaction)."""
    if callback not in _after_audit:
        _after_audit.append(callback)


def audit_written() -> None:
    """Called by every audit writer; queues the subscribers once for the current transaction."""
    connection = transaction.get_connection()
    if not _after_audit or getattr(connection, "_techmarket_audit_hooked", False):
        return
    connection._techmarket_audit_hooked = True  # type: ignore[attr-defined]

    def run() -> None:
        for callback in _after_audit:
            callback()

    def reset() -> None:
        connection._techmarket_audit_hooked = False  # type: ignore[attr-defined]

    transaction.on_commit(reset)
    transaction.on_commit(run)
