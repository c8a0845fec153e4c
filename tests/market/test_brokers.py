"""A broker's profile: checked fields and regions, training records, and a track record that
their leads make (never typed in)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from techmarket.domain.problems import DomainError, PermissionDenied, StaleObject, ValidationFailed
from techmarket.market import lead_selectors, lead_services
from techmarket.market.broker_services import save_broker
from techmarket.registry.actors import system_actor
from techmarket.registry.audit import verify
from tests.market.leads import achievement, demand, walk_to_signed
from tests.registry.flow import registered

pytestmark = pytest.mark.django_db


def test_a_broker_profile_holds_fields_regions_certificate_and_training(broker):
    profile = lead_selectors.get_broker("broker")
    shown = lead_selectors.broker_summary(profile)
    assert (shown["fields"], shown["regions"]) == (["05", "06"], ["440100"])
    assert shown["certificate_number"] == "JJR-2024-0001"
    assert shown["trainings"] == [
        {
            "on": "2024-05-10",
            "course": "技术经理人初级培训",
            "hours": "32.0",
            "issuer": "广东省技术市场协会",
        }
    ]


def test_field_names_are_read_as_codes_and_bad_fields_and_regions_are_all_reported(agencies, now):
    from tests.conftest import _person

    _person("newbie", "broker")
    with pytest.raises(ValidationFailed) as refused:
        save_broker(
            actor=system_actor(),
            now=now,
            username="newbie",
            name="王新",
            fields=["新能源与高效节能", "99"],
            regions=["440100", "440181", "12345"],
            trainings=[("2024-13-01", "培训", "0", "")],
        )
    codes = [(p.field, p.code) for p in refused.value.problems]
    assert ("fields", "tech_field_unknown") in codes
    assert ("regions", "region_unknown") in codes
    assert ("trainings[0]", "training_date_invalid") in codes
    assert ("trainings[0]", "training_hours_invalid") in codes
    assert codes.count(("fields", "tech_field_unknown")) == 1  # the field's name was read


def test_an_abolished_region_names_its_successor(agencies, now):
    from tests.conftest import _person

    _person("newbie", "broker")
    with pytest.raises(ValidationFailed) as refused:
        save_broker(
            actor=system_actor(), now=now, username="newbie", name="王新", regions=["440181"]
        )
    assert [p.code for p in refused.value.problems] == ["region_abolished"]


def test_a_profile_belongs_to_a_user_whose_role_is_broker(seller, now):
    with pytest.raises(DomainError) as refused:
        save_broker(actor=system_actor(), now=now, username="seller", name="卖方")
    assert refused.value.code == "user_not_broker"


def test_only_the_operator_and_agency_admins_keep_the_register(registrar, agency_admin, now):
    with pytest.raises(PermissionDenied):
        save_broker(actor=registrar, now=now, username=None, name="某人")
    person, created = save_broker(
        actor=agency_admin, now=now, username=None, name="某人", certificate_number="C-9"
    )
    assert created and person.user is None  # a trained person without a sign-in


def test_saving_again_updates_keeps_training_once_and_checks_the_version(broker, now):
    again = [("2024-05-10", "技术经理人初级培训", "32", "广东省技术市场协会")]
    profile, created = save_broker(
        actor=system_actor(),
        now=now,
        username="broker",
        name="陈经纪",
        trainings=again,
        fields=["05"],
        expected_version=1,
    )
    assert not created and profile.version == 2 and profile.trainings.count() == 1
    with pytest.raises(StaleObject):
        save_broker(
            actor=system_actor(), now=now, username="broker", name="陈经纪", expected_version=1
        )
    assert verify().ok


def test_the_track_record_comes_from_the_leads(broker, seller, registrar, agencies, now):
    contract = registered(seller, registrar, agencies["city"], now)
    found, needed = achievement(now), demand(now)
    lead = lead_services.propose(found.pk, needed.pk, actor=broker, now=now)
    walk_to_signed(lead, broker, now)
    lead_services.register(
        lead.pk, registration_number=contract.registration_number, actor=broker, now=now
    )
    other = lead_services.propose(
        found.pk, demand(now, external_id="XQ-002").pk, actor=broker, now=now
    )
    lead_services.drop(other.pk, reason="需求已由他人满足", actor=broker, now=now)
    record = lead_selectors.track_record(lead_selectors.get_broker("broker"))
    assert record["leads"] == 2 and record["dropped"] == 1 and record["open"] == 0
    assert record["reached"]["signed"] == 1 and record["registered_contracts"] == 1
    assert record["total_amount"] == Decimal("1000000.00")
    assert record["tech_amount"] == Decimal("800000.00")


def test_brokers_are_found_by_field_and_region(broker, other_broker):
    assert [b.name for b in lead_selectors.list_brokers(field="05")] == ["陈经纪"]
    assert [b.name for b in lead_selectors.list_brokers(region="440106")] == ["陈经纪"]
    assert [b.name for b in lead_selectors.list_brokers(region="440300")] == ["林经纪"]
    assert len(lead_selectors.list_brokers()) == 2


def test_the_back_office_shows_brokers_and_leads_without_changing_them(
    client, django_user_model, broker, agencies, now
):
    found, needed = achievement(now), demand(now)
    lead = lead_services.propose(found.pk, needed.pk, actor=broker, now=now)
    client.force_login(django_user_model.objects.create_superuser("sysadmin", password="x" * 16))
    profile = lead_selectors.get_broker("broker")
    for url in (
        "/admin/market/brokerprofile/",
        f"/admin/market/brokerprofile/{profile.pk}/change/",
        "/admin/market/lead/",
        f"/admin/market/lead/{lead.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "技术经纪人" in client.get("/admin/").content.decode()
    assert client.get("/admin/market/lead/add/").status_code == 403


def test_a_broker_without_a_sign_in_keeps_the_certificate_number_it_is_known_by(now):
    person, _ = save_broker(
        actor=system_actor(), now=now, username=None, name="李经纪", certificate_number="C-1"
    )
    with pytest.raises(DomainError) as refused:
        save_broker(
            actor=system_actor(),
            now=now,
            username=None,
            name="李经纪",
            certificate_number="C-2",
            broker_id=person.pk,
        )
    assert refused.value.code == "broker_certificate_fixed"
    renamed, created = save_broker(
        actor=system_actor(),
        now=now,
        username=None,
        name="李经纪人",
        certificate_number="C-1",
        broker_id=person.pk,
    )
    assert (renamed.pk, renamed.name, created) == (person.pk, "李经纪人", False)
