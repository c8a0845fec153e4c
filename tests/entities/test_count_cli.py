"""`techmarket entities count` prints the count as of a date, within the reader's region."""

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from techmarket.cli.main import app
from tests.entities.builders import firm, recognise, trained_person

pytestmark = pytest.mark.django_db


def invoke(*args):
    return CliRunner().invoke(app, ["entities", "count", *args])


def test_the_count_of_high_tech_enterprises_in_a_city_on_a_date(agency_admin):
    recognise(firm(region="440106"), date(2020, 12, 1))
    recognise(firm(region="440112"), date(2021, 3, 1))
    args = ["--kind", "high_tech_enterprise", "--as-of", "2021-02-28", "--json"]
    result = invoke(*args, "--region", "440100", "--as", "agency_admin")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["count"] == 1
    assert (document["kind"], document["region"], document["as_of"]) == (
        "high_tech_enterprise",
        "440100",
        "2021-02-28",
    )
    later = json.loads(
        invoke(
            "--kind",
            "high_tech_enterprise",
            "--as-of",
            "2021-03-01",
            "--json",
            "--as",
            "agency_admin",
        ).output
    )
    assert (later["count"], later["region"]) == (2, "440100")  # the reader's own region


def test_a_reader_cannot_count_outside_their_region(other_agency_admin):
    result = invoke("--kind", "tech_sme", "--region", "440100", "--as", "other_agency_admin")
    assert result.exit_code != 0 and "region_not_in_jurisdiction" in result.output + str(
        result.exception
    )


def test_people_trained_and_completions_since_a_date(analyst):
    trained_person("甲", [("2021-02-01", "junior_broker"), ("2021-06-01", "senior_manager")])
    args = ["--kind", "trained_person", "--as-of", "2021-12-31", "--json", "--as", "analyst"]
    assert json.loads(invoke(*args).output)["count"] == 1
    completions = json.loads(invoke(*args, "--measure", "training_completions").output)
    assert (completions["count"], completions["since"]) == (2, "2021-01-01")
    senior = json.loads(invoke(*args, "--level", "senior_manager").output)
    assert senior["count"] == 1 and senior["levels"] == ["senior_manager"]


def test_an_unknown_kind_is_refused_with_its_code(analyst):
    result = invoke("--kind", "unicorn", "--json", "--as", "analyst")
    assert result.exit_code != 0 and "unknown_entity_kind" in result.output
