"""A large import keeps PostgreSQL's statistics current, so the existence probe stays indexed."""

from __future__ import annotations

import pytest
from django.db import connection

from techmarket.registry import importer
from tests.registry.test_import_cli import _rows, _write_csv, invoke

pytestmark = pytest.mark.django_db


def test_statistics_count_the_rows_an_import_adds(agencies, tmp_path, monkeypatch) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite plans this probe without table statistics")
    monkeypatch.setattr(importer, "ANALYZE_FIRST", 4)
    path = _write_csv(tmp_path / "rows.csv", _rows(12))
    result = invoke("contracts", "import", path, "--agency", "C440100", "--json")
    assert result.exit_code == 0, result.output
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'registry_contract'")
        (rows,) = cursor.fetchone()
    assert rows >= 8  # analysed inside the import, after its own rows were written


def test_an_enclosing_transaction_keeps_its_deferred_references(agencies, tmp_path) -> None:
    """The import checks references per statement; the caller's transaction gets its
    deferred checks back (here: a dangling reference is only refused at commit)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's foreign-key checks need no switching")
    path = _write_csv(tmp_path / "rows.csv", _rows(2))
    assert invoke("contracts", "import", path, "--agency", "C440100").exit_code == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registry_contractversion (contract_id, number, reason, content, "
            "created_at, actor) VALUES (987654321, 1, 'x', '{}', now(), 'x')"
        )  # no error: the reference is checked at commit, and is gone by then
        cursor.execute("DELETE FROM registry_contractversion WHERE contract_id = 987654321")
