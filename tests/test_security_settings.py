"""Production mode refuses unsafe settings, and its answers carry the security headers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory

import techmarket
from techmarket.server.client_ip import forwarded_client_ip

SRC = Path(techmarket.__file__).resolve().parents[1]
SECRET = "a-real-secret-for-the-test-0123456789-abcdefghijklmnopqrstuvwxyz"
PRODUCTION = {
    "TECHMARKET_DEBUG": "0",
    "TECHMARKET_SECRET_KEY": SECRET,
    "TECHMARKET_ALLOWED_HOSTS": "jssc.example.cn",
}

# Loads the settings, collects the static files as `serve` does (pages name them by their
# hashed names), asks for / as a browser would, prints what came back.
PROBE = """
import json, django
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
from django.conf import settings
from django.test import Client
kwargs = json.loads(__import__("sys").argv[1])
response = Client().get("/", HTTP_HOST="jssc.example.cn", **kwargs)
print(json.dumps({
    "status": response.status_code,
    "location": response.get("Location"),
    "headers": dict(response.headers),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
}))
"""


def _python(code: str, env: dict[str, str], *args: str, tmp_path: Path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TECHMARKET_")}
    clean.update(env)
    clean["TECHMARKET_VAR_DIR"] = str(tmp_path)
    clean["DJANGO_SETTINGS_MODULE"] = "techmarket.settings"
    clean["PYTHONPATH"] = os.pathsep.join([str(SRC), clean.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=clean, capture_output=True, text=True, timeout=60
    )


def _probe(env: dict[str, str], tmp_path: Path, **request) -> dict:
    done = _python(PROBE, env, json.dumps(request), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def _settings_error(env: dict[str, str], tmp_path: Path) -> str:
    done = _python("import techmarket.settings", env, tmp_path=tmp_path)
    assert done.returncode != 0, "the settings loaded"
    return done.stderr


def test_production_refuses_the_placeholder_secret(tmp_path):
    env = {**PRODUCTION}
    del env["TECHMARKET_SECRET_KEY"]
    assert "Set TECHMARKET_SECRET_KEY" in _settings_error(env, tmp_path)
    env["TECHMARKET_SECRET_KEY"] = "insecure-development-key-change-me"
    assert "Set TECHMARKET_SECRET_KEY" in _settings_error(env, tmp_path)


def test_production_refuses_any_host_and_no_host(tmp_path):
    wildcard = {**PRODUCTION, "TECHMARKET_ALLOWED_HOSTS": "jssc.example.cn,*"}
    assert "Set TECHMARKET_ALLOWED_HOSTS" in _settings_error(wildcard, tmp_path)
    unset = {k: v for k, v in PRODUCTION.items() if k != "TECHMARKET_ALLOWED_HOSTS"}
    assert "Set TECHMARKET_ALLOWED_HOSTS" in _settings_error(unset, tmp_path)


def test_a_public_base_url_without_a_scheme_is_refused(tmp_path):
    env = {**PRODUCTION, "TECHMARKET_PUBLIC_BASE_URL": "jssc.example.cn"}
    assert "TECHMARKET_PUBLIC_BASE_URL" in _settings_error(env, tmp_path)


def test_production_answers_carry_hsts_csp_nosniff_and_frame_denial(tmp_path):
    answer = _probe(PRODUCTION, tmp_path, secure=True)
    headers = answer["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    policy = dict(
        part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";")
    )
    assert policy == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "frame-ancestors": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
    }
    assert answer["session_cookie_secure"] and answer["csrf_cookie_secure"]
    assert answer["session_cookie_httponly"]


def test_the_forwarded_scheme_is_believed_only_behind_a_proxy(tmp_path):
    direct = _probe(PRODUCTION, tmp_path, HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" not in direct["headers"]
    assert direct["status"] == 200  # the landing page over plain HTTP: no redirect to HTTPS

    proxied = {**PRODUCTION, "TECHMARKET_BEHIND_PROXY": "1"}
    secure = _probe(proxied, tmp_path, HTTP_X_FORWARDED_PROTO="https")
    assert secure["headers"]["Strict-Transport-Security"].startswith("max-age=31536000")
    plain = _probe(proxied, tmp_path, HTTP_X_FORWARDED_PROTO="http")
    assert plain["status"] == 301
    assert plain["location"] == "https://jssc.example.cn/"


def test_development_answers_carry_the_same_content_security_policy():
    response = Client().get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_behind_a_proxy_the_client_is_the_address_the_proxy_appended():
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.2"
    )
    assert forwarded_client_ip(request) == "203.0.113.7"
    assert forwarded_client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


# --- Login lock-out (django-axes) -----------------------------------------------------------

PASSWORD = "correct horse battery staple"


@pytest.fixture
def back_office_admin(db):
    return get_user_model().objects.create_user(
        "admin", password=PASSWORD, is_staff=True, is_superuser=True
    )


def _log_in(client: Client, password: str, address: str = "198.51.100.4"):
    return client.post(
        "/admin/login/",
        {"username": "admin", "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_the_right_password_logs_in_after_four_failures(back_office_admin):
    client = Client()
    for _ in range(4):
        assert _log_in(client, "wrong").status_code == 200  # the form again, with an error
    assert _log_in(client, PASSWORD).status_code == 302


def test_five_failed_logins_lock_the_user_out_even_with_the_right_password(back_office_admin):
    client = Client()
    for _ in range(5):
        _log_in(client, "wrong")
    refused = _log_in(client, PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_out_holds_one_username_at_one_address(back_office_admin):
    for _ in range(5):
        _log_in(Client(), "wrong", address="198.51.100.4")
    assert _log_in(Client(), PASSWORD, address="203.0.113.9").status_code == 302
