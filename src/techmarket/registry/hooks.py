"""Work others want done after registry data is committed, without the registry knowing them.

Statistics refresh their snapshot once new audit events are committed; the layers let statistics
import the registry but not the reverse, so statistics subscribe here (`stats.apps`, `serve`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction

_after_audit: list[tuple[Callable[[], None], frozenset[str] | None]] = []


def subscribe_after_audit_commit(
    callback: Callable[[], None], *, touching: Iterable[str] | None = None
) -> None:
    """Run `callback` after each commit that wrote audit events; never after a rollback.

    `touching`: only after events that leave or enter one of these statuses (the statistics
    count registered and cancelled contracts: a draft or a submission changes none of their
    figures, and at 100 drafts a second a refresh after each cost half a core).
    Callbacks must be cheap (they run once per audit write in the transaction): mark that work
    is wanted, and leave the work to a process of its own.
    """
    wanted = None if touching is None else frozenset(touching)
    if all(known is not callback for known, _ in _after_audit):
        _after_audit.append((callback, wanted))


def audit_written(statuses: Iterable[str]) -> None:
    """Called by every audit writer with the from- and to-statuses of the events it wrote:
    queues the interested subscribers for the current transaction's commit (Django drops them
    if it rolls back)."""
    touched = set(statuses)
    for callback, wanted in _after_audit:
        if wanted is None or wanted & touched:
            transaction.on_commit(callback)
