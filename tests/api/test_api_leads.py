"""Brokers follow leads over the API under the same rules as the pages and the command line:
a match proposed, moved stage by stage with ETags, closed by a registered contract whose
parties are checked; the register of brokers; the funnel report as JSON."""

from __future__ import annotations

import pytest

from techmarket.registry.audit import verify
from tests.market.leads import achievement, demand
from tests.registry.flow import registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(agencies, now):
    return achievement(now), demand(now)


@pytest.fixture
def contract(seller, registrar, agencies, now):
    return registered(seller, registrar, agencies["city"], now)


def propose(client, pair, **extra):
    found, needed = pair
    return client.post("/leads", {"achievement_id": found.pk, "demand_id": needed.pk, **extra})


def proposed(client, pair, **extra) -> int:
    created = propose(client, pair, **extra)
    assert created.status_code == 201, created.json()
    return created.json()["id"]


def step(client, lead_id, action, body=None, **headers):
    return client.post(f"/leads/{lead_id}/actions/{action}", body, **headers)


def test_a_broker_follows_a_lead_from_the_match_to_the_registered_contract(
    api_as, broker, pair, contract
):
    as_broker = api_as(broker)
    created = propose(as_broker, pair, score=0.82, rank=1, note="匹配度高")
    assert created.status_code == 201, created.json()
    lead_id = created.json()["id"]
    assert created["Location"] == f"/api/v1/leads/{lead_id}"
    assert created["ETag"] == '"1"'
    for action, status in (("contact", "contacted"), ("negotiate", "negotiating")):
        moved = step(as_broker, lead_id, action, {"note": f"{action} 记录"})
        assert (moved.status_code, moved.json()["status"]) == (200, status)
    signed = step(as_broker, lead_id, "sign", If_Match='"3"')
    assert signed.json() == {"id": lead_id, "status": "signed", "version": 4}
    assert signed["ETag"] == '"4"'
    done = step(
        as_broker, lead_id, "register", {"registration_number": contract.registration_number}
    )
    assert (done.status_code, done.json()["status"]) == (200, "registered"), done.json()

    shown = as_broker.get(f"/leads/{lead_id}")
    assert shown.status_code == 200 and shown["ETag"] == '"5"'
    body = shown.json()
    assert body["contract"] == {
        "id": contract.pk,
        "registration_number": contract.registration_number,
        "total_amount": str(contract.total_amount),
        "tech_amount": str(contract.tech_amount),
    }
    assert (body["score"], body["rank"], body["broker"]["name"]) == (0.82, 1, "陈经纪")
    assert [e["action"] for e in body["events"]] == [
        "lead_propose",
        "lead_contact",
        "lead_negotiate",
        "lead_sign",
        "lead_register",
    ]
    assert body["events"][1]["note"] == "contact 记录"
    assert body["actions"] == []  # nothing left to do once registered
    assert all(body["stages"][s] for s in ("proposed", "contacted", "signed", "registered"))
    assert verify().ok


def test_a_contract_between_other_parties_is_refused_with_the_side_that_differs(
    api_as, broker, pair, seller, registrar, agencies, now
):
    from tests.domain.builders import make_uscc

    other = registered(
        seller,
        registrar,
        agencies["city"],
        now,
        buyer_name="深圳某电池公司",
        buyer_id=make_uscc("440300", "MA5F1K2L"),
        buyer_region="440300",
    )
    as_broker = api_as(broker)
    lead_id = proposed(as_broker, pair)
    for action in ("contact", "negotiate", "sign"):
        assert step(as_broker, lead_id, action).status_code == 200
    refused = step(
        as_broker, lead_id, "register", {"registration_number": other.registration_number}
    )
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    problem = refused.json()
    assert (problem["code"], problem["side"]) == ("lead_contract_parties_mismatch", "buyer")
    assert "深圳某电池公司" in problem["found"]
    assert as_broker.get(f"/leads/{lead_id}").json()["status"] == "signed"


def test_a_stale_if_match_answers_412_and_changes_nothing(api_as, broker, pair):
    as_broker = api_as(broker)
    lead_id = proposed(as_broker, pair)
    assert step(as_broker, lead_id, "contact", If_Match='"1"').status_code == 200
    stale = step(as_broker, lead_id, "negotiate", If_Match='"1"')
    assert (stale.status_code, stale.json()["code"]) == (412, "stale_version")
    assert as_broker.get(f"/leads/{lead_id}").json()["status"] == "contacted"
    garbled = step(as_broker, lead_id, "negotiate", If_Match="yesterday")
    assert (garbled.status_code, garbled.json()["code"]) == (422, "invalid_if_match")


def test_a_drop_needs_its_reason_and_keeps_it(api_as, broker, pair):
    as_broker = api_as(broker)
    lead_id = proposed(as_broker, pair)
    bare = step(as_broker, lead_id, "drop")
    assert (bare.status_code, bare.json()["code"]) == (422, "drop_reason_required")
    dropped = step(as_broker, lead_id, "drop", {"reason": "企业预算不足"})
    assert dropped.json()["status"] == "dropped"
    assert as_broker.get(f"/leads/{lead_id}").json()["drop_reason"] == "企业预算不足"


def test_a_second_live_lead_for_the_same_pair_is_a_conflict(api_as, broker, pair):
    as_broker = api_as(broker)
    first = proposed(as_broker, pair)
    again = propose(as_broker, pair)
    assert (again.status_code, again.json()["code"], again.json()["lead"]) == (
        409,
        "lead_exists",
        first,
    )


def test_a_skipped_stage_is_a_conflict_with_the_workflow(api_as, broker, pair):
    as_broker = api_as(broker)
    lead_id = proposed(as_broker, pair)
    skipped = step(as_broker, lead_id, "sign")
    assert (skipped.status_code, skipped.json()["code"]) == (409, "transition_not_allowed")


# -- who sees and who acts --


def test_an_outsider_finds_no_lead_exactly_as_if_absent(api_as, broker, outsider, pair):
    lead_id = proposed(api_as(broker), pair)
    as_outsider = api_as(outsider)
    hidden = as_outsider.get(f"/leads/{lead_id}")
    absent = as_outsider.get("/leads/999999")
    assert (hidden.status_code, hidden.json()["code"]) == (404, "lead_not_found")
    assert absent.json()["code"] == "lead_not_found"
    assert "陈经纪" not in hidden.content.decode()
    assert step(as_outsider, lead_id, "contact").status_code == 404
    assert as_outsider.get("/leads").json()["total"] == 0


def test_another_broker_can_neither_see_nor_advance_the_lead(api_as, broker, other_broker, pair):
    lead_id = proposed(api_as(broker), pair)
    as_other = api_as(other_broker)
    assert as_other.get(f"/leads/{lead_id}").status_code == 404
    refused = step(as_other, lead_id, "contact")
    assert (refused.status_code, refused.json()["code"]) == (404, "lead_not_found")
    assert api_as(broker).get(f"/leads/{lead_id}").json()["status"] == "proposed"


def test_another_broker_cannot_propose_in_the_first_brokers_name(
    api_as, broker, other_broker, pair
):
    from techmarket.market.lead_selectors import get_broker

    refused = propose(api_as(other_broker), pair, broker_id=get_broker("broker").pk)
    assert (refused.status_code, refused.json()["code"]) == (403, "broker_not_self")


def test_a_registrar_of_the_region_sees_the_lead_but_cannot_move_it(
    api_as, broker, registrar, pair
):
    lead_id = proposed(api_as(broker), pair)  # the demand is in 黄埔, within 广州
    as_registrar = api_as(registrar)
    shown = as_registrar.get(f"/leads/{lead_id}")
    assert shown.status_code == 200 and shown.json()["actions"] == []
    assert [i["id"] for i in as_registrar.get("/leads").json()["items"]] == [lead_id]
    refused = step(as_registrar, lead_id, "contact")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_own_lead")


def test_the_list_filters_by_status_and_broker(api_as, broker, pair, now):
    from techmarket.market.lead_selectors import get_broker

    as_broker = api_as(broker)
    first = proposed(as_broker, pair)
    second = proposed(as_broker, (pair[0], demand(now, external_id="XQ-002")))
    step(as_broker, second, "contact")
    contacted = as_broker.get("/leads?status=contacted").json()
    assert [i["id"] for i in contacted["items"]] == [second]
    mine = as_broker.get(f"/leads?broker={get_broker('broker').pk}").json()
    assert {i["id"] for i in mine["items"]} == {first, second}
    unknown = as_broker.get("/leads?status=won")
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_status")


# -- brokers --


def test_the_register_of_brokers_is_a_directory_with_each_track_record(
    api_as, broker, outsider, pair, contract
):
    as_broker = api_as(broker)
    lead_id = proposed(as_broker, pair)
    for action in ("contact", "negotiate", "sign"):
        step(as_broker, lead_id, action)
    step(as_broker, lead_id, "register", {"registration_number": contract.registration_number})
    listed = api_as(outsider).get("/brokers?field=05").json()
    assert [b["name"] for b in listed["items"]] == ["陈经纪"]
    shown = api_as(outsider).get(f"/brokers/{listed['items'][0]['id']}")
    assert shown.status_code == 200 and shown["ETag"] == '"1"'
    body = shown.json()
    assert body["certificate_number"] == "JJR-2024-0001"
    assert body["trainings"][0]["course"] == "技术经理人初级培训"
    record = body["track_record"]
    assert (record["leads"], record["registered_contracts"], record["open"]) == (1, 1, 0)
    assert record["total_amount"] == str(contract.total_amount)
    assert api_as(outsider).get("/brokers/999999").json()["code"] == "broker_not_found"


def test_an_agency_admin_registers_and_updates_a_broker_and_a_seller_may_not(
    api_as, agency_admin, seller
):
    from techmarket.registry.users import save_user

    save_user("zhou", role="broker")
    body = {
        "username": "zhou",
        "name": "周经纪",
        "fields": ["05"],
        "regions": ["440106"],
        "certificate_number": "JJR-2025-0009",
        "trainings": [{"on": "2025-03-01", "course": "技术经纪人培训", "hours": "24"}],
    }
    as_admin = api_as(agency_admin)
    created = as_admin.post("/brokers", body)
    assert created.status_code == 201, created.json()
    broker_id = created.json()["id"]
    assert created["ETag"] == '"1"'
    changed = {k: v for k, v in body.items() if k != "username"}
    updated = as_admin.call("PUT", f"/brokers/{broker_id}", {**changed, "regions": ["440100"]})
    assert updated.status_code == 200, updated.json()
    assert (updated.json()["regions"], updated.json()["version"]) == (["440100"], 2)
    assert len(updated.json()["trainings"]) == 1  # the same course is kept once
    stale = as_admin.call("PUT", f"/brokers/{broker_id}", changed, If_Match='"1"')
    assert (stale.status_code, stale.json()["code"]) == (412, "stale_version")
    refused = api_as(seller).call("PUT", f"/brokers/{broker_id}", changed)
    assert (refused.status_code, refused.json()["code"]) == (403, "role_may_not_manage_brokers")
    wrong = as_admin.post("/brokers", {**body, "fields": ["99"], "regions": ["123"]})
    assert wrong.status_code == 422
    assert {p["field"] for p in wrong.json()["problems"]} >= {"fields", "regions"}


# -- the funnel --


def test_the_funnel_is_the_report_of_the_leads_the_caller_may_read(
    api_as, broker, analyst, pair, contract
):
    from techmarket.stats.funnel import funnel

    as_broker = api_as(broker)
    lead_id = proposed(as_broker, pair)
    for action in ("contact", "negotiate", "sign"):
        step(as_broker, lead_id, action)
    step(as_broker, lead_id, "register", {"registration_number": contract.registration_number})
    from django.utils import timezone

    year = str(timezone.localdate().year)
    answer = api_as(analyst).get(f"/market/funnel?period={year}&by=region&level=city")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["period"], body["by"], body["level"], body["from"]) == (
        year,
        "region",
        "city",
        f"{year}-01-01",
    )
    assert body["total"]["registered"] == 1
    assert body["total"]["total_amount"] == str(contract.total_amount)
    assert body["total"]["conversion"] == "100.00"
    assert [(r["key"], r["registered"]) for r in body["rows"]] == [("440100", 1)]
    expected = funnel(analyst, year, by="region", level="city").as_dict()
    assert body["total"]["tech_amount"] == str(expected["total"]["tech_amount"])
    bad = api_as(analyst).get("/market/funnel?period=2025Q5")
    assert bad.status_code == 422 and bad.json()["code"]
    elsewhere = api_as(analyst).get(f"/market/funnel?period={year}&region=350000")
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (403, "region_not_in_jurisdiction")
