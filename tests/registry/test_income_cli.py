"""`techmarket income`: the seller declares, the registrar verifies, the sheet is written."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.pdf_text import needs_pdftotext, pdf_text
from tests.registry.flow import registered

pytestmark = pytest.mark.django_db
runner = CliRunner()


def invoke(*args):
    from techmarket.cli.main import app

    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def contract(seller, registrar, agencies, now):
    return registered(seller, registrar, agencies["city"], now)


def declared(contract, year=2025, technical="300000.00"):
    result = invoke(
        "income", "declare", contract.registration_number, "--year", year,
        "--received", "400000.00", "--technical", technical, "--as", "seller", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@needs_pdftotext
def test_the_seller_declares_the_registrar_verifies_and_the_sheet_is_written(contract, tmp_path):
    declaration = declared(contract)
    assert (declaration["status"], declaration["technical_income"]) == ("declared", "300000.00")
    verified = invoke(
        "income", "verify", declaration["id"], "--as", "registrar",
        "--expected-version", 1, "--json",
    )  # fmt: skip
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.stdout)["status"] == "verified"
    listed = invoke("income", "list", contract.pk, "--as", "seller")
    assert "已核定" in listed.stdout and "300,000.00" in listed.stdout
    out = tmp_path / "income.pdf"
    written = invoke("income", "sheet", contract.pk, "-o", out, "--as", "seller")
    assert written.exit_code == 0, written.output
    assert "叁拾万元整" in pdf_text(out.read_bytes())
    assert invoke("audit", "verify").exit_code == 0


def test_over_the_tech_amount_is_refused_with_its_code(contract):
    declared(contract, 2025, "400000.00")
    refused = invoke(
        "income", "declare", contract.pk, "--year", 2026, "--received", "500000",
        "--technical", "400000.01", "--as", "seller", "--json",
    )  # fmt: skip
    assert refused.exit_code == 1
    error = json.loads(refused.stdout)["error"]
    assert error["code"] == "technical_income_exceeds_tech_amount"
    assert error["room"] == "400000.00"


def test_a_return_without_a_note_is_refused_with_the_hint(contract):
    declaration = declared(contract)
    refused = invoke("income", "return", declaration["id"], "--note", " ", "--as", "registrar")
    assert refused.exit_code == 1
    assert "note_required" in refused.output and "--note" in refused.output


def test_a_stale_version_exits_6_and_points_to_the_list(contract):
    declaration = declared(contract)
    invoke("income", "return", declaration["id"], "--note", "缺回单", "--as", "registrar")
    stale = invoke(
        "income", "verify", declaration["id"], "--expected-version", 1,
        "--as", "registrar", "--json",
    )  # fmt: skip
    assert stale.exit_code == 6
    assert "techmarket income list" in json.loads(stale.stdout)["error"]["hint"]


def test_a_registrar_of_another_district_is_told_there_is_no_such_declaration(
    contract, other_district_registrar
):
    declaration = declared(contract)
    refused = invoke(
        "income", "verify", declaration["id"], "--as", "other_district_registrar", "--json"
    )
    assert refused.exit_code == 4
    assert json.loads(refused.stdout)["error"]["code"] == "income_declaration_not_found"


def test_no_sheet_before_a_year_is_verified(contract, tmp_path):
    declared(contract)
    out = tmp_path / "income.pdf"
    refused = invoke("income", "sheet", contract.pk, "-o", out, "--as", "seller", "--json")
    assert refused.exit_code == 5
    assert json.loads(refused.stdout)["error"]["code"] == "no_verified_income"
    assert not out.exists()
