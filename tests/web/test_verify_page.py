"""/verify/<code>: anyone holding a printed certificate or list can check it, and learns nothing private."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from techmarket.registry import services
from techmarket.registry.batch_lists import create_batch_list
from techmarket.registry.certificates import verify_url
from tests.domain.builders import BUYER_REGION, make_resident_id, valid_record
from tests.registry.flow import registered

pytestmark = pytest.mark.django_db

PERSON = make_resident_id(BUYER_REGION, born="19700101", seq="456")


@pytest.fixture
def contract(seller, registrar, agencies, now):
    return registered(seller, registrar, agencies["city"], now, buyer_id=PERSON, buyer_nature="400")


def code_of(contract) -> str:
    return contract.certificates.order_by("pk").first().verification_code


def page(client, code: str):
    return client.get(urlsplit(verify_url(code)).path)


def standing(response) -> str:
    return re.search(r'data-standing="(\w+)"', response.content.decode()).group(1)


def test_the_printed_url_is_the_pages_route():
    assert urlsplit(verify_url("0123456789ABCDEF")).path == reverse(
        "web:verify", args=["0123456789ABCDEF"]
    )


def test_a_valid_certificate_shows_its_registration_and_nothing_private(client, contract):
    response = page(client, code_of(contract))
    text = response.content.decode()
    assert response.status_code == 200 and standing(response) == "valid"
    assert contract.registration_number in text and "2025-06-17" in text
    assert "广州市技术合同登记处" in text and "技术开发（委托开发）" in text
    assert "800,000.00 元" in text  # to compare with the paper
    assert text.index("有效") < text.index("Valid")  # Chinese first
    for private in (PERSON, contract.seller_id, contract.seller_name, contract.buyer_name):
        assert private not in text
    assert PERSON[:6] + "*" not in text  # not even masked


def test_an_amended_certificate_says_a_later_one_replaced_it(client, contract, registrar, now):
    changed = valid_record(
        buyer_id=PERSON, buyer_nature="400", total_amount="1200000.00", tech_amount="1000000.00"
    )
    services.amend(contract.pk, changed, actor=registrar, now=now + timedelta(days=2), note="追加")
    old, new = contract.certificates.order_by("pk")
    assert standing(page(client, old.verification_code)) == "amended"
    assert "800,000.00 元" in page(client, old.verification_code).content.decode()
    assert standing(page(client, new.verification_code)) == "valid"


def test_a_cancelled_registrations_certificate_is_shown_as_cancelled(
    client, contract, registrar, now
):
    services.cancel(contract.pk, actor=registrar, now=now + timedelta(days=2), note="合同解除")
    response = page(client, code_of(contract))
    assert response.status_code == 200 and standing(response) == "cancelled"
    assert "已注销" in response.content.decode()


def test_an_unknown_code_answers_404_saying_so(client):
    response = page(client, "0000000000000000")
    assert response.status_code == 404 and standing(response) == "unknown"
    assert "验证码不存在" in response.content.decode()
    assert client.get("/verify/not-a-code").status_code == 404


def test_a_code_in_lower_case_still_verifies(client, contract):
    assert standing(page(client, code_of(contract).lower())) == "valid"


def test_a_batch_list_is_void_once_any_of_its_contracts_is_cancelled(
    client, seller, registrar, agencies, now
):
    contracts = [
        registered(seller, registrar, agencies["city"], now, external_id=f"GZ-{i}") for i in (1, 2)
    ]
    batch = create_batch_list([c.pk for c in contracts], seller, now)
    response = page(client, batch.verification_code)
    assert standing(response) == "valid"
    assert all(c.registration_number in response.content.decode() for c in contracts)
    services.cancel(contracts[0].pk, actor=registrar, now=now + timedelta(days=2), note="解除")
    response = page(client, batch.verification_code)
    assert standing(response) == "void" and "已作废" in response.content.decode()


def test_the_page_has_no_inline_script_or_style_and_is_kept_out_of_indexes(client, contract):
    response = page(client, code_of(contract))
    html = response.content.decode()
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert "/static/web/site.css" in html
    assert response["X-Robots-Tag"].startswith("noindex")
    assert response["Cache-Control"] == "no-store"


def test_the_page_cannot_be_posted_to(client, contract):
    assert client.post(urlsplit(verify_url(code_of(contract))).path).status_code == 405


def test_an_open_objection_shows_without_who_or_why(client, contract, seller, now):
    from techmarket.registry import services as steps

    steps.object_to(contract.pk, actor=seller, now=now, reason="技术交易额认定偏高，请复核")
    response = page(client, code_of(contract))
    text = response.content.decode()
    assert 'data-objection="open"' in text
    assert "异议复核中" in text
    assert "偏高" not in text and "seller" not in text
