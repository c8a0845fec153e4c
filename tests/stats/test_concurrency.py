"""The snapshot under concurrency: many readers in other processes, one writer at a time."""

from __future__ import annotations

import hashlib
import multiprocessing
import time
from datetime import datetime

import duckdb
import pytest

from techmarket.registry.models import AuditEvent
from techmarket.stats import refresher
from techmarket.stats.engine import Scope
from techmarket.stats.periods import parse_period
from techmarket.stats.queries import read_tables
from techmarket.stats.reader import open_snapshot
from tests.conftest import SHANGHAI
from tests.registry.flow import registered
from tests.stats import concurrency_workers as workers

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
SPAWN = multiprocessing.get_context("spawn")  # a clean process, as a web worker is
LATER = datetime(2025, 12, 29, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def published(tmp_path, records):
    """The Guangzhou contracts, published by the one writer."""
    path = tmp_path / "stats.duckdb"
    refresher.refresh(path)
    return path


def _register(registrar, seller, agencies, n: int) -> None:
    registered(seller, registrar, agencies["city"], LATER, external_id=f"LATER-{n}")


def _facts(path) -> tuple[int, int, str]:
    with open_snapshot(path, ask_log=False) as reader:
        count, total = reader.con.execute(
            "SELECT COUNT(*), SUM(total_amount) FROM facts"
        ).fetchone()
        return reader.freshness.as_of_seq, int(count), str(total)


def test_readers_in_other_processes_read_while_refreshes_replace_the_snapshot(
    published, registrar, seller, agencies
):
    published_states = {_facts(published)}
    ready = [SPAWN.Event() for _ in range(3)]
    stop, results = SPAWN.Event(), SPAWN.Queue()
    readers = [
        SPAWN.Process(target=workers.read_until_stopped, args=(str(published), r, stop, results))
        for r in ready
    ]
    for process in readers:
        process.start()
    try:
        assert all(r.wait(60) for r in ready)
        for n in range(3):
            _register(registrar, seller, agencies, n)
            refresher.refresh(published)
            published_states.add(_facts(published))
        time.sleep(0.3)  # a few reads of the last one
    finally:
        stop.set()
        reports = [results.get(timeout=60) for _ in readers]
        for process in readers:
            process.join(30)
    assert len(published_states) == 4
    for seen, errors, reads in reports:
        assert errors == []
        assert reads > 0
        # Each read saw one whole published snapshot: its sequence number with its own figures.
        assert set(seen) <= published_states


def test_a_reader_keeps_its_open_snapshot_while_a_refresh_replaces_it(
    published, registrar, seller, agencies
):
    opened, go, results = SPAWN.Event(), SPAWN.Event(), SPAWN.Queue()
    holder = SPAWN.Process(
        target=workers.hold_a_reader_open, args=(str(published), opened, go, results)
    )
    holder.start()
    try:
        assert opened.wait(60)
        _register(registrar, seller, agencies, 1)
        report = refresher.refresh(published)  # a writer on the open file would fail to lock it
    finally:
        go.set()
        before, during, after = results.get(timeout=60)
        holder.join(30)
    assert report.contracts_changed == 1
    assert (before, during, after) == (400, 400, 401)


def test_a_read_never_opens_the_snapshot_read_write_nor_changes_it(published, analyst, monkeypatch):
    connects = []
    real_connect = duckdb.connect

    def spy(*args, **kwargs):
        connects.append(kwargs.get("read_only", False))
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", spy)
    before = (published.stat().st_mtime_ns, hashlib.sha256(published.read_bytes()).hexdigest())
    scope = Scope(parse_period("2025"), region="440100")
    read = read_tables(analyst, ["overview", "by_type", "large_contracts"], scope, path=published)
    after = (published.stat().st_mtime_ns, hashlib.sha256(published.read_bytes()).hexdigest())
    assert connects == [True]
    assert before == after
    assert read.tables[0].rows[0]["count"] > 0
    assert sorted(p.name for p in published.parent.iterdir()) == [
        "stats.duckdb",
        "stats.duckdb.lock",
        "stats.duckdb.tables",  # the tables computed, shared by the readers (table_cache)
    ]


def test_a_refresh_waits_for_the_one_in_progress(published):
    held, results = SPAWN.Event(), SPAWN.Queue()
    other = SPAWN.Process(
        target=workers.hold_the_writer_lock, args=(str(published), 1.5, held, results)
    )
    other.start()
    try:
        assert held.wait(60)
        assert refresher.try_refresh(published) is None  # a background refresh leaves it be
        refresher.refresh(published)  # the command line waits for it
        finished = time.monotonic()
        _, end = results.get(timeout=60)
    finally:
        other.join(30)
    assert finished >= end


def test_two_writers_in_other_processes_take_turns(published):
    held, results = [SPAWN.Event(), SPAWN.Event()], SPAWN.Queue()
    writers = [
        SPAWN.Process(target=workers.hold_the_writer_lock, args=(str(published), 0.5, h, results))
        for h in held
    ]
    for process in writers:
        process.start()
    spans = sorted(results.get(timeout=60) for _ in writers)
    for process in writers:
        process.join(30)
    (_, first_end), (second_start, _) = spans
    assert first_end <= second_start


def test_a_request_while_a_refresh_runs_is_kept_and_served_by_the_next(
    published, registrar, seller, agencies
):
    held, results = SPAWN.Event(), SPAWN.Queue()
    other = SPAWN.Process(
        target=workers.hold_the_writer_lock, args=(str(published), 1.0, held, results)
    )
    other.start()
    try:
        assert held.wait(60)
        _register(registrar, seller, agencies, 1)
        refresher.request_refresh(published)  # returns at once, lock is taken
        assert (published.parent / "stats.duckdb.requested").exists()
        assert _facts(published)[1] == 400
        results.get(timeout=60)
    finally:
        other.join(30)
    refresher.request_refresh(published)
    assert not (published.parent / "stats.duckdb.requested").exists()
    assert _facts(published)[1] == 401


def test_a_read_says_how_far_behind_the_audit_log_the_snapshot_is(
    published, registrar, seller, agencies, analyst
):
    scope = Scope(parse_period("2025"), region="440100")
    current = read_tables(analyst, ["overview"], scope, path=published).freshness
    assert (current.behind, current.log_seq) == (0, current.as_of_seq)
    assert current.refreshed_at is not None
    _register(registrar, seller, agencies, 1)
    added = AuditEvent.objects.filter(seq__gt=current.as_of_seq).count()
    stale = read_tables(analyst, ["overview"], scope, path=published).freshness
    assert (stale.as_of_seq, stale.behind) == (current.as_of_seq, added)
    assert added > 0 and f"尚有 {added} 个事件未计入" in stale.note()


def test_a_refresh_with_nothing_new_leaves_the_published_file_alone(published):
    before = published.stat().st_ino
    report = refresher.refresh(published)
    assert (report.rebuilt, report.contracts_changed, report.facts) == (False, 0, 400)
    assert published.stat().st_ino == before
