"""Action-plan progress from the command line, with the registry as the source of actuals."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from techmarket.cli.main import app
from techmarket.registry.actors import system_actor
from techmarket.registry.importer import import_records
from techmarket.synth.contracts import generate

pytestmark = pytest.mark.django_db
runner = CliRunner()


@pytest.fixture
def guangzhou(agencies, tmp_path, monkeypatch, settings):
    monkeypatch.setenv("TECHMARKET_STATS_PATH", str(tmp_path / "stats.duckdb"))
    settings.VAR_DIR = tmp_path
    rows = list(
        generate(
            600,
            years=[2019, 2020],
            region="440100",
            seed=9,
            as_registered=True,
            agency_code="C440100",
            today=date(2021, 1, 1),
        )
    )
    result = import_records(
        list(enumerate(rows, 1)),
        agency=agencies["city"],
        actor=system_actor(agencies["city"]),
        now=timezone.now(),
        as_registered=True,
    )
    assert result.ok
    return rows


def test_half_year_progress_of_turnover_is_computed_from_registered_contracts(guangzhou):
    done = runner.invoke(
        app, ["targets", "progress", "gz-sti-2019-2021", "--as-of", "2020-06-30", "--json"]
    )
    assert done.exit_code == 0, done.output
    turnover = json.loads(done.stdout)["indicators"][0]
    expected = (
        sum(
            Decimal(r["total_amount"])
            for r in guangzhou
            if "2020-01-01" <= r["registered_on"] <= "2020-06-30"
        )
        / Decimal(10) ** 8
    )
    assert Decimal(turnover["actual"]) == expected.quantize(Decimal("0.01"))
    assert turnover["elapsed_pct"] == "49.73"
    assert turnover["target"] == "1000.00"
    assert "时间过半" in turnover["verdict"]
    assert "2019" in turnover["projection_method"]  # the 2019 seasonal pattern was used


def test_a_plan_file_is_checked_before_it_is_stored(guangzhou, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[plan]\ncode = "x"\nname = "x"\nregion = "440100"\n', encoding="utf-8")
    done = runner.invoke(app, ["targets", "import", str(bad)])
    assert done.exit_code != 0
    assert "Traceback" not in done.output
