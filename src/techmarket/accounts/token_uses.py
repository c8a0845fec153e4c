"""Recording each use of an API token, at once or in batches.

At once (the default: the command line, tests): one INSERT per use, before the request goes on.
In batches (`techmarket serve` turns it on): uses wait in the worker's memory and are written
every second in one transaction by a thread of the worker's own. Under many concurrent reads
on SQLite, one write per request queues every read behind the database's single write lock;
in batches the lock is taken once a second. The cost: a worker killed outright loses at most
the last second's records (a normal stop writes them, at exit).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction

from techmarket.accounts.models import ApiToken, TokenUse

log = logging.getLogger(__name__)
# `last_used_at` summarises the TokenUse rows for lists; kept to the minute, not per request.
LAST_USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Use:
    token_id: int
    at: datetime
    method: str
    path: str
    remote_addr: str


class _Batches:
    """The uses this worker process has not written yet, and the thread that writes them."""

    def __init__(self) -> None:
        self.seconds = 0.0  # 0: write each use at once
        self.pending: list[Use] = []
        self.lock = threading.Lock()
        self.pid = 0
        self.wake = threading.Event()

    def add(self, use: Use) -> None:
        with self.lock:
            self.pending.append(use)
            if self.pid != os.getpid():  # the first use in this (forked) worker
                self.pid = os.getpid()
                threading.Thread(target=self._loop, name="token-uses", daemon=True).start()
                atexit.register(flush)

    def take(self) -> list[Use]:
        with self.lock:
            taken, self.pending = self.pending, []
        return taken

    def _loop(self) -> None:
        while True:
            self.wake.wait(self.seconds)
            try:
                flush()
            except Exception:  # logged; the uses are lost only if the next write fails too
                log.exception("recording token uses failed")
            finally:
                connection.close()  # this thread's own connection


_batches = _Batches()


def record_in_batches(seconds: float = 1.0) -> None:
    """From now on (in this process and the workers it forks) write uses every `seconds`."""
    _batches.seconds = seconds


def record(token: ApiToken, use: Use) -> None:
    """Record one use of `token`: now, or with the next batch."""
    if _batches.seconds > 0:
        _batches.add(use)
        return
    _write([use], {token.pk: token.last_used_at})


def flush() -> None:
    """Write every use waiting in this process."""
    uses = _batches.take()
    if uses:
        last = dict(
            ApiToken.objects.filter(pk__in={u.token_id for u in uses}).values_list(
                "pk", "last_used_at"
            )
        )
        _write(uses, last)


def _write(uses: list[Use], last_used: dict[int, datetime | None]) -> None:
    with transaction.atomic():
        TokenUse.objects.bulk_create(
            TokenUse(
                token_id=u.token_id,
                at=u.at,
                method=u.method[:10],
                path=u.path[:500],
                remote_addr=u.remote_addr,
            )
            for u in uses
        )
        latest: dict[int, datetime] = {}
        for u in uses:
            latest[u.token_id] = max(u.at, latest.get(u.token_id, u.at))
        for token_id, at in latest.items():
            before = last_used.get(token_id)
            if before is None or at - before >= LAST_USED_EVERY:
                ApiToken.objects.filter(pk=token_id).update(last_used_at=at)
