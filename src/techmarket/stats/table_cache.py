"""Computed tables kept in this process until the snapshot they were computed from is replaced.

The published snapshot never changes in place: a refresh writes a copy and renames it over the
file (`stats.refresher`), so the file's identity (device, inode, size, modification time) names
the figures it holds. A table computed from one identity is the same table for every later
reader of that identity; the analysts' pages ask for the same few tables again and again, and
computing one at two million contracts costs tens of milliseconds where a lookup costs none.

Two tiers: this process's memory, then a folder beside the snapshot (`<snapshot>.tables/`)
shared by every web worker, so after a refresh the first worker to need a table computes it
and the others read it from the folder (about a millisecond) instead of each computing it
again. Entries are pickles the server itself wrote, in its own data folder, under a name that
hashes what was asked; a folder of a replaced snapshot is removed by the next writer.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

# Enough for every table of a few periods, regions and views at once; each is a few kilobytes.
MAX_ENTRIES = 512

FileIdentity = tuple[int, int, int, int]


def identity(path: Path) -> FileIdentity | None:
    """The published file's identity, or None when there is no file (the reader then says why)."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns)


class TableCache:
    """A bounded map from (file identity, what was asked) to what was computed; least recently
    used entries go first. Safe to share between a worker's threads. With `beside` (the
    snapshot's path) an entry is also looked up in, and written to, the shared folder."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...], *, beside: Path | None = None) -> Any | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
                return value
        value = _read(_entry_path(beside, key)) if beside is not None else None
        if value is not None:
            self._remember(key, value)
        return value

    def put(self, key: tuple[Any, ...], value: Any, *, beside: Path | None = None) -> None:
        self._remember(key, value)
        if beside is not None:
            _write(_entry_path(beside, key), value)

    def _remember(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def get_or_compute(
        self, key: tuple[Any, ...], compute: Callable[[], Any], *, beside: Path | None = None
    ) -> Any:
        found = self.get(key, beside=beside)
        if found is None:
            found = compute()
            self.put(key, found, beside=beside)
        return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:32]


def _entry_path(snapshot: Path, key: tuple[Any, ...]) -> Path:
    """`<snapshot>.tables/<file identity>/<what was asked>.pickle`; the key starts with the
    identity (frozen values whose repr is stable: scopes, periods, plans, dates)."""
    return snapshot.with_name(snapshot.name + ".tables") / _digest(key[0]) / f"{_digest(key[1:])}"


def _read(path: Path) -> Any | None:
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError):
        return None


def _write(path: Path, value: Any) -> None:
    """Atomically (a reader sees the whole entry or none); folders of replaced snapshots go."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
        for old in path.parent.parent.iterdir():
            if old != path.parent:
                shutil.rmtree(old, ignore_errors=True)
    # A read-only or full disk, or a value that does not pickle: the memory tier still serves
    # this worker, and the others compute it themselves.
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        partial.unlink(missing_ok=True)


# The tables this process has computed (read by stats.queries).
computed = TableCache()
