"""`techmarket contracts certificate` and `batch-list` write PDFs for whoever may have them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.registry.flow import registered, registered_large

pytestmark = pytest.mark.django_db
runner = CliRunner()


def invoke(*args):
    from techmarket.cli.main import app

    return runner.invoke(app, [str(a) for a in args])


def test_the_seller_writes_the_certificate_by_registration_number(
    seller, registrar, agencies, now, tmp_path
):
    contract = registered(seller, registrar, agencies["city"], now)
    out = tmp_path / "certificate.pdf"
    result = invoke(
        "contracts", "certificate", contract.registration_number, "-o", out, "--as", "seller"
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")


def test_another_organisations_seller_is_told_there_is_no_such_contract(
    seller, outsider, registrar, agencies, now, tmp_path
):
    contract = registered(seller, registrar, agencies["city"], now)
    out = tmp_path / "certificate.pdf"
    result = invoke(
        "contracts",
        "certificate",
        contract.registration_number,
        "-o",
        out,
        "--as",
        "outsider",
        "--json",
    )
    assert result.exit_code == 4
    assert json.loads(result.stdout)["error"]["code"] == "contract_not_found"
    assert not out.exists()


def test_a_batch_list_mixing_large_and_small_contracts_is_refused(
    seller, registrar, second_registrar, agencies, now, tmp_path
):
    small = registered(seller, registrar, agencies["city"], now, external_id="S-1")
    large = registered_large(
        seller, registrar, second_registrar, agencies["city"], now, external_id="L-1"
    )
    out = tmp_path / "list.pdf"
    refused = invoke(
        "contracts", "batch-list", small.pk, large.pk, "-o", out, "--as", "seller", "--json"
    )
    assert refused.exit_code == 1
    assert json.loads(refused.stdout)["error"]["code"] == "batch_mixes_large_and_small"
    done = invoke(
        "contracts", "batch-list", small.registration_number, "-o", out, "--as", "seller", "--json"
    )
    assert done.exit_code == 0, done.output
    assert "/verify/L" in json.loads(done.stdout)["verify_url"]
    assert out.read_bytes().startswith(b"%PDF")
