"""技术性收入核定 over the API: declare, verify with If-Match, the 核定表 as PDF."""

from __future__ import annotations

import pytest

from techmarket.registry.audit import verify
from tests.pdf_text import needs_pdftotext, pdf_text
from tests.registry.flow import registered

pytestmark = pytest.mark.django_db
YEAR = {"year": 2025, "received": "600000.00", "technical": "500000.00", "note": "回单 3 张"}


@pytest.fixture
def contract(seller, registrar, agencies, now):
    return registered(seller, registrar, agencies["city"], now)


def declared(api_as, seller, contract, **body):  # type: ignore[no-untyped-def]
    answer = api_as(seller).post(f"/contracts/{contract.pk}/income", {**YEAR, **body})
    assert answer.status_code == 201, answer.json()
    return answer


@needs_pdftotext
def test_the_seller_declares_the_registrar_verifies_and_the_sheet_prints(
    api_as, seller, registrar, contract
):
    answer = declared(api_as, seller, contract)
    body = answer.json()
    assert (body["status"], body["technical_income"], body["version"]) == (
        "declared",
        "500000.00",
        1,
    )
    assert answer["ETag"] == '"1"'
    assert answer["Location"] == f"/api/v1/contracts/{contract.pk}/income"

    verified = api_as(registrar).post(
        f"/contracts/{contract.pk}/income/{body['id']}/verify",
        {"note": "与回单相符"},
        **{"If-Match": answer["ETag"]},
    )
    assert verified.status_code == 200, verified.json()
    assert (verified.json()["status"], verified["ETag"]) == ("verified", '"2"')

    sheet = api_as(seller).get(f"/contracts/{contract.pk}/income-sheet.pdf")
    assert (sheet.status_code, sheet["Content-Type"]) == (200, "application/pdf")
    text = pdf_text(sheet.content)
    assert "500,000.00" in text and "伍拾万元整" in text
    history = api_as(seller).get(f"/contracts/{contract.pk}/history").json()
    assert [e["action"] for e in history[-2:]] == ["declare_income", "verify_income"]
    assert verify().ok


def test_over_the_tech_amount_answers_422_with_the_code_and_both_messages(api_as, seller, contract):
    declared(api_as, seller, contract)
    refused = api_as(seller).post(
        f"/contracts/{contract.pk}/income",
        {"year": 2026, "received": "400000.00", "technical": "300000.01"},
    )
    problem = refused.json()
    assert (refused.status_code, problem["code"]) == (422, "technical_income_exceeds_tech_amount")
    assert "技术交易额" in problem["message"] and "technology transaction" in problem["message_en"]


def test_a_stale_if_match_answers_412_and_changes_nothing(
    api_as, seller, registrar, second_registrar, contract
):
    answer = declared(api_as, seller, contract)
    path = f"/contracts/{contract.pk}/income/{answer.json()['id']}"
    returned = api_as(second_registrar).post(
        f"{path}/return", {"note": "缺回单"}, **{"If-Match": answer["ETag"]}
    )
    assert returned.status_code == 200
    stale = api_as(registrar).post(f"{path}/verify", **{"If-Match": answer["ETag"]})
    assert (stale.status_code, stale.json()["code"]) == (412, "stale_version")
    listed = api_as(registrar).get(f"/contracts/{contract.pk}/income").json()
    assert [(d["status"], d["decided_by"]) for d in listed] == [("returned", "second_registrar")]


def test_a_return_needs_a_note(api_as, seller, registrar, contract):
    answer = declared(api_as, seller, contract)
    refused = api_as(registrar).post(
        f"/contracts/{contract.pk}/income/{answer.json()['id']}/return", {"note": ""}
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "note_required")


def test_a_declaration_under_another_contracts_path_is_not_found(
    api_as, seller, registrar, contract, agencies, now
):
    other = registered(seller, registrar, agencies["city"], now, external_id="GZ-2025-018")
    answer = declared(api_as, seller, contract)
    refused = api_as(registrar).post(f"/contracts/{other.pk}/income/{answer.json()['id']}/verify")
    assert (refused.status_code, refused.json()["code"]) == (404, "income_declaration_not_found")


def test_no_sheet_before_a_year_is_verified(api_as, seller, contract):
    declared(api_as, seller, contract)
    refused = api_as(seller).get(f"/contracts/{contract.pk}/income-sheet.pdf")
    assert (refused.status_code, refused.json()["code"]) == (409, "no_verified_income")


def test_a_contract_still_under_review_takes_no_declaration(api_as, seller, agencies, now):
    from tests.registry.flow import submitted

    contract = submitted(seller, agencies["city"], now)
    refused = api_as(seller).post(f"/contracts/{contract.pk}/income", YEAR)
    assert (refused.status_code, refused.json()["code"]) == (409, "income_contract_not_registered")
