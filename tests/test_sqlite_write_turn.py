"""The SQLite backend hands writers the write lock in turn: held from BEGIN to COMMIT/ROLLBACK."""

from __future__ import annotations

import pytest
from django.db import connections

from techmarket.server.sqlite.base import DatabaseWrapper, _WriteTurn

pytestmark = pytest.mark.skipif(
    connections["default"].vendor != "sqlite", reason="the SQLite backend's own lock"
)


@pytest.fixture
def writer(tmp_path, django_db_blocker):
    """A connection of its own to a file of its own (not the test database)."""
    config = {**connections["default"].settings_dict, "NAME": str(tmp_path / "db.sqlite3")}
    wrapper = DatabaseWrapper(config, alias="write_turn_test")
    with django_db_blocker.unblock():
        wrapper.ensure_connection()
        yield wrapper, str(tmp_path / "db.sqlite3")
        wrapper.close()


def _free(database: str) -> bool:
    probe = _WriteTurn(database)
    probe.take(timeout=0.01)
    free = probe.held
    probe.close()
    return free


def test_a_writer_holds_the_turn_until_it_commits(writer):
    wrapper, database = writer
    wrapper._start_transaction_under_autocommit()
    assert not _free(database)  # another writer would wait here, not in SQLite's busy handler
    wrapper._commit()
    assert _free(database)


def test_a_rolled_back_or_closed_writer_lets_the_next_one_in(writer):
    wrapper, database = writer
    wrapper._start_transaction_under_autocommit()
    wrapper._rollback()
    assert _free(database)
    wrapper._start_transaction_under_autocommit()
    wrapper.close()
    assert _free(database)


def test_a_writer_that_waited_too_long_goes_on_to_sqlites_own_wait(tmp_path):
    holder, waiter = _WriteTurn(str(tmp_path / "db")), _WriteTurn(str(tmp_path / "db"))
    holder.take(timeout=1)
    waiter.take(timeout=0.02)
    assert holder.held and not waiter.held
    holder.close()
    waiter.close()
