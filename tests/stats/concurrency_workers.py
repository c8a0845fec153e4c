"""What the concurrency tests run in other processes (importable, for the `spawn` start method).

Only DuckDB and the snapshot's own modules: a web worker's read needs nothing else.
"""

from __future__ import annotations

import time
from pathlib import Path


def read_until_stopped(path: str, ready, stop, results) -> None:  # type: ignore[no-untyped-def]
    """Read the snapshot over and over until told to stop; report each (seq, count, sum) seen."""
    from techmarket.stats.reader import open_snapshot

    seen: set[tuple[int, int, str]] = set()
    errors: list[str] = []
    reads = 0
    ready.set()
    while not stop.is_set() or reads == 0:
        try:
            with open_snapshot(Path(path), ask_log=False) as reader:
                count, total = reader.con.execute(
                    "SELECT COUNT(*), SUM(total_amount) FROM facts"
                ).fetchone()
                seen.add((reader.freshness.as_of_seq, int(count), str(total)))
        except Exception as error:  # the test reports every failure
            errors.append(f"{type(error).__name__}: {error}")
        reads += 1
    results.put((sorted(seen), errors, reads))


def hold_a_reader_open(path: str, opened, go, results) -> None:  # type: ignore[no-untyped-def]
    """Keep one read-only connection open across a refresh; report what it sees before and after."""
    from techmarket.stats.reader import open_snapshot

    with open_snapshot(Path(path), ask_log=False) as reader:
        before = reader.con.execute("SELECT COUNT(*) FROM facts").fetchone()[0]
        opened.set()
        go.wait(60)
        during = reader.con.execute("SELECT COUNT(*) FROM facts").fetchone()[0]
    with open_snapshot(Path(path), ask_log=False) as reader:
        after = reader.con.execute("SELECT COUNT(*) FROM facts").fetchone()[0]
    results.put((before, during, after))


def hold_the_writer_lock(path: str, seconds: float, held, results) -> None:  # type: ignore[no-untyped-def]
    """Take the writer lock as a refresh would, keep it a while, report when it was held."""
    from techmarket.stats.refresher import writer_lock

    with writer_lock(Path(path)):
        start = time.monotonic()
        held.set()
        time.sleep(seconds)
        end = time.monotonic()
    results.put((start, end))
