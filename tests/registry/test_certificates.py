"""The registration certificate: printed for the seller and the agency, never for others."""

from __future__ import annotations

from datetime import timedelta

import pytest

from techmarket.domain.problems import InvalidTransition, NotFound, PermissionDenied
from techmarket.registry import services
from techmarket.registry.certificates import (
    certificate_data,
    certificate_pdf,
    current_certificate,
    verify_url,
    visible_contract_id,
)
from tests.domain.builders import BUYER_REGION, make_resident_id, valid_record
from tests.pdf_text import needs_pdftotext, pdf_text
from tests.registry.flow import registered, submitted

pytestmark = pytest.mark.django_db

PERSON = make_resident_id(BUYER_REGION, born="19700101", seq="456")
AMOUNTS = {"total_amount": "1234567.80", "tech_amount": "1034567.80"}


@pytest.fixture
def contract(seller, registrar, agencies, now):
    """Registered, bought by a natural person."""
    return registered(
        seller,
        registrar,
        agencies["city"],
        now,
        buyer_name="张三",
        buyer_id=PERSON,
        buyer_nature="400",
        **AMOUNTS,
    )


def test_the_certificate_prints_what_was_registered(contract, seller, settings):
    settings.PUBLIC_BASE_URL = "https://jsht.example.gov.cn"
    data = certificate_data(contract, current_certificate(contract))
    code = contract.certificates.get().verification_code
    assert data.verify_url == f"https://jsht.example.gov.cn/verify/{code}"
    assert data.registration_number == contract.registration_number
    assert (data.contract_type, data.subtype) == ("技术开发", "委托开发")
    assert data.tax_items == ("免征增值税",)
    assert data.agency_name == "广州市技术合同登记处"
    assert data.buyer.identifier != PERSON and data.buyer.identifier.endswith(PERSON[-4:])
    assert data.seller.identifier == contract.seller_id  # organisations' codes are public


@needs_pdftotext
def test_the_seller_gets_a_pdf_with_the_number_and_the_amounts_in_capitals(contract, seller):
    text = pdf_text(certificate_pdf(contract.pk, seller))
    assert contract.registration_number in text
    assert "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角整" in text
    assert PERSON not in text


@needs_pdftotext
def test_after_an_amendment_the_certificate_shows_the_new_amounts(contract, seller, registrar, now):
    changed = valid_record(
        buyer_name="张三",
        buyer_id=PERSON,
        buyer_nature="400",
        total_amount="1300000.00",
        tech_amount="1100000.00",
    )
    services.amend(contract.pk, changed, actor=registrar, now=now + timedelta(days=3), note="追加")
    text = pdf_text(certificate_pdf(contract.pk, seller))
    assert "1,100,000.00 元" in text and "壹佰壹拾万元整" in text


@needs_pdftotext
def test_a_cancelled_registration_still_prints_marked_as_cancelled(
    contract, seller, registrar, now
):
    services.cancel(contract.pk, actor=registrar, now=now + timedelta(days=3), note="合同解除")
    text = pdf_text(certificate_pdf(contract.pk, registrar))
    assert "已注销" in text and contract.registration_number in text


def test_a_seller_of_another_organisation_cannot_get_the_certificate(contract, outsider):
    with pytest.raises(NotFound) as refused:
        certificate_pdf(contract.pk, outsider)
    assert refused.value.code == "contract_not_found"
    with pytest.raises(NotFound):
        visible_contract_id(contract.registration_number, outsider)


def test_a_registrar_of_another_district_cannot_get_it_and_learns_nothing(
    contract, other_district_registrar
):
    with pytest.raises(NotFound) as out_of_reach:
        certificate_pdf(contract.pk, other_district_registrar)
    with pytest.raises(NotFound) as absent:
        certificate_pdf(contract.pk + 1000, other_district_registrar)
    assert out_of_reach.value.code == absent.value.code == "contract_not_found"


def test_an_analyst_may_read_the_contract_but_not_print_its_certificate(contract, analyst):
    with pytest.raises(PermissionDenied) as refused:
        certificate_pdf(contract.pk, analyst)
    assert refused.value.code == "certificate_not_for_role"


def test_a_contract_not_yet_registered_has_no_certificate(seller, agencies, now):
    contract = submitted(seller, agencies["city"], now)
    with pytest.raises(InvalidTransition) as refused:
        certificate_pdf(contract.pk, seller)
    assert refused.value.code == "not_registered"


def test_the_registration_number_finds_the_contract_for_its_seller(contract, seller):
    assert visible_contract_id(contract.registration_number, seller) == contract.pk
    assert visible_contract_id(str(contract.pk), seller) == contract.pk


def test_the_printed_url_uses_the_configured_public_address(settings):
    settings.PUBLIC_BASE_URL = "https://registry.example.cn"
    assert verify_url("ABC") == "https://registry.example.cn/verify/ABC"
