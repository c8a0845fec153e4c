"""Backup and restore of the whole database, on the engine under test, from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.registry.scratch import scratch_database

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TECHMARKET_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "techmarket.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_a_restore_brings_back_exactly_what_was_backed_up(tmp_path):
    with scratch_database(tmp_path) as url:
        assert _cli(url, "init").returncode == 0
        assert (
            _cli(
                url, "agencies", "add", "P440000", "--name", "广东", "--region", "440000"
            ).returncode
            == 0
        )
        backup = tmp_path / "backup.db"
        done = _cli(url, "backup", "-o", str(backup))
        assert done.returncode == 0, done.stderr
        _cli(url, "agencies", "add", "P320000", "--name", "江苏", "--region", "320000")
        restored = _cli(url, "restore", str(backup), "--yes")
        assert restored.returncode == 0, restored.stderr
        listed = json.loads(_cli(url, "agencies", "list", "--json").stdout)["agencies"]
        assert [a["code"] for a in listed] == ["P440000"]


def test_restoring_something_that_is_not_a_backup_fails_cleanly(tmp_path):
    with scratch_database(tmp_path) as url:
        _cli(url, "init")
        junk = tmp_path / "junk.db"
        junk.write_text("not a database")
        result = _cli(url, "restore", str(junk), "--yes")
        assert result.returncode != 0
        assert "Traceback" not in result.stderr


def test_a_backup_replaces_whatever_file_had_its_name_and_odd_names_restore(tmp_path):
    with scratch_database(tmp_path) as url:
        _cli(url, "init")
        _cli(url, "agencies", "add", "P440000", "--name", "广东", "--region", "440000")
        odd = tmp_path / "b#1 ?%.bak"
        odd.write_text("an old note, not a database")
        done = _cli(url, "backup", "-o", str(odd), "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["bytes"] > 0
        restored = _cli(url, "restore", str(odd), "--yes", "--json")
        assert restored.returncode == 0, restored.stderr
        assert json.loads(restored.stdout)["audit_chain_ok"] is True


@pytest.mark.parametrize("where", ["{tmp}", "{tmp}/no/such/folder/b.bak"])
def test_a_backup_that_cannot_be_written_there_is_refused_with_a_message(tmp_path, where):
    with scratch_database(tmp_path) as url:
        _cli(url, "init")
        result = _cli(url, "backup", "-o", where.format(tmp=tmp_path))
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr


def test_a_database_never_set_up_says_to_run_init(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    result = _cli(url, "agencies", "list", "--json")
    assert result.returncode == 7, result.stderr
    assert "techmarket init" in json.loads(result.stdout)["error"]["message_en"]
