"""Work others want done after registry data is committed, without the registry knowing them.

Statistics refresh their snapshot once new audit events are committed; the layers let statistics
import the registry but not the reverse, so statistics subscribe here (`stats.apps`, `serve`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

_after_audit: list[Callable[[], None]] = []


def subscribe_after_audit_commit(callback: Callable[[], None]) -> None:
    """Run `callback` after each commit that wrote audit events; never after a rollback.

    Callbacks must be cheap (they run once per audit write in the transaction): mark that work
    is wanted, and leave the work to a process of its own.
    """
    if callback not in _after_audit:
        _after_audit.append(callback)


def audit_written() -> None:
    """Called by every audit writer: queues the subscribers for the current transaction's commit
    (Django drops them if it rolls back)."""
    for callback in _after_audit:
        transaction.on_commit(callback)
