"""The snapshot read through DuckDB's own scanner of the live database, from the command line."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from techmarket.synth.contracts import generate
from tests.registry.scratch import scratch_database

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _cli(url: str, stats: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TECHMARKET_DATABASE_URL": url, "TECHMARKET_STATS_PATH": str(stats)}
    done = subprocess.run(
        [sys.executable, "-m", "techmarket.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def _import(url: str, stats: Path, path: Path) -> None:
    _cli(url, stats, "contracts", "import", str(path), "--agency", "C440100", "--as-registered")


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_tables_from_the_attached_database_match_the_file_and_refresh_incrementally(tmp_path):
    rows = list(
        generate(
            300,
            years=[2025],
            region="440100",
            seed=5,
            as_registered=True,
            agency_code="C440100",
            today=date(2026, 1, 1),
        )
    )
    first, second = rows[:250], rows[250:]
    stats = tmp_path / "stats.duckdb"
    with scratch_database(tmp_path) as url:
        _cli(url, stats, "init")
        _cli(url, stats, "agencies", "add", "C440100", "--name", "广州", "--region", "440100")
        _cli(
            url,
            stats,
            "contracts",
            "import",
            str(_write(tmp_path / "a.csv", first)),
            "--agency",
            "C440100",
            "--as-registered",
        )
        built = json.loads(_cli(url, stats, "stats", "refresh", "--json").stdout)
        assert (built["rebuilt"], built["facts"]) == (True, 250)
        _cli(
            url,
            stats,
            "contracts",
            "import",
            str(_write(tmp_path / "b.csv", second)),
            "--agency",
            "C440100",
            "--as-registered",
        )
        table = _overview_2025(url, stats)
    total = sum(Decimal(r["total_amount"]) for r in rows)
    tech = sum(Decimal(r["tech_amount"]) for r in rows)
    row = table["rows"][0]
    assert (row["count"], row["total_amount"], row["tech_amount"]) == (
        300,
        f"{total:.2f}",
        f"{tech:.2f}",
    )


def _overview_2025(url: str, stats: Path) -> dict:
    """Guangzhou's 2025 overview table, as `stats table --json` prints it."""
    args = ["stats", "table", "overview", "--period", "2025", "--region", "440100", "--json"]
    return json.loads(_cli(url, stats, *args).stdout)


def test_a_refresh_after_restoring_an_older_backup_rebuilds_the_snapshot(tmp_path):
    rows = list(
        generate(
            300,
            years=[2025],
            region="440100",
            seed=7,
            as_registered=True,
            agency_code="C440100",
            today=date(2026, 1, 1),
        )
    )
    kept, forgotten, after = rows[:200], rows[200:260], rows[260:]
    stats = tmp_path / "stats.duckdb"
    backup = tmp_path / "backup.db"
    with scratch_database(tmp_path) as url:
        _cli(url, stats, "init")
        _cli(url, stats, "agencies", "add", "C440100", "--name", "广州", "--region", "440100")
        _import(url, stats, _write(tmp_path / "kept.csv", kept))
        _cli(url, stats, "stats", "refresh")
        _cli(url, stats, "backup", "-o", str(backup))
        _import(url, stats, _write(tmp_path / "forgotten.csv", forgotten))
        _cli(url, stats, "stats", "refresh")
        _cli(url, stats, "restore", str(backup), "--yes")
        # Its events take sequence numbers the snapshot saw for the forgotten contracts.
        _import(url, stats, _write(tmp_path / "after.csv", after))
        refreshed = json.loads(_cli(url, stats, "stats", "refresh", "--json").stdout)
        table = _overview_2025(url, stats)
    assert (refreshed["rebuilt"], refreshed["facts"]) == (True, 240)
    total = sum(Decimal(r["total_amount"]) for r in kept + after)
    row = table["rows"][0]
    assert (row["count"], row["total_amount"]) == (240, f"{total:.2f}")
