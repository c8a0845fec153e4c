"""API test helpers: a token per persona and a client that speaks JSON with it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.registry.scratch import scratch_database
from tests.test_server import _free_port, _wait_for

ROOT = Path(__file__).resolve().parents[2]


class ApiClient:
    """Django's test client with a bearer token (or none) and JSON in and out."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, path: str, body: Any = None, **headers: str):  # type: ignore[no-untyped-def]
        kwargs: dict[str, Any] = {"headers": {**self.headers, **headers}}
        data = "" if body is None else json.dumps(body)  # an empty POST has an empty body
        kwargs.update(data=data, content_type="application/json")
        return getattr(self.client, method.lower())(f"/api/v1{path}", **kwargs)

    def get(self, path: str, **headers: str):  # type: ignore[no-untyped-def]
        return self.call("GET", path, **headers)

    def post(self, path: str, body: Any = None, **headers: str):  # type: ignore[no-untyped-def]
        return self.call("POST", path, body, **headers)

    def upload(self, path: str, name: str, content: bytes, **headers: str):  # type: ignore[no-untyped-def]
        """A multipart/form-data POST with the file in the field `file`."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        return self.client.post(
            f"/api/v1{path}",
            {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")},
            headers={**self.headers, **headers},
        )


def token_for(actor) -> str:  # type: ignore[no-untyped-def]
    from techmarket.accounts.tokens import create_token

    return create_token(actor.username, now=timezone.now()).secret


@pytest.fixture
def api_as():
    """api_as(persona) → a client acting as that persona; api_as(None) → anonymous."""

    def make(actor=None) -> ApiClient:  # type: ignore[no-untyped-def]
        return ApiClient(token_for(actor) if actor is not None else None)

    return make


@pytest.fixture
def agency_admin(agencies):
    from techmarket.registry.actors import actor_for
    from techmarket.registry.users import save_user

    save_user("agency_admin", role="agency_admin", agency_code="C440100")
    return actor_for("agency_admin")


def record_body(**overrides: str) -> dict[str, str]:
    from tests.domain.builders import valid_row

    return valid_row(**overrides)


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


@dataclass(frozen=True)
class Served:
    base: str
    tokens: dict[str, str]
    database_url: str

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter((self.base, self.tokens))


@pytest.fixture
def served(tmp_path):
    """A demo database served by gunicorn (2 workers), with tokens for the demo's seller and
    registrar and for a second registrar of the same agency."""
    with scratch_database(tmp_path) as url:
        env = {**os.environ, "TECHMARKET_DATABASE_URL": url, "TECHMARKET_VAR_DIR": str(tmp_path)}
        _techmarket(env, "demo", "--contracts", "60")
        _techmarket(env, "users", "add", "registrar2", "--role", "registrar", "--agency", "C440100")
        tokens = {
            user: _techmarket(env, "tokens", "create", user).strip().splitlines()[-1]
            for user in ("seller", "registrar", "registrar2")
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
            stderr=(tmp_path / "server.log").open("wb"),  # read it when a test fails
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(f"{base}/api/v1/openapi.json", server, 60)
            yield Served(base, tokens, url)
        finally:
            server.terminate()
            server.wait(20)
