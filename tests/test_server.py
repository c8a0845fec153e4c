"""`techmarket serve` runs gunicorn with whitenoise; the development server stays one flag away."""

from __future__ import annotations

import gzip
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import techmarket
from techmarket.server.wsgi_server import ServerOptions, default_workers

SRC = Path(techmarket.__file__).resolve().parents[1]


def test_two_workers_per_core_and_never_fewer_than_two(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert default_workers() == 2
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2}, raising=False)
    assert default_workers() == 6


def test_one_thread_per_worker_is_the_sync_worker_and_more_are_threads():
    assert ServerOptions().gunicorn_settings()["worker_class"] == "sync"
    threaded = ServerOptions(threads=4).gunicorn_settings()
    assert (threaded["worker_class"], threaded["threads"]) == ("gthread", 4)


def test_what_is_loaded_before_forking_is_frozen_out_of_garbage_collection():
    import gc

    from techmarket.server.wsgi_server import GC_THRESHOLDS, settle_before_forking

    before = gc.get_threshold()
    try:
        settle_before_forking()
        assert gc.get_freeze_count() > 10_000  # Django and techmarket's modules, at least
        assert gc.get_threshold() == GC_THRESHOLDS
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_the_url_map_and_region_codes_are_loaded_before_the_workers_fork():
    """Else each worker's first request imports every view (about 1.5 s of CPU)."""
    probe = (
        "import os, sys, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'techmarket.settings';"
        " django.setup();"
        " from techmarket.codes import regions;"
        " from techmarket.server.wsgi_server import load_before_forking;"
        " before = ('techmarket.urls' in sys.modules, regions._records.cache_info().currsize);"
        " load_before_forking();"
        " print(before, ('techmarket.urls' in sys.modules, regions._records.cache_info().currsize))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    ).stdout.strip()
    assert out == "(False, 0) (True, 1)"


def test_the_server_binds_the_host_and_port_asked_for():
    settings = ServerOptions(host="0.0.0.0", port=8080, workers=3).gunicorn_settings()
    assert settings["bind"] == "0.0.0.0:8080"
    assert settings["workers"] == 3
    assert ServerOptions(host="::1", port=8000).url == "http://[::1]:8000/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, dict(response.headers), response.read()


def _wait_for(url: str, server: subprocess.Popen, seconds: float):
    deadline = time.monotonic() + seconds
    while True:
        try:
            return _get(url)
        # A slow first answer (a loaded machine, the first OpenAPI document) is "not yet" too.
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.slow
def test_serve_answers_pages_and_static_files_in_production_mode(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TECHMARKET_")}
    env.update(
        TECHMARKET_DEBUG="0",
        TECHMARKET_SECRET_KEY="a-real-secret-for-the-test-0123456789-abcdefghijklmnopqrstuvwxyz",
        TECHMARKET_ALLOWED_HOSTS="127.0.0.1",
        TECHMARKET_VAR_DIR=str(tmp_path),
        PYTHONPATH=os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]),
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "techmarket.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # serve migrates, collects static files and starts four helper processes first: on a
        # loaded two-core machine (the suite runs two at once) that took over 20 s
        status, headers, _ = _wait_for(f"{base}/admin/login/", server, seconds=60)
        assert status == 200
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        status, headers, body = _get(
            f"{base}/static/admin/css/base.css", **{"Accept-Encoding": "gzip"}
        )
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        assert headers.get("Content-Encoding") == "gzip"
        assert b"font-family" in gzip.decompress(body)
        assert (tmp_path / "static" / "staticfiles.json").exists()  # collected at start
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            output, _ = server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate()
    assert f"http://127.0.0.1:{port}/" in output
    assert server.returncode == 0, output[-3000:]
