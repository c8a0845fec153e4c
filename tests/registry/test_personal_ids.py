"""Personal ID numbers: shown only to the registrars of the contract's agency, masked elsewhere."""

from __future__ import annotations

import pytest

from techmarket.registry import services
from techmarket.registry.actors import system_actor
from techmarket.registry.selectors import contract_detail, export_rows
from tests.domain.builders import make_resident_id, valid_record

pytestmark = pytest.mark.django_db

PERSON = make_resident_id("440106")
MASKED = PERSON[:6] + "********" + PERSON[-4:]


@pytest.fixture
def by_a_person(agencies, now):
    record = valid_record(seller_nature="400", seller_id=PERSON, seller_name="张三")
    return services.create_draft(record, agency=agencies["city"], actor=system_actor(), now=now)


def test_the_registrar_of_the_agency_sees_the_whole_number(registrar, by_a_person):
    assert contract_detail(by_a_person.pk, registrar)["record"]["seller_id"] == PERSON


def test_the_province_analyst_sees_it_masked(analyst, by_a_person):
    assert contract_detail(by_a_person.pk, analyst)["record"]["seller_id"] == MASKED


def test_an_export_masks_it_for_everyone_but_the_agency_and_the_operator(
    registrar, analyst, by_a_person
):
    assert [r["seller_id"] for r in export_rows(registrar)] == [PERSON]
    assert [r["seller_id"] for r in export_rows(analyst)] == [MASKED]
    assert [r["seller_id"] for r in export_rows(system_actor())] == [PERSON]


def test_an_export_holds_only_what_the_actor_may_read(other_district_registrar, by_a_person):
    assert list(export_rows(other_district_registrar)) == []
