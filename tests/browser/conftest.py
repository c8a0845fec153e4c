"""Real Chromium (Debian's, DESIGN.md §7) driven by Playwright against Django's live server.

Every page a test opens is watched: a console error, an uncaught page error, or a request to
any host but the test server fails the test. On failure the page is saved as a screenshot
under var/test-screenshots/. With TECHMARKET_SCREENSHOTS=1 the journey writes one screenshot
per main page into docs/screenshots/ (`scripts/screenshots`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; the database calls made here by
# fixtures are still plain synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("TECHMARKET_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",
]
ROOT = Path(__file__).resolve().parents[2]
FAILURE_SHOTS = ROOT / "var" / "test-screenshots"
DOC_SHOTS = ROOT / "docs" / "screenshots"


def _chromium_or_skip() -> str:
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return CHROMIUM
    if os.environ.get("TECHMARKET_REQUIRE_BROWSER") == "1":
        pytest.fail(f"Chromium is required but not found at {CHROMIUM} (apt-get install chromium)")
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = _chromium_or_skip()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Watch:
    """What went wrong in the browser while a test ran."""

    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert not self.foreign_requests, f"requests to other hosts: {self.foreign_requests}"
        assert not self.console_errors, f"console errors: {self.console_errors}"


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def open_page(browser, live_server, watch, request):  # type: ignore[no-untyped-def]
    """A new browser context (its own cookies) on a 1280 px screen; call it once per person."""
    contexts = []
    server = urlsplit(live_server.url).netloc

    def make(width: int = 1280, height: int = 900):  # type: ignore[no-untyped-def]
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="zh-CN",
            accept_downloads=True,
            base_url=live_server.url,
        )
        context.set_default_timeout(10_000)

        def guard(route):  # type: ignore[no-untyped-def]
            if urlsplit(route.request.url).netloc not in (server, ""):
                watch.foreign_requests.append(route.request.url)
                route.abort()
            else:
                route.continue_()

        context.route("**/*", guard)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                watch.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: watch.console_errors.append(str(error)))
        contexts.append((context, page))
        return page

    yield make
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        FAILURE_SHOTS.mkdir(parents=True, exist_ok=True)
        for index, (_, page) in enumerate(contexts):
            page.screenshot(path=FAILURE_SHOTS / f"{request.node.name}-{index}.png", full_page=True)
    for context, _ in contexts:
        context.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def document(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """One screenshot per main page for docs/, when asked for (`scripts/screenshots`)."""
    if os.environ.get("TECHMARKET_SCREENSHOTS") == "1":
        DOC_SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=DOC_SHOTS / f"{name}.png", full_page=True)


@pytest.fixture(autouse=True)
def audit_rows_removable_after_the_test(transactional_db):  # type: ignore[no-untyped-def]
    """A live-server test commits for real, and its teardown empties the tables. SQLite's
    flush deletes row by row, which the append-only guard on audit events refuses: lift the
    guard for that cleanup only, and put it back at once (PostgreSQL truncates, unguarded).

    That cleanup empties every table, the audit chain's head row too (a migration seeds it): a
    later live-server test finds it put back first."""
    from techmarket.domain.audit import GENESIS_HASH
    from techmarket.registry.models import AuditHead

    AuditHead.objects.get_or_create(pk=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH})
    yield
    from importlib import import_module

    from django.db import connection

    if connection.vendor != "sqlite":
        return
    guards = import_module("techmarket.registry.migrations.0002_audit_head_and_guards")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS registry_auditevent_no_delete")
        cursor.execute("DELETE FROM registry_auditevent")
        for statement in guards.SQLITE_GUARD:
            cursor.execute(statement)
