"""Another system does the whole registration workflow over the API with tokens."""

from __future__ import annotations

import pytest

from techmarket.registry.audit import verify
from tests.api.conftest import record_body

pytestmark = pytest.mark.django_db
CITY_DRAFT = {"agency_code": "C440100", "record": record_body()}


def test_a_seller_drafts_and_submits_and_a_registrar_registers_it(api_as, seller, registrar):
    as_seller, as_registrar = api_as(seller), api_as(registrar)
    created = as_seller.post("/contracts", {"agency_code": "C440100", "record": record_body()})
    assert created.status_code == 201, created.json()
    contract_id = created.json()["id"]
    assert created["Location"] == f"/api/v1/contracts/{contract_id}"

    assert as_seller.post(f"/contracts/{contract_id}/actions/submit").json()["status"] == (
        "submitted"
    )
    for action in ("accept", "start_review"):
        done = as_registrar.post(f"/contracts/{contract_id}/actions/{action}")
        assert done.status_code == 200, done.json()
    registered = as_registrar.post(f"/contracts/{contract_id}/actions/register").json()

    assert registered["status"] == "registered"
    assert registered["registration_number"].endswith("000001")
    shown = as_seller.get(f"/contracts/{contract_id}").json()
    assert shown["registration_number"] == registered["registration_number"]
    history = as_seller.get(f"/contracts/{contract_id}/history").json()
    assert [e["action"] for e in history] == [
        "create",
        "submit",
        "accept",
        "start_review",
        "register",
    ]
    assert verify().ok


def test_the_draft_goes_to_the_most_local_agency_covering_the_seller(api_as, seller):
    created = api_as(seller).post("/contracts", {"record": record_body()}).json()
    assert api_as(seller).get(f"/contracts/{created['id']}").json()["agency"] == "D440106"


def test_a_retry_with_the_same_idempotency_key_returns_the_same_contract(api_as, seller):
    client = api_as(seller)
    first = client.post("/contracts", {"record": record_body()}, **{"Idempotency-Key": "k-1"})
    again = client.post("/contracts", {"record": record_body()}, **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]


def test_the_same_idempotency_key_with_other_content_is_a_conflict(api_as, seller):
    client = api_as(seller)
    client.post("/contracts", {"record": record_body()}, **{"Idempotency-Key": "k-1"})
    other = client.post(
        "/contracts", {"record": record_body(external_id="OTHER")}, **{"Idempotency-Key": "k-1"}
    )
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")


def test_an_invalid_record_answers_every_problem_as_problem_json(api_as, seller):
    answer = api_as(seller).post(
        "/contracts",
        {"record": record_body(seller_id="91350100M000100Y44", signed_on="2025-13-01")},
    )
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    body = answer.json()
    assert body["code"] == "validation_failed"
    assert {"seller_id", "signed_on"} <= {p["field"] for p in body["problems"]}
    assert all(p["message"] and p["message_en"] for p in body["problems"])


def test_an_unknown_record_key_is_refused_not_ignored(api_as, seller):
    answer = api_as(seller).post("/contracts", {"record": {**record_body(), "amount": "1"}})
    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_request"


def test_a_stale_if_match_answers_412_and_changes_nothing(api_as, seller, registrar):
    as_seller, as_registrar = api_as(seller), api_as(registrar)
    contract_id = as_seller.post("/contracts", CITY_DRAFT).json()["id"]
    submitted = as_seller.post(f"/contracts/{contract_id}/actions/submit")
    version = submitted["ETag"]
    stale = as_registrar.post(f"/contracts/{contract_id}/actions/accept", **{"If-Match": '"1"'})
    assert (stale.status_code, stale.json()["code"]) == (412, "stale_version")
    assert as_registrar.get(f"/contracts/{contract_id}").json()["status"] == "submitted"
    fresh = as_registrar.post(f"/contracts/{contract_id}/actions/accept", **{"If-Match": version})
    assert fresh.status_code == 200


def test_a_refusal_needs_its_reason_and_note(api_as, seller, registrar):
    as_seller, as_registrar = api_as(seller), api_as(registrar)
    contract_id = as_seller.post("/contracts", CITY_DRAFT).json()["id"]
    as_seller.post(f"/contracts/{contract_id}/actions/submit")
    bare = as_registrar.post(f"/contracts/{contract_id}/actions/refuse", {"reason": "R01"})
    assert bare.status_code == 422
    refused = as_registrar.post(
        f"/contracts/{contract_id}/actions/refuse", {"reason": "R01", "note": "不属于技术合同"}
    )
    assert refused.json()["status"] == "refused"


def test_an_action_refuses_input_it_does_not_take(api_as, seller):
    as_seller = api_as(seller)
    contract_id = as_seller.post("/contracts", {"record": record_body()}).json()["id"]
    answer = as_seller.post(f"/contracts/{contract_id}/actions/submit", {"reason": "R01"})
    assert (answer.status_code, answer.json()["code"]) == (422, "unexpected_input")


def test_a_revoked_token_stops_working(api_as, seller):
    from django.utils import timezone

    from techmarket.accounts.models import ApiToken, TokenUse
    from techmarket.accounts.tokens import revoke_token

    client = api_as(seller)
    assert client.get("/me").status_code == 200
    token = ApiToken.objects.get(user__username="seller")
    assert TokenUse.objects.filter(token=token).count() == 1
    revoke_token(token.prefix, now=timezone.now())
    assert client.get("/me").status_code == 401


def test_the_browser_session_needs_the_csrf_token_to_write(seller):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.get(username="seller"))
    assert client.get("/api/v1/me").json()["username"] == "seller"
    refused = client.post(
        "/api/v1/contracts", data={"record": record_body()}, content_type="application/json"
    )
    assert refused.status_code == 403


def test_a_seller_changes_a_draft_field_by_field(api_as, seller):
    client = api_as(seller)
    contract_id = client.post("/contracts", CITY_DRAFT).json()["id"]
    changed = client.call("PATCH", f"/contracts/{contract_id}", {"name": "正极材料技术开发合同"})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["version"] == 2
    shown = client.get(f"/contracts/{contract_id}").json()
    assert shown["record"]["name"] == "正极材料技术开发合同"
    assert shown["record"]["tech_amount"] == "800000.00"


def test_a_draft_change_that_breaks_the_record_changes_nothing(api_as, seller):
    client = api_as(seller)
    contract_id = client.post("/contracts", CITY_DRAFT).json()["id"]
    broken = client.call("PATCH", f"/contracts/{contract_id}", {"tech_amount": "2000000.00"})
    assert broken.status_code == 422
    assert "tech_amount" in {p["field"] for p in broken.json()["problems"]}
    assert client.get(f"/contracts/{contract_id}").json()["version"] == 1


def test_a_submitted_contract_cannot_be_patched(api_as, seller):
    client = api_as(seller)
    contract_id = client.post("/contracts", CITY_DRAFT).json()["id"]
    client.post(f"/contracts/{contract_id}/actions/submit")
    answer = client.call("PATCH", f"/contracts/{contract_id}", {"name": "改名技术开发合同"})
    assert (answer.status_code, answer.json()["code"]) == (409, "transition_not_allowed")


def test_the_seller_downloads_the_certificate_of_a_registered_contract(
    api_as, seller, registrar, agencies, now
):
    from tests.registry.flow import registered

    contract = registered(seller, registrar, agencies["city"], now)
    answer = api_as(seller).get(f"/contracts/{contract.pk}/certificate.pdf")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-")


def test_a_draft_has_no_certificate_yet(api_as, seller):
    client = api_as(seller)
    contract_id = client.post("/contracts", CITY_DRAFT).json()["id"]
    answer = client.get(f"/contracts/{contract_id}/certificate.pdf")
    assert (answer.status_code, answer.json()["code"]) == (409, "not_registered")


def test_a_seller_makes_a_batch_list_and_prints_it(api_as, seller, registrar, agencies, now):
    from tests.registry.flow import registered

    first = registered(seller, registrar, agencies["city"], now, external_id="B-1")
    second = registered(seller, registrar, agencies["city"], now, external_id="B-2")
    client = api_as(seller)
    made = client.post("/batch-lists", {"contract_ids": [first.pk, second.pk]})
    assert made.status_code == 201, made.json()
    assert made.json()["contracts"] == 2
    assert made.json()["verify_url"].endswith("/verify/" + made.json()["verification_code"])
    printed = client.get(f"/batch-lists/{made.json()['id']}.pdf")
    assert (printed.status_code, printed["Content-Type"]) == (200, "application/pdf")


def test_a_batch_list_never_mixes_large_and_small_contracts(
    api_as, seller, registrar, second_registrar, agencies, now
):
    from tests.registry.flow import registered, registered_large

    small = registered(seller, registrar, agencies["city"], now, external_id="B-1")
    large = registered_large(seller, registrar, second_registrar, agencies["city"], now)
    answer = api_as(seller).post("/batch-lists", {"contract_ids": [small.pk, large.pk]})
    assert answer.status_code in (409, 422)
    assert answer.json()["code"] == "batch_mixes_large_and_small"


def test_the_same_idempotency_key_for_another_agency_is_a_conflict(api_as, seller):
    client = api_as(seller)
    client.post("/contracts", CITY_DRAFT, **{"Idempotency-Key": "k-1"})
    elsewhere = {"agency_code": "P440000", "record": CITY_DRAFT["record"]}
    other = client.post("/contracts", elsewhere, **{"Idempotency-Key": "k-1"})
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")


def test_out_of_reach_reads_exactly_like_absent_by_id_and_by_number(
    api_as, seller, registrar, other_district_registrar, agencies, now
):
    from tests.registry.flow import registered

    contract = registered(seller, registrar, agencies["city"], now)
    client = api_as(other_district_registrar)
    for key, absent in ((contract.pk, 999999), (contract.registration_number, "2025440100999999")):
        hidden, missing = client.get(f"/contracts/{key}"), client.get(f"/contracts/{absent}")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json()["code"] == missing.json()["code"]
        assert str(contract.pk) not in hidden.json()["detail"].replace(str(key), "")


def test_a_natural_persons_id_is_whole_only_for_the_agencys_registrar(
    api_as, registrar, analyst, agencies, now
):
    from techmarket.registry import services
    from techmarket.registry.actors import system_actor
    from tests.domain.builders import make_resident_id, valid_record

    person = make_resident_id("440106")
    record = valid_record(seller_nature="400", seller_id=person, seller_name="张三")
    contract = services.create_draft(record, agency=agencies["city"], actor=system_actor(), now=now)
    shown = {
        who: api_as(actor).get(f"/contracts/{contract.pk}").json()["record"]["seller_id"]
        for who, actor in (("registrar", registrar), ("analyst", analyst))
    }
    assert shown == {"registrar": person, "analyst": person[:6] + "********" + person[-4:]}
    listed = api_as(analyst).get("/contracts").json()["items"][0]
    assert person not in str(listed)
