"""A seller organisation signs itself up; after performance it declares income that the agency
verifies, and the verified years print as the 核定表."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from techmarket.registry.models import IncomeDeclaration, Party
from tests.domain.builders import make_uscc
from tests.pdf_text import pdf_text
from tests.registry.flow import registered

pytestmark = pytest.mark.django_db

NEW = make_uscc("440106", "MA3K5L7N")


def form(**changes: str) -> dict[str, str]:
    values = {
        "name": "广州示例新材料有限公司",
        "identifier": NEW,
        "region": "440106",
        "username": "newco",
        "email": "",
        "password": "a-long-pass-2026",
        "password2": "a-long-pass-2026",
    }
    values.update(changes)
    return values


def test_an_organisation_signs_up_and_lands_on_its_to_do(client, agencies):
    response = client.post("/signup/", form())
    assert response.status_code == 302 and response["Location"] == "/home/"
    user = get_user_model().objects.get(username="newco")
    assert user.profile.role == "seller" and user.profile.party.identifier == NEW


def test_a_wrong_credit_code_is_named_beside_its_field_and_nothing_is_created(client, agencies):
    wrong = NEW[:-1] + ("0" if NEW[-1] != "0" else "1")
    response = client.post("/signup/", form(identifier=wrong))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="msg-identifier"><span class="error-text">' in html
    assert not Party.objects.filter(identifier=wrong).exists()
    assert not get_user_model().objects.filter(username="newco").exists()


def test_a_weak_password_or_a_taken_username_is_refused(client, agencies, seller):
    weak = client.post("/signup/", form(password="12345678", password2="12345678"))
    assert weak.status_code == 422 and 'id="msg-password"><span' in weak.content.decode()
    taken = client.post("/signup/", form(username="seller"))
    assert taken.status_code == 422 and "已被使用" in taken.content.decode()
    assert not Party.objects.filter(identifier=NEW).exists()


@pytest.fixture
def done(seller, registrar, agencies, now):  # type: ignore[no-untyped-def]
    return registered(seller, registrar, agencies["city"], now, signed_on="2025-03-15")


def test_income_is_declared_verified_and_printed(browser_as, seller, registrar, done):
    client = browser_as(seller)
    client.post(
        f"/contracts/{done.pk}/income/",
        {"year": "2025", "received": "300,000.00", "technical": "250000", "note": ""},
    )
    declaration = IncomeDeclaration.objects.get(contract=done, year=2025)
    assert declaration.status == "declared"
    page = browser_as(registrar).get(f"/contracts/{done.pk}/").content.decode()
    assert 'data-income="verify-2025"' in page
    browser_as(registrar).post(
        f"/contracts/{done.pk}/income/{declaration.pk}/verify/", {"version": "1"}
    )
    declaration.refresh_from_db()
    assert declaration.status == "verified"
    sheet = browser_as(seller).get(f"/contracts/{done.pk}/income-sheet.pdf")
    assert "250,000.00" in pdf_text(sheet.content)


def test_income_above_the_technology_value_is_refused_with_the_reason(browser_as, seller, done):
    response = browser_as(seller).post(
        f"/contracts/{done.pk}/income/",
        {"year": "2025", "received": "900000", "technical": "900000"},
        follow=True,
    )
    assert not IncomeDeclaration.objects.filter(contract=done).exists()
    assert "技术交易额" in response.content.decode()


def test_the_agency_sees_a_signed_up_organisation_as_new(
    client, browser_as, other_district_registrar, registrar
):
    client.post("/signup/", form())
    client.logout()
    assert "广州示例新材料有限公司" in browser_as(registrar).get("/home/").content.decode()
    # Huangpu's station does not cover Tianhe (440106).
    assert (
        "广州示例新材料有限公司"
        not in browser_as(other_district_registrar).get("/home/").content.decode()
    )


def test_a_seller_adds_a_colleague_who_acts_for_the_same_organisation(browser_as, seller, outsider):
    client = browser_as(seller)
    added = client.post(
        "/organisation/", {"username": "colleague", "password": "another-long-pass-9"}
    )
    assert added.status_code == 302
    profile = get_user_model().objects.get(username="colleague").profile
    assert profile.party_id == seller.party_id and profile.role == "seller"
    taken = client.post("/organisation/", {"username": "outsider", "password": "x-long-pass-99"})
    assert taken.status_code == 422 and "已被使用" in taken.content.decode()


def test_the_organisation_page_is_titled_with_the_organisation_and_has_one_form(
    browser_as, seller, seller_party
):
    page = browser_as(seller).get("/organisation/").content.decode()
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith(seller_party.name) and "<" not in title
    assert page.count('name="username"') == 1
