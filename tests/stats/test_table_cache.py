"""A table is computed once per published snapshot, and again once a refresh replaces the file."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from techmarket.stats import queries, refresher
from techmarket.stats.engine import Scope
from techmarket.stats.periods import parse_period
from techmarket.stats.queries import read_tables
from techmarket.stats.table_cache import TableCache
from tests.conftest import SHANGHAI
from tests.registry.flow import registered

pytestmark = pytest.mark.django_db
SCOPE = Scope(parse_period("2025"), region="440100")


@pytest.fixture
def published(tmp_path, records, monkeypatch):
    monkeypatch.setattr(queries, "computed", TableCache())
    path = tmp_path / "stats.duckdb"
    refresher.refresh(path)
    return path


@pytest.fixture
def opened(monkeypatch):
    """Each time a read opens the snapshot."""
    seen: list[str] = []
    real = duckdb.connect

    def spy(database, *args, **kwargs):
        seen.append(str(database))
        return real(database, *args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", spy)
    return seen


def _register_one(seller, registrar, agencies, external_id: str) -> None:
    when = datetime(2025, 12, 29, 10, tzinfo=SHANGHAI)
    registered(seller, registrar, agencies["city"], when, external_id=external_id)


def _count(read) -> int:
    return read.tables[0].rows[0]["count"]


def test_the_same_snapshot_is_read_once_for_the_same_table(published, analyst, opened):
    first = read_tables(analyst, ["overview", "by_type"], SCOPE, path=published)
    again = read_tables(analyst, ["overview", "by_type"], SCOPE, path=published)
    assert len(opened) == 1
    assert again.tables == first.tables
    other = read_tables(analyst, ["by_field"], SCOPE, path=published)  # not computed yet
    assert len(opened) == 2 and other.tables[0].name == "by_field"


def test_a_refresh_that_replaces_the_file_brings_new_figures(
    published, analyst, registrar, seller, agencies, opened
):
    before = _count(read_tables(analyst, ["overview"], SCOPE, path=published))
    _register_one(seller, registrar, agencies, "CACHE-1")
    refresher.refresh(published)
    after = read_tables(analyst, ["overview"], SCOPE, path=published)
    assert _count(after) == before + 1
    assert after.freshness.behind == 0


def test_the_oldest_entries_go_first_when_the_cache_is_full():
    cache = TableCache(max_entries=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recently used
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_a_reader_of_another_region_is_still_refused_from_the_cache(published, analyst):
    from techmarket.domain.problems import PermissionDenied
    from techmarket.registry.actors import actor_for
    from tests.conftest import _person

    read_tables(analyst, ["overview"], SCOPE, path=published)
    _person("district_analyst", "analyst", agency="D440106")  # Tianhe only
    with pytest.raises(PermissionDenied):
        read_tables(actor_for("district_analyst"), ["overview"], SCOPE, path=published)


def test_a_plans_progress_is_computed_once_per_snapshot_and_date(published, analyst, opened):
    from datetime import date

    from techmarket.stats.plan_store import list_plans
    from techmarket.stats.queries import plan_progress

    plan = list_plans()[0].plan
    first = plan_progress(analyst, plan, date(2025, 6, 30), path=published)
    assert plan_progress(analyst, plan, date(2025, 6, 30), path=published) == first
    assert len(opened) == 1
    plan_progress(analyst, plan, date(2025, 7, 31), path=published)  # another day: computed
    assert len(opened) == 2


def test_a_table_another_worker_computed_is_read_from_the_shared_folder(
    published, analyst, opened, monkeypatch
):
    first = read_tables(analyst, ["by_type"], SCOPE, path=published)
    monkeypatch.setattr(queries, "computed", TableCache())  # another worker, memory empty
    again = read_tables(analyst, ["by_type"], SCOPE, path=published)
    assert len(opened) == 1 and again.tables == first.tables
    folders = list((published.parent / "stats.duckdb.tables").iterdir())
    assert len(folders) == 1  # one folder: the published file's


def test_a_refreshed_snapshot_drops_the_old_files_tables(
    published, analyst, registrar, seller, agencies, monkeypatch
):
    read_tables(analyst, ["overview"], SCOPE, path=published)
    before = list((published.parent / "stats.duckdb.tables").iterdir())
    _register_one(seller, registrar, agencies, "CACHE-2")
    refresher.refresh(published)
    monkeypatch.setattr(queries, "computed", TableCache())
    read_tables(analyst, ["overview"], SCOPE, path=published)
    after = list((published.parent / "stats.duckdb.tables").iterdir())
    assert len(after) == 1 and after != before
