"""schemathesis over the OpenAPI document against a running server (`techmarket serve`, on a
database of its own): no 5xx, and no answer outside the document (status, content type, body)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.registry.scratch import scratch_database
from tests.test_server import _free_port, _wait_for

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _techmarket(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "techmarket.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture
def served(tmp_path):
    """A demo database served by gunicorn, and a seller's and a registrar's token."""
    with scratch_database(tmp_path) as url:
        env = {**os.environ, "TECHMARKET_DATABASE_URL": url, "TECHMARKET_VAR_DIR": str(tmp_path)}
        _techmarket(env, "demo", "--contracts", "60")
        tokens = {
            user: _techmarket(env, "tokens", "create", user).strip().splitlines()[-1]
            for user in ("seller", "registrar")
        }
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "techmarket.cli",
                "serve",
                "--port",
                str(port),
                "--workers",
                "2",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(f"{base}/api/v1/openapi.json", server, 60)
            yield base, tokens
        finally:
            server.terminate()
            server.wait(20)


@pytest.mark.parametrize("user", ["seller", "registrar"])
def test_every_operation_answers_within_the_document(served, user):
    base, tokens = served
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
    headers = {"Authorization": f"Bearer {tokens[user]}"}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(base_url=base, headers=headers, checks=CHECKS)

        try:
            check()
        except Exception as error:  # collect them all, then fail with every operation named
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)
