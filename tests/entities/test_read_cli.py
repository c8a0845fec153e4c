"""`techmarket entities list|show|expiring|candidates|stage`, in process."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from techmarket.cli.main import app
from techmarket.entities import services
from tests.entities.builders import firm, recognise

pytestmark = pytest.mark.django_db
runner = CliRunner()


def _json(*args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["entities", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_filters_by_status_as_of_a_date_and_region(registrar):
    in_force = recognise(firm(region="440106"), date(2023, 12, 28))
    recognise(firm(region="440112"), date(2021, 3, 1))
    found = _json("list", "--as", "registrar", "--status", "recognised", "--as-of", "2025-06-16")
    assert [i["id"] for i in found["items"]] == [in_force.pk]
    expired = _json("list", "--status", "expired", "--as-of", "2025-06-16", "--region", "440112")
    assert len(expired["items"]) == 1 and expired["items"][0]["status"] == "expired"
    shown = runner.invoke(app, ["entities", "list", "--kind", "high_tech_enterprise"])
    assert shown.exit_code == 0 and "有效" in shown.stdout and "已过期" in shown.stdout


def test_a_district_registrar_is_refused_another_district(other_district_registrar):
    result = runner.invoke(
        app, ["entities", "list", "--as", "other_district_registrar", "--region", "440106"]
    )
    assert result.exit_code == 3 and "管辖范围" in result.output


def test_show_names_the_organisation_with_its_certificates(registrar):
    party = firm("广州展示科技有限公司")
    cert = recognise(party, date(2024, 11, 20))
    detail = _json("show", party.identifier, "--as", "registrar")
    assert detail["name"] == "广州展示科技有限公司"
    assert detail["recognitions"][0]["number"] == cert.number
    result = runner.invoke(app, ["entities", "show", str(party.pk)])
    assert result.exit_code == 0 and "广州展示科技有限公司" in result.stdout
    missing = runner.invoke(app, ["entities", "show", "999999"])
    assert missing.exit_code == 4


def test_expiring_within_months(registrar):
    soon = recognise(firm(), date(2022, 12, 1))
    recognise(firm(), date(2023, 12, 1))
    found = _json("expiring", "--within-months", "6", "--as-of", "2025-06-16")
    assert [i["id"] for i in found["items"]] == [soon.pk]
    wider = _json("expiring", "--within-months", "18", "--as-of", "2025-06-16")
    assert len(wider["items"]) == 2


def test_candidates_and_a_stage_move_with_its_version(agency_admin, registrar, now):
    row, _ = services.save_candidate(
        firm(),
        kind="high_tech_enterprise",
        round_name="2025年第一批",
        year=2025,
        district="440106",
        actor=agency_admin,
        now=now,
    )
    board = _json("candidates", "--as", "registrar")
    assert board["round"] == "2025年第一批" and board["yield"][0]["candidates"] == 1
    moved = _json("stage", str(row.pk), "applied", "--as", "agency_admin")
    assert moved["stage"] == "applied" and moved["version"] == 2
    again = ["stage", str(row.pk), "recognised", "--as", "agency_admin"]
    stale = runner.invoke(app, ["entities", *again, "--expected-version", "1"])
    assert stale.exit_code == 6 and "entities candidates" in stale.output
    refused = runner.invoke(app, ["entities", "stage", str(row.pk), "dropped", "--as", "registrar"])
    assert refused.exit_code == 3
    table = runner.invoke(app, ["entities", "candidates", "--round", "2025年第一批"])
    assert table.exit_code == 0 and "100.0" in table.stdout
