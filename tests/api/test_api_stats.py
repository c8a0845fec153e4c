"""/stats/tables and /targets/progress: the CLI's figures, within the caller's region."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from techmarket.cli.main import app
from techmarket.stats.refresher import refresh
from techmarket.synth.contracts import generate
from tests.stats.helpers import import_registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(agencies, tmp_path, monkeypatch):
    """120 registered Guangzhou contracts, and the snapshot published for readers."""
    monkeypatch.setenv("TECHMARKET_STATS_PATH", str(tmp_path / "stats.duckdb"))
    rows = generate(
        120,
        years=[2024, 2025],
        region="440100",
        seed=4,
        as_registered=True,
        agency_code="C440100",
        today=date(2026, 1, 1),
    )
    import_registered(agencies["city"], rows)
    refresh()


def test_an_analyst_reads_the_same_table_as_the_command_line(api_as, analyst, published):
    answer = api_as(analyst).get("/stats/tables/by_field?period=2025H1&region=440100&view=output")
    assert answer.status_code == 200, answer.json()
    done = CliRunner().invoke(
        app,
        [
            "stats",
            "table",
            "by_field",
            "--period",
            "2025H1",
            "--region",
            "440100",
            "--view",
            "output",
            "--json",
        ],
    )
    assert done.exit_code == 0, done.output
    assert answer.json()["rows"] == json.loads(done.stdout)["rows"]
    assert answer.json()["rows"]  # not an empty table compared with an empty table


def test_without_a_region_the_analyst_reads_their_own(api_as, analyst, published):
    answer = api_as(analyst).get("/stats/tables/overview?period=2025")
    assert answer.json()["region"].startswith("440000")


def test_an_analyst_cannot_read_another_provinces_figures(api_as, analyst, published):
    answer = api_as(analyst).get("/stats/tables/overview?period=2025&region=110000")
    assert (answer.status_code, answer.json()["code"]) == (403, "region_not_in_jurisdiction")


def test_an_analyst_ranks_every_county_of_the_province_as_the_command_line_does(
    api_as, analyst, published
):
    query = "period=2025&view=output&level=county"
    answer = api_as(analyst).get(f"/stats/tables/by_region?{query}")
    assert answer.status_code == 200, answer.json()
    args = ["--period", "2025", "--region", "440000", "--view", "output", "--level", "county"]
    done = CliRunner().invoke(app, ["stats", "table", "by_region", *args, "--json"])
    assert done.exit_code == 0, done.output
    assert answer.json()["rows"] == json.loads(done.stdout)["rows"]
    assert answer.json()["level"] == "county"
    assert {r["code"][:4] for r in answer.json()["rows"]} == {"4401"}  # districts, not the city


def test_a_level_not_below_the_region_is_a_problem(api_as, analyst, published):
    bad = api_as(analyst).get("/stats/tables/by_region?period=2025&level=province")
    assert (bad.status_code, bad.json()["code"]) == (422, "level_not_below_region")


def test_a_seller_reads_no_statistics(api_as, seller, published):
    answer = api_as(seller).get("/stats/tables/overview?period=2025")
    assert (answer.status_code, answer.json()["code"]) == (403, "statistics_not_for_role")


def test_an_unknown_table_or_period_is_a_problem(api_as, analyst, published):
    assert api_as(analyst).get("/stats/tables/nothing?period=2025").status_code == 404
    bad = api_as(analyst).get("/stats/tables/overview?period=2025H3")
    assert (bad.status_code, bad.json()["code"]) == (422, "bad_period")


def test_plan_progress_for_the_plans_region(api_as, analyst, published):
    answer = api_as(analyst).get("/targets/gz-sti-2019-2021/progress?as_of=2020-06-30")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["plan"] == "gz-sti-2019-2021"
    assert answer.json()["indicators"]


def test_plan_progress_outside_the_readers_region_is_refused(
    api_as, other_district_registrar, published
):
    answer = api_as(other_district_registrar).get(
        "/targets/gz-sti-2019-2021/progress?as_of=2020-06-30"
    )
    assert (answer.status_code, answer.json()["code"]) == (403, "region_not_in_jurisdiction")


def test_agency_quality_is_the_document_the_command_line_prints(
    api_as, analyst, seller, registrar, agencies, now
):
    from tests.registry.flow import registered

    registered(seller, registrar, agencies["city"], now)
    answer = api_as(analyst).get("/stats/agencies?period=2025-06&region=440100")
    assert answer.status_code == 200, answer.json()
    done = CliRunner().invoke(
        app, ["stats", "agencies", "--period", "2025-06", "--region", "440100", "--json"]
    )
    assert done.exit_code == 0, done.output
    assert answer.json() == json.loads(done.stdout)
    assert answer.json()["agencies"][0]["registered"] == 1
