"""`techmarket entities revoke|move|rename`: one change through the services, refusals as exit codes."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from techmarket.cli.main import app
from techmarket.entities import counts
from techmarket.entities.models import PartyName, PartyRegion, Recognition
from tests.entities.builders import firm, recognise

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_an_agency_admin_revokes_a_certificate_from_a_date(agency_admin):
    row = recognise(firm("广州命令撤销科技有限公司"), date(2021, 12, 20))
    args = ["entities", "revoke", str(row.pk), "--on", "2023-01-01", "--reason", "抽查不合格"]
    done = runner.invoke(app, [*args, "--as", "agency_admin", "--json"])
    assert done.exit_code == 0, done.output
    answer = json.loads(done.stdout)
    assert (answer["revoked_on"], answer["version"]) == ("2023-01-01", 2)
    assert Recognition.objects.get().status == "revoked"
    again = runner.invoke(app, [*args, "--as", "agency_admin"])
    assert again.exit_code == 5, again.output  # already revoked: an invalid transition


def test_a_registrar_may_not_revoke(registrar):
    row = recognise(firm(), date(2021, 12, 20))
    done = runner.invoke(
        app,
        [
            "entities",
            "revoke",
            str(row.pk),
            "--on",
            "2023-01-01",
            "--reason",
            "x",
            "--as",
            "registrar",
        ],
    )
    assert done.exit_code == 3, done.output
    assert Recognition.objects.get().status == "recognised"


def test_a_move_by_credit_code_and_district_name_moves_the_count(agency_admin):
    party = firm("广州命令迁移科技有限公司", region="440106")
    recognise(party, date(2021, 12, 20))
    done = runner.invoke(
        app,
        [
            "entities",
            "move",
            party.identifier,
            "黄埔区",
            "--on",
            "2023-03-01",
            "--as",
            "agency_admin",
        ],
    )
    assert done.exit_code == 0, done.output
    assert PartyRegion.objects.filter(party=party).count() == 2
    assert counts.count("high_tech_enterprise", on=date(2023, 3, 1), region="440112") == 1
    assert counts.count("high_tech_enterprise", on=date(2023, 2, 28), region="440112") == 0


def test_a_district_admin_may_not_move_a_firm_between_two_other_districts(other_agency_admin):
    party = firm(region="440106")
    done = runner.invoke(
        app,
        [
            "entities",
            "move",
            str(party.pk),
            "440104",
            "--on",
            "2023-03-01",
            "--as",
            "other_agency_admin",
        ],
    )
    assert done.exit_code == 3, done.output
    assert not PartyRegion.objects.exists()


def test_a_rename_keeps_the_old_name(agency_admin):
    party = firm("广州命令旧名科技有限公司")
    done = runner.invoke(
        app,
        [
            "entities",
            "rename",
            str(party.pk),
            "广州命令新名科技有限公司",
            "--on",
            "2024-03-01",
            "--json",
        ],
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["name"] == "广州命令新名科技有限公司"
    assert PartyName.objects.get(party=party).name == "广州命令旧名科技有限公司"


def test_an_unknown_organisation_exits_4(agency_admin):
    done = runner.invoke(app, ["entities", "rename", "999999", "新名", "--on", "2024-03-01"])
    assert done.exit_code == 4, done.output
