"""A refusal on the command line: the service says what is wrong, the command line how to fix it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from techmarket.cli.main import app
from techmarket.cli.output import HINTS
from tests.registry.flow import registered

pytestmark = pytest.mark.django_db
runner = CliRunner()
SRC = Path(__file__).resolve().parents[2] / "src" / "techmarket"


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_a_cancellation_without_a_note_is_refused_with_the_hint_to_use_note(
    seller, registrar, agencies, now
):
    contract = registered(seller, registrar, agencies["city"], now)
    result = invoke(
        "contracts", "cancel", contract.pk, "--as", "registrar", "--note", " ", "--json"
    )
    assert result.exit_code == 1, result.output
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "note_required"
    assert "--note" not in error["message"] + error["message_en"]
    assert "--note" in error["hint"] and "--note" in error["hint_en"]


def test_the_hint_is_printed_after_the_message_for_people(seller, registrar, agencies, now):
    contract = registered(seller, registrar, agencies["city"], now)
    result = invoke("contracts", "cancel", contract.pk, "--as", "registrar", "--note", "")
    assert result.exit_code == 1
    message = result.output.index("注销登记须说明理由")
    assert result.output.index("--note") > message
    assert "hint: give the explanation with --note" in result.output


@pytest.mark.parametrize(
    ("args", "code", "option"),
    [
        (("--role", "analyst"), "agency_required", "--agency"),
        (("--role", "seller"), "party_required", "--party"),
    ],
)
def test_a_user_without_their_agency_or_organisation_is_told_which_option_names_it(
    agencies, args, code, option
):
    result = invoke("users", "add", "someone", *args, "--json")
    assert result.exit_code == 1, result.output
    error = json.loads(result.stdout)["error"]
    assert error["code"] == code
    assert option not in error["message"] + error["message_en"]
    assert option in error["hint"] and option in error["hint_en"]


def test_a_clashing_number_format_names_the_option_only_in_the_hint(agencies):
    result = invoke(
        "agencies", "add", "C440100X", "--name", "广州二处", "--region", "440100", "--json"
    )
    assert result.exit_code == 1, result.output
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "number_format_clash"
    assert "--number-format" not in error["message"] + error["message_en"]
    assert "--number-format" in error["hint"]


def test_a_refusal_that_needs_no_hint_carries_none(agencies):
    result = invoke("users", "add", " ", "--role", "analyst", "--agency", "C440100", "--json")
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "username_blank"
    assert "hint" not in error and "hint_en" not in error


def test_every_hint_belongs_to_a_code_some_refusal_raises():
    raised = "\n".join(path.read_text(encoding="utf-8") for path in SRC.rglob("*.py"))
    assert [code for code in HINTS if f'code="{code}"' not in raised] == []


def test_every_hint_is_given_in_chinese_and_in_english():
    for code, (zh, en) in HINTS.items():
        assert zh.strip() and en.strip() and zh != en, code
