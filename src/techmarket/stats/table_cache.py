"""Computed tables kept in this process until the snapshot they were computed from is replaced.

The published snapshot never changes in place: a refresh writes a copy and renames it over the
file (`stats.refresher`), so the file's identity (device, inode, size, modification time) names
the figures it holds. A table computed from one identity is the same table for every later
reader of that identity; the analysts' pages ask for the same few tables again and again, and
computing one at two million contracts costs tens of milliseconds where a lookup costs none.
"""

from __future__ import annotations

import os
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
    used entries go first. Safe to share between a worker's threads."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        found = self.get(key)
        if found is None:
            found = compute()
            self.put(key, found)
        return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


# The tables this process has computed (read by stats.queries).
computed = TableCache()
