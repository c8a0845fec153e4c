"""Django's SQLite backend, with a write-turn lock in front of `BEGIN IMMEDIATE`.

SQLite lets one writer in at a time. A writer that finds the lock taken waits in SQLite's busy
handler, which sleeps in steps growing to 100 ms and does not know when the lock is let go: under
16 concurrent writers the lock stood idle most of the time while the waiters slept, and a few
waited for seconds (docs/performance.md, "API writes"). Here a writer first takes an advisory
lock on a file beside the database (`flock`, released by the kernel if the process dies), trying
again every fraction of a millisecond, then begins. Readers take nothing (WAL). After `timeout`
seconds without the turn the writer goes on to SQLite's own wait, which ends in "database is
locked" as before.
"""

from __future__ import annotations

import fcntl
import os
import time
from typing import Any

from django.db.backends.sqlite3 import base

# Polling steps while another writer holds the turn: short at first (most transactions here
# take a few milliseconds), never long.
_FIRST_WAIT = 0.0002
_LONGEST_WAIT = 0.002


class _WriteTurn:
    """An exclusive `flock` on `<database>.write-lock`, held from BEGIN to COMMIT/ROLLBACK."""

    def __init__(self, database: str) -> None:
        self.path = f"{database}.write-lock"
        self.fd: int | None = None
        self.held = False

    def take(self, timeout: float) -> None:
        if self.fd is None:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + timeout
        wait = _FIRST_WAIT
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return  # SQLite's busy handler decides from here
                time.sleep(wait)
                wait = min(wait * 2, _LONGEST_WAIT)
                continue
            self.held = True
            return

    def give_back(self) -> None:
        if self.held and self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.held = False

    def close(self) -> None:
        self.give_back()
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _on_disk(settings: dict[str, Any]) -> bool:
    name = str(settings.get("NAME") or "")
    return bool(name) and name != ":memory:" and not name.startswith("file:")


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._write_turn: _WriteTurn | None = None

    def _turn(self) -> _WriteTurn | None:
        if self._write_turn is None and _on_disk(self.settings_dict):
            self._write_turn = _WriteTurn(str(self.settings_dict["NAME"]))
        return self._write_turn

    def _start_transaction_under_autocommit(self) -> None:
        turn = self._turn()
        if turn is not None:
            turn.take(float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5)))
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            if turn is not None:
                turn.give_back()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._give_back_turn()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._give_back_turn()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            if self._write_turn is not None:
                self._write_turn.close()

    def _give_back_turn(self) -> None:
        if self._write_turn is not None:
            self._write_turn.give_back()
