"""A large SQLite import rebuilds its tables' non-unique indexes instead of updating them."""

from __future__ import annotations

import pytest
from django.db import connection

from techmarket.registry import bulk, importer
from techmarket.registry.models import Contract
from tests.registry.test_import_cli import _rows, _write_csv, invoke

pytestmark = pytest.mark.django_db


def _indexes() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('registry_contract', 'registry_auditevent') ORDER BY name"
        )
        return cursor.fetchall()


@pytest.fixture
def dropped(monkeypatch) -> list[list[str]]:
    """Defer after two rows, in batches of two; records the names of each drop."""
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite imports drop indexes (PostgreSQL would lock out readers)")
    monkeypatch.setattr(importer, "DEFER_INDEXES_AFTER", 2)
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    calls: list[list[str]] = []
    real_drop = bulk.SecondaryIndexes.drop

    def drop(self: bulk.SecondaryIndexes) -> None:
        real_drop(self)
        calls.append([name for name, _ in self.dropped])

    monkeypatch.setattr(bulk.SecondaryIndexes, "drop", drop)
    return calls


def test_a_large_import_leaves_the_same_indexes_and_uses_them(agencies, tmp_path, dropped):
    before = _indexes()
    path = _write_csv(tmp_path / "rows.csv", _rows(7))
    result = invoke("contracts", "import", path, "--agency", "C440100", "--json")
    assert result.exit_code == 0, result.output
    assert dropped and "contract_registered_order" in dropped[0]
    assert not any(name.startswith(("contract_unique", "sqlite_")) for name in dropped[0])
    assert _indexes() == before
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        assert cursor.fetchone()[0] == "ok"  # every index holds exactly the table's rows
    assert Contract.objects.count() == 7


@pytest.mark.parametrize("dry_run", [False, True], ids=["failed", "dry run"])
def test_an_import_that_does_not_commit_gets_its_indexes_back(agencies, tmp_path, dropped, dry_run):
    before = _indexes()
    rows = _rows(7)
    if not dry_run:
        rows[-1]["total_amount"] = "not a number"  # found after the indexes were dropped
    path = _write_csv(tmp_path / "rows.csv", rows)
    result = invoke("contracts", "validate" if dry_run else "import", path, "--agency", "C440100")
    assert result.exit_code == (0 if dry_run else 1), result.output
    assert dropped
    assert _indexes() == before
    assert Contract.objects.count() == 0


def test_a_small_import_into_a_larger_table_keeps_its_indexes(agencies, tmp_path, dropped):
    first = _write_csv(tmp_path / "first.csv", _rows(7))
    assert invoke("contracts", "import", first, "--agency", "C440100").exit_code == 0
    dropped.clear()
    rows = [dict(row, external_id=f"B-{i}") for i, row in enumerate(_rows(3))]
    second = _write_csv(tmp_path / "second.csv", rows)
    assert invoke("contracts", "import", second, "--agency", "C440100").exit_code == 0
    assert dropped == []  # 3 rows into a table of 7: updating the indexes is cheaper
    assert Contract.objects.count() == 10


def test_a_large_import_leaves_the_planner_statistics_of_the_contracts(
    agencies, tmp_path, monkeypatch
):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's statistics come from autovacuum and the import's ANALYZE")
    monkeypatch.setattr(importer, "ANALYZE_FIRST", 5)
    path = _write_csv(tmp_path / "rows.csv", _rows(7))
    assert invoke("contracts", "import", path, "--agency", "C440100").exit_code == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'registry_co_agency__6cc249_idx'")
        assert cursor.fetchone()[0].split()[0] == "7"  # rows in the table, as the planner sees it
