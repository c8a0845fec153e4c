"""A lead follows a match to a registered contract: stage by stage, audited, the contract's
parties checked against the listings, seen and moved only by those it concerns."""

from __future__ import annotations

from datetime import timedelta

import pytest

from techmarket.domain.problems import (
    Conflict,
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleObject,
)
from techmarket.market import lead_selectors, lead_services, selectors
from techmarket.registry import services as registry
from techmarket.registry.audit import verify
from techmarket.registry.models import AuditEvent
from tests.domain.builders import BUYER_REGION, make_uscc
from tests.market.leads import achievement, demand, walk_to_signed
from tests.registry.flow import registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(agencies, now):
    return achievement(now), demand(now)


@pytest.fixture
def lead(pair, broker, now):
    found, needed = pair
    return lead_services.propose(found.pk, needed.pk, actor=broker, now=now, score=0.83, rank=2)


@pytest.fixture
def contract(seller, registrar, agencies, now):
    return registered(seller, registrar, agencies["city"], now)


def test_a_broker_proposes_a_lead_under_their_own_profile_with_the_match_figures(lead, pair):
    found, needed = pair
    assert lead.status == "proposed" and lead.version == 1
    assert lead.broker.name == "陈经纪" and lead.proposer == "broker"
    assert (lead.score, lead.rank) == (0.83, 2)
    assert (lead.tech_field, lead.region_code) == (found.tech_field, needed.region_code)


def test_a_lead_goes_from_proposal_to_the_registered_contract(lead, broker, contract, now):
    later = now + timedelta(days=30)
    signed = walk_to_signed(lead, broker, later)
    assert signed.status == "signed" and signed.version == 4
    done = lead_services.register(
        lead.pk,
        registration_number=contract.registration_number,
        actor=broker,
        now=later,
        note="合同已在市登记处登记",
    )
    assert done.status == "registered" and done.contract_id == contract.pk
    assert done.registered_at == later and done.note == "合同已在市登记处登记"
    shown = lead_selectors.lead_summary(done)
    assert shown["contract"]["total_amount"] == contract.total_amount
    assert shown["contract"]["tech_amount"] == contract.tech_amount


def test_every_step_is_one_event_in_the_chain_and_the_chain_verifies(lead, broker, contract, now):
    walk_to_signed(lead, broker, now)
    lead_services.register(
        lead.pk, registration_number=contract.registration_number, actor=broker, now=now
    )
    actions = [e["action"] for e in lead_selectors.lead_events(lead)]
    assert actions == [
        "lead_propose",
        "lead_contact",
        "lead_negotiate",
        "lead_sign",
        "lead_register",
    ]
    last = AuditEvent.objects.order_by("-seq").first()
    assert last.payload["registration_number"] == contract.registration_number
    assert verify().ok


def test_a_contract_between_other_parties_is_refused_and_the_lead_stays_signed(
    lead, broker, seller, registrar, agencies, now
):
    other_buyer = make_uscc(BUYER_REGION, "MA09X8Y7", head="12")
    stranger = registered(
        seller, registrar, agencies["city"], now, buyer_name="北京另一大学", buyer_id=other_buyer
    )
    walk_to_signed(lead, broker, now)
    with pytest.raises(DomainError) as refused:
        lead_services.register(
            lead.pk, registration_number=stranger.registration_number, actor=broker, now=now
        )
    assert refused.value.code == "lead_contract_parties_mismatch"
    assert refused.value.details["side"] == "buyer"
    assert lead_selectors.get_lead(broker, lead.pk).status == "signed"


def test_the_seller_must_be_the_achievement_holder(pair, broker, contract, now, agencies):
    found = achievement(now, external_id="CG-002", holder_name="华南某大学")
    _, needed = pair
    lead = lead_services.propose(found.pk, needed.pk, actor=broker, now=now)
    walk_to_signed(lead, broker, now)
    with pytest.raises(DomainError) as refused:
        lead_services.register(
            lead.pk, registration_number=contract.registration_number, actor=broker, now=now
        )
    assert refused.value.code == "lead_contract_parties_mismatch"
    assert refused.value.details["side"] == "seller"


def test_an_unknown_number_and_a_cancelled_contract_are_refused(
    lead, broker, contract, registrar, now
):
    walk_to_signed(lead, broker, now)
    with pytest.raises(NotFound) as absent:
        lead_services.register(
            lead.pk, registration_number="2025440100999999", actor=broker, now=now
        )
    assert absent.value.code == "lead_contract_not_found"
    registry.cancel(contract.pk, actor=registrar, now=now, note="合同解除")
    with pytest.raises(DomainError) as cancelled:
        lead_services.register(
            lead.pk, registration_number=contract.registration_number, actor=broker, now=now
        )
    assert cancelled.value.code == "lead_contract_not_registered"


def test_a_contract_closes_only_one_lead(lead, broker, contract, now, agencies):
    second_need = demand(now, external_id="XQ-002")
    other = lead_services.propose(lead.achievement_id, second_need.pk, actor=broker, now=now)
    for each in (lead, other):
        walk_to_signed(each, broker, now)
    number = contract.registration_number
    lead_services.register(lead.pk, registration_number=number, actor=broker, now=now)
    with pytest.raises(Conflict) as taken:
        lead_services.register(other.pk, registration_number=number, actor=broker, now=now)
    assert taken.value.code == "lead_contract_taken"


def test_stages_cannot_be_skipped(lead, broker, now):
    with pytest.raises(InvalidTransition):
        lead_services.sign(lead.pk, actor=broker, now=now)


def test_advance_moves_to_the_next_stage_by_default(lead, broker, now):
    moved = lead_services.advance(lead.pk, actor=broker, now=now, note="电话联系了双方")
    assert moved.status == "contacted" and moved.note == "电话联系了双方"


def test_a_stale_version_is_refused(lead, broker, now):
    lead_services.contact(lead.pk, actor=broker, now=now, expected_version=1)
    with pytest.raises(StaleObject) as stale:
        lead_services.negotiate(lead.pk, actor=broker, now=now, expected_version=1)
    assert stale.value.details["version"] == 2


def test_a_drop_needs_a_reason_and_ends_the_lead(lead, broker, now):
    with pytest.raises(DomainError) as bare:
        lead_services.drop(lead.pk, reason="  ", actor=broker, now=now)
    assert bare.value.code == "drop_reason_required"
    lead_services.contact(lead.pk, actor=broker, now=now)
    dropped = lead_services.drop(lead.pk, reason="企业预算不足", actor=broker, now=now)
    assert dropped.status == "dropped" and dropped.drop_reason == "企业预算不足"
    assert dropped.contacted_at == now and dropped.dropped_at == now
    with pytest.raises(InvalidTransition):
        lead_services.negotiate(lead.pk, actor=broker, now=now)


def test_a_pair_has_one_live_lead_but_may_be_proposed_again_once_dropped(lead, pair, broker, now):
    found, needed = pair
    with pytest.raises(Conflict) as twice:
        lead_services.propose(found.pk, needed.pk, actor=broker, now=now)
    assert twice.value.code == "lead_exists" and twice.value.details["lead"] == lead.pk
    lead_services.drop(lead.pk, reason="联系不上", actor=broker, now=now)
    again = lead_services.propose(found.pk, needed.pk, actor=broker, now=now)
    assert again.pk != lead.pk


def test_a_lead_needs_published_listings(broker, now, agencies):
    from techmarket.market import services
    from techmarket.registry.actors import system_actor

    found, needed = achievement(now), demand(now)
    services.close("demand", needed.pk, actor=system_actor(), now=now)
    with pytest.raises(DomainError) as refused:
        lead_services.propose(found.pk, needed.pk, actor=system_actor(), now=now)
    assert refused.value.code == "lead_listing_not_published"
    with pytest.raises(NotFound):  # a broker does not even see a closed demand
        lead_services.propose(found.pk, needed.pk, actor=broker, now=now)


def test_an_outsider_can_neither_see_nor_advance_a_lead(lead, outsider, now):
    assert lead_selectors.list_leads(outsider).total == 0
    with pytest.raises(NotFound):
        lead_selectors.get_lead(outsider, lead.pk)
    with pytest.raises(NotFound) as refused:
        lead_services.contact(lead.pk, actor=outsider, now=now)
    assert refused.value.code == "lead_not_found"


def test_another_broker_cannot_see_the_lead(lead, other_broker, now):
    with pytest.raises(NotFound):
        lead_services.advance(lead.pk, actor=other_broker, now=now)
    assert lead_selectors.list_leads(other_broker).total == 0


def test_a_registrar_of_the_region_sees_the_lead_but_does_not_work_it(lead, registrar, now):
    assert [item.pk for item in lead_selectors.list_leads(registrar).items] == [lead.pk]
    with pytest.raises(PermissionDenied) as refused:
        lead_services.contact(lead.pk, actor=registrar, now=now)
    assert refused.value.code == "not_own_lead"


def test_a_registrar_of_another_province_cannot_see_the_lead(lead, agencies, now):
    from techmarket.accounts.services import save_agency
    from tests.conftest import _person

    save_agency("P430000", name="湖南省技术市场", region="430000")
    hunan = _person("hunan_registrar", "registrar", agency="P430000")
    assert lead_selectors.list_leads(hunan).total == 0
    with pytest.raises(NotFound):
        lead_selectors.get_lead(hunan, lead.pk)


def test_the_organisations_of_the_listings_see_leads_on_them(agencies, seller, broker, now):
    found = achievement(now)
    needed = demand(now)
    found.owner_id = seller.party_id
    found.save()
    lead = lead_services.propose(found.pk, needed.pk, actor=broker, now=now)
    assert lead_selectors.get_lead(seller, lead.pk).pk == lead.pk
    with pytest.raises(PermissionDenied):
        lead_services.contact(lead.pk, actor=seller, now=now)


def test_a_seller_proposes_and_follows_a_lead_without_a_broker(pair, seller, now):
    found, needed = pair
    lead = lead_services.propose(found.pk, needed.pk, actor=seller, now=now)
    assert lead.broker is None and lead.proposer == "seller"
    assert lead_services.contact(lead.pk, actor=seller, now=now).status == "contacted"


def test_an_analyst_may_not_propose(pair, analyst, now):
    found, needed = pair
    with pytest.raises(PermissionDenied) as refused:
        lead_services.propose(found.pk, needed.pk, actor=analyst, now=now)
    assert refused.value.code == "role_may_not_propose"


def test_a_broker_sees_published_listings_only(broker, seller, now, agencies):
    from techmarket.domain.listings import parse_listing
    from techmarket.market import services

    achievement(now)
    record, _ = parse_listing(
        "achievement", {"external_id": "CG-9", "title": "草稿成果", "summary": "未发布"}, 1
    )
    services.create_draft("achievement", record, actor=seller, now=now)
    page = selectors.list_listings(broker, "achievement")
    assert [item.status for item in page.items] == ["published"]
