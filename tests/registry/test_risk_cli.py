"""`techmarket risk scan` and `risk show`: the scan's counts as JSON, a contract's signals."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from techmarket.cli.main import app
from tests.registry.flow import submitted

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_the_scan_counts_what_it_found_and_show_explains_it(agencies, seller, registrar, now):
    first = submitted(seller, agencies["city"], now, external_id="CLI-1")
    second = submitted(seller, agencies["city"], now, external_id="CLI-2")
    result = runner.invoke(app, ["risk", "scan", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["contracts"] == 2 and report["by_signal"]["duplicate"] == 2
    shown = runner.invoke(app, ["risk", "show", str(first.pk), "--as", "registrar", "--json"])
    assert shown.exit_code == 0, shown.output
    (signal,) = json.loads(shown.stdout)["signals"]
    assert signal["signal"] == "duplicate" and signal["related"][0]["id"] == second.pk


def test_the_seller_is_refused_the_signals(agencies, seller, now):
    first = submitted(seller, agencies["city"], now, external_id="CLI-1")
    runner.invoke(app, ["risk", "scan"])
    shown = runner.invoke(app, ["risk", "show", str(first.pk), "--as", "seller"])
    assert shown.exit_code != 0 and "登记机构工作人员" in shown.output
