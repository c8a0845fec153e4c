"""The one writer of the statistics snapshot: refreshes serialised by a lock in its folder.

Readers (web workers, the CLI) open the published file read-only, and DuckDB lets any number of
processes do that at once, but not while any process has it open read-write. So the writer never
opens the published file: under an exclusive `flock` on `<snapshot>.lock` it copies the file to
`<snapshot>.refreshing`, brings the copy up to date there, and renames it over the published
file. A rename is atomic: a reader opens either the old file or the new one, never half of
either, and a reader that has the old file open keeps reading it (its inode lives on until it
closes). See docs/decisions.md, "The snapshot under concurrency".
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from techmarket.stats.snapshot import (
    FACT_STATUSES,
    RECOGNITION_STATUSES,
    RefreshReport,
    Snapshot,
    snapshot_path,
)

log = logging.getLogger(__name__)


def _beside(target: Path, suffix: str) -> Path:
    return target.with_name(target.name + suffix)


@contextmanager
def writer_lock(target: Path, *, wait: bool = True) -> Iterator[bool]:
    """Hold the snapshot's writer lock; yields False at once when `wait` is off and it is taken.

    `flock` on a file opened here, not `lockf`: flock locks belong to the open file, so two
    threads of one web worker exclude each other as two processes do.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with _beside(target, ".lock").open("a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def refresh(path: Path | None = None, *, full: bool = False) -> RefreshReport:
    """Bring the published snapshot up to the audit log's tip, as the only writer.

    Waits while another refresh runs (the command line); `try_refresh` does not.
    """
    target = path or snapshot_path()
    with writer_lock(target) as held:
        assert held  # a waiting lock is always held
        return _refresh_locked(target, full=full)


def try_refresh(path: Path | None = None, *, full: bool = False) -> RefreshReport | None:
    """Refresh now, or return None at once when another refresh holds the lock."""
    target = path or snapshot_path()
    with writer_lock(target, wait=False) as held:
        return _refresh_locked(target, full=full) if held else None


def _refresh_locked(target: Path, *, full: bool, attach: bool = True) -> RefreshReport:
    # Whatever was asked for before this point is served by this refresh.
    _beside(target, ".requested").unlink(missing_ok=True)
    if target.exists() and not full:
        with Snapshot(target, read_only=True) as published:
            if published.is_current():
                tip = int(published.con.execute("SELECT last_seq FROM meta").fetchone()[0])
                facts = int(published.con.execute("SELECT COUNT(*) FROM facts").fetchone()[0])
                return RefreshReport(False, 0, tip, facts)
    work = _beside(target, ".refreshing")
    _remove_working_copy(work)  # left by a writer that died; the lock says none is running
    try:
        if target.exists() and not full:
            shutil.copyfile(target, work)
        with Snapshot(work, attach=attach) as snapshot:
            report = snapshot.refresh(full=full)
        # Closing checkpointed the copy: one self-contained file, no write-ahead log beside it.
        _fsync(work)
        os.replace(work, target)
        _fsync(target.parent)
    finally:
        _remove_working_copy(work)
    return report


def _remove_working_copy(work: Path) -> None:
    work.unlink(missing_ok=True)
    _beside(work, ".wal").unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    """Make the new file (or the rename in its folder) durable before anyone relies on it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def request_refresh(path: Path | None = None) -> None:
    """Ask for a refresh, and serve it now unless another refresh holds the lock.

    The request is a marker file beside the snapshot. Whoever gets the writer lock clears it and
    refreshes; whoever does not leaves it for the holder, which looks again after releasing the
    lock, so no request is lost and no two refreshes run at once. (Web workers only mark: see
    `request_refresh_after_commit`.)
    """
    target = path or snapshot_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    _beside(target, ".requested").touch()
    _drain(target)


def refresh_after_registry_commits() -> None:
    """From now on, mark a refresh as wanted after each registry commit that can change a
    figure (an event entering or leaving a counted status); the subscription is inherited by
    forked web workers."""
    from techmarket.registry.hooks import subscribe_after_audit_commit

    subscribe_after_audit_commit(
        request_refresh_after_commit, touching=(*FACT_STATUSES, *RECOGNITION_STATUSES)
    )


def request_refresh_after_commit() -> None:
    """The callback run after a registry commit: mark that a refresh is wanted, nothing more.

    The refresh itself runs in a process of its own (`watch`, started by `techmarket serve`):
    DuckDB's SQLite scanner carries its own copy of SQLite, and two copies in one process lose
    each other's file locks, so a web worker that both writes through Django and refreshes
    through DuckDB can corrupt the database (see docs/decisions.md).
    """
    _beside(snapshot_path(), ".requested").touch()


def watch(
    path: Path | None = None,
    *,
    interval: float = 10.0,
    stop: threading.Event | None = None,
    full: bool = False,
) -> None:
    """Serve refresh requests until stopped: the one refreshing process beside the web server.

    It starts with a refresh of its own (the server may have been down while data changed), and
    scans for risk signals when they are due (`risk_scan.scan_if_due`); a refresh that fails (the database busy, say) is logged and tried again on the next turn.
    """
    # Imported here: this module is also loaded without Django's models (the readers' processes).
    from techmarket.stats.risk_scan import scan_if_due

    target = path or snapshot_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    _beside(target, ".requested").touch()
    stop = stop or threading.Event()
    first = True
    while not stop.is_set():
        try:
            if first and full:
                refresh(target, full=True)
            # One refresh a turn at most: under continuous registrations the marker is set
            # again during each refresh, and draining it would refresh back to back.
            _drain(target, attach=connection.vendor != "sqlite", once=True)
            first = False
            # Risk signals follow the registry too, less often (stats/risk_scan.py).
            scan_if_due(attach=connection.vendor != "sqlite")
        except Exception:  # logged; the request stays marked and the next turn retries
            log.exception("statistics snapshot refresh failed")
            _beside(target, ".requested").touch()
        finally:
            # On SQLite, DuckDB's scanner closing its copy of the file drops this process's
            # locks on it, Django's included: never carry Django's connection into the next
            # turn (docs/decisions.md, "Refreshing beside the server").
            connection.close()
        stop.wait(interval)


def _drain(target: Path, *, attach: bool = True, once: bool = False) -> None:
    """Refresh while a request is marked and the writer lock is free (`once`: one refresh,
    leaving a request marked meanwhile for the next turn)."""
    while _beside(target, ".requested").exists():
        with writer_lock(target, wait=False) as held:
            if not held:
                return  # the holder looks for the marker again after releasing the lock
            _refresh_locked(target, full=False, attach=attach)
        if once:
            return
