"""Several registrar processes at once, and an import killed half-way, on the real engine."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.registry.scratch import scratch_database

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "TECHMARKET_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}


def _worker(url: str, *args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.registry.concurrent_worker", *map(str, args)],
        cwd=ROOT,
        env=_env(url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _query(url: str, code: str) -> str:
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='techmarket.settings'; "
        "django.setup(); from techmarket.registry.models import *; " + code
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=_env(url),
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def test_concurrent_registrars_leave_unique_gap_free_numbers(tmp_path):
    with scratch_database(tmp_path) as url:
        setup = _worker(url, "setup", 60)
        assert setup.wait(120) == 0, setup.stderr.read()
        workers = [_worker(url, "register", seed) for seed in range(4)]
        outputs = [w.communicate(timeout=180) for w in workers]
        assert all(w.returncode == 0 for w in workers), [o[1][-2000:] for o in outputs]
        assert sum(int(out) for out, _ in outputs) == 60
        numbers = _query(
            url,
            "import json; print(json.dumps(sorted(Contract.objects"
            ".values_list('registration_number', flat=True))))",
        )
        serials = [int(n[-6:]) for n in json.loads(numbers)]
        assert serials == list(range(1, 61))
        assert _query(url, "from techmarket.registry.audit import verify; print(verify().ok)") == (
            "True"
        )


def test_an_import_killed_half_way_leaves_nothing_and_a_rerun_completes_it(tmp_path):
    import csv

    from tests.domain.builders import valid_row

    path = tmp_path / "big.csv"
    rows = [valid_row(external_id=f"K-{i}", valid_to="2099-12-31") for i in range(1, 6001)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with scratch_database(tmp_path) as url:
        cli = [sys.executable, "-m", "techmarket.cli"]
        subprocess.run([*cli, "init"], cwd=ROOT, env=_env(url), check=True, capture_output=True)
        subprocess.run(
            [*cli, "agencies", "add", "C440100", "--name", "广州", "--region", "440100"],
            cwd=ROOT,
            env=_env(url),
            check=True,
            capture_output=True,
        )
        process = subprocess.Popen(
            [*cli, "contracts", "import", str(path), "--agency", "C440100"],
            cwd=ROOT,
            env=_env(url),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(2.0)
        process.send_signal(signal.SIGKILL)
        process.wait()
        count = int(_query(url, "print(Contract.objects.count())"))
        assert count in (0, 6000)
        rerun = subprocess.run(
            [*cli, "contracts", "import", str(path), "--agency", "C440100"],
            cwd=ROOT,
            env=_env(url),
            capture_output=True,
            text=True,
        )
        assert rerun.returncode == 0, rerun.stderr[-2000:]
        assert int(_query(url, "print(Contract.objects.count())")) == 6000
        assert _query(url, "from techmarket.registry.audit import verify; print(verify().ok)") == (
            "True"
        )
