"""The API benchmark runs end to end on a tiny registry (its figures are not checked here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import techmarket

ROOT = Path(__file__).resolve().parents[2]
SRC = Path(techmarket.__file__).resolve().parents[1]


@pytest.mark.slow
def test_a_tiny_run_drives_every_scenario_against_gunicorn_without_errors(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TECHMARKET_")}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    command = [sys.executable, str(ROOT / "bench" / "api_bench.py"), "--rows", "200"]
    command += ["--open", "6", "--seconds", "0.3", "--warmup", "0", "--clients", "2"]
    command += ["--servers", "gunicorn", "--dir", str(tmp_path)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for line in done.stdout.splitlines() if line.strip().startswith("gunicorn")]
    assert [line.split()[1] for line in lines] == ["queue", "page", "search", "detail", "write"]
    assert all("errors 0" in line for line in lines), done.stdout
