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


TRAINED = "tech_transfer_professionals_trained"
PLAN = "gz-sti-2019-2021"


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_actuals_entered_on_the_command_line_count_in_progress(guangzhou):
    for period, value in (("2020-Q1", "100"), ("2020-Q2", "150")):
        done = invoke("targets", "actual", "set", PLAN, TRAINED, period, value, "--user", "lin")
        assert done.exit_code == 0, done.output
    corrected = invoke(
        "targets", "actual", "set", PLAN, TRAINED, "2020-Q2", "200", "--note", "更正", "--json"
    )
    assert corrected.exit_code == 0, corrected.output
    assert json.loads(corrected.stdout)["replaced_value"] == "150"
    done = invoke("targets", "progress", PLAN, "--as-of", "2020-06-30", "--json")
    [trained] = [i for i in json.loads(done.stdout)["indicators"] if i["indicator"] == TRAINED]
    assert (trained["actual"], trained["target"], trained["completion_pct"]) == (
        "300.00",
        "500.00",
        "60.00",
    )
    listed = json.loads(invoke("targets", "actual", "list", PLAN, "--history", "--json").stdout)
    assert [(a["period"], a["value"], a["in_force"]) for a in listed["actuals"]] == [
        ("2020-Q1", "100", True),
        ("2020-Q2", "150", False),
        ("2020-Q2", "200", True),
    ]
    assert listed["actuals"][0]["entered_by"] == "lin"
    in_force = json.loads(invoke("targets", "actual", "list", PLAN, "--json").stdout)
    assert [a["value"] for a in in_force["actuals"]] == ["100", "200"]


@pytest.mark.parametrize(
    ("args", "exit_code", "says", "code"),
    [
        (("no-plan", TRAINED, "2020-06", "1"), 4, "gz-sti-2019-2021", "plan_not_found"),
        ((PLAN, "nobody", "2020-06", "1"), 4, "high_tech_enterprises", "indicator_not_in_plan"),
        (
            (PLAN, "tech_contract_turnover", "2020-06", "1"),
            1,
            "登记数据计算",
            "indicator_not_entered",
        ),
        ((PLAN, TRAINED, "2020-13", "1"), 1, "YYYY-Qn", "bad_period"),
        ((PLAN, TRAINED, "2020-06", "--", "-5"), 1, "不能为负数", "figure_negative"),
    ],
)
def test_bad_actuals_are_refused_with_a_readable_line(agencies, args, exit_code, says, code):
    done = invoke("targets", "actual", "set", *args)
    assert done.exit_code == exit_code, done.output
    assert says in done.output and "Traceback" not in done.output
    assert f"({code})" in done.output


def test_an_unknown_plan_is_explained_with_the_commands_hint(agencies):
    done = invoke("targets", "actual", "list", "no-plan", "--json")
    assert done.exit_code == 4
    error = json.loads(done.stdout)["error"]
    assert (error["code"], error["plan"]) == ("plan_not_found", "no-plan")
    assert "targets import" in error["message"] and "targets import" in error["message_en"]


def test_a_plan_file_the_operator_names_is_read_without_being_stored(agencies, tmp_path):
    from techmarket.stats.models import StoredPlan
    from techmarket.stats.targets import example_plans

    text = example_plans()[0].read_text(encoding="utf-8").replace(PLAN, "gz-draft")
    (tmp_path / "draft.toml").write_text(text, encoding="utf-8")
    done = invoke("targets", "actual", "list", str(tmp_path / "draft.toml"), "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["plan"] == "gz-draft"
    assert not StoredPlan.objects.exists()


def test_a_second_granularity_in_a_year_is_refused_with_the_commands_hint(agencies):
    assert invoke("targets", "actual", "set", PLAN, TRAINED, "2020-Q1", "100").exit_code == 0
    done = invoke("targets", "actual", "set", PLAN, TRAINED, "2020-02", "30", "--json")
    assert done.exit_code == 1
    error = json.loads(done.stdout)["error"]
    assert error["code"] == "mixed_granularity" and error["periods"] == ["2020-Q1"]
    assert "targets actual remove" in error["message"]


def test_imported_plans_are_stored_and_listed_with_the_examples(agencies, tmp_path):
    from techmarket.stats.models import StoredPlan
    from techmarket.stats.targets import example_plans

    text = example_plans()[0].read_text(encoding="utf-8").replace(PLAN, "gz-copy")
    (tmp_path / "copy.toml").write_text(text, encoding="utf-8")
    done = invoke("targets", "import", str(tmp_path / "copy.toml"), "--user", "lin")
    assert done.exit_code == 0, done.output
    assert StoredPlan.objects.get().code == "gz-copy"
    listed = json.loads(invoke("targets", "list", "--json").stdout)["plans"]
    assert [(p["code"], p["origin"], p["imported_by"]) for p in listed] == [
        ("gz-copy", "imported", "lin"),
        (PLAN, "example", None),
    ]


def test_progress_is_read_within_the_readers_jurisdiction(
    guangzhou, analyst, other_district_registrar
):
    args = ["targets", "progress", "gz-sti-2019-2021", "--as-of", "2020-06-30", "--json"]
    assert runner.invoke(app, [*args, "--as", "analyst"]).exit_code == 0
    refused = runner.invoke(app, [*args, "--as", "other_district_registrar"])
    assert refused.exit_code == 3
    assert json.loads(refused.stdout)["error"]["code"] == "region_not_in_jurisdiction"
