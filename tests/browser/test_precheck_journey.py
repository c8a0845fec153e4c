"""Documents in, problems out, in a real browser: a seller uploads a contract whose amount in
capitals disagrees with its figures and gets a filled form with the finding above it; the
registrar opens a contract that has a twin and a contract document, and reads the risk signal
and the pre-check (loaded after the page)."""

from __future__ import annotations

import io

import pytest

from tests.browser.conftest import document
from tests.browser.test_registration_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Precheck-pass-2026"


@pytest.fixture
def people(seller_party):  # type: ignore[no-untyped-def]
    from techmarket.registry.users import save_user

    save_user("xinli", role="seller", party_identifier=seller_party.identifier, password=PASSWORD)
    save_user("tianhe", role="registrar", agency_code="D440106", password=PASSWORD)
    return "xinli", "tianhe"


def test_a_seller_uploads_a_contract_and_gets_the_form_filled_and_the_finding(  # type: ignore[no-untyped-def]
    open_page, watch, people, tmp_path
):
    from techmarket.synth.contract_documents import generate_document
    from techmarket.synth.document_files import document_bytes

    contract = generate_document(3, "development", "commissioned", "amount_capitals_mismatch")
    upload = tmp_path / "合同.docx"
    upload.write_bytes(document_bytes(contract, "docx"))

    seller = open_page()
    sign_in(seller, people[0], PASSWORD)
    seller.click("nav.mainnav >> text=新建合同")
    seller.set_input_files("#id_document", str(upload))
    seller.click("#document-upload button[type=submit]")
    seller.locator("#precheck").wait_for()
    assert seller.input_value("#id_buyer_name") == contract.fields["buyer_name"]
    assert "大写金额不一致" in seller.locator("#precheck").inner_text()
    document(seller, "precheck-upload")
    watch.assert_clean()


def test_the_registrar_reads_the_risk_signal_and_the_document_pre_check(  # type: ignore[no-untyped-def]
    open_page, watch, people, agencies
):
    from django.utils import timezone

    from techmarket.registry.actors import actor_for
    from techmarket.registry.attachments import add_attachment
    from techmarket.stats.risk_scan import scan
    from techmarket.synth.contract_documents import generate_document
    from techmarket.synth.document_files import document_bytes
    from tests.registry.flow import submitted

    seller, now = actor_for(people[0]), timezone.now()
    first = submitted(seller, agencies["tianhe"], now, external_id="TW-1")
    submitted(seller, agencies["tianhe"], now, external_id="TW-2")
    restrictive = generate_document(5, "transfer", "patent_right", "restrictive_clause")
    add_attachment(
        first.pk,
        io.BytesIO(document_bytes(restrictive, "docx")),
        "合同.docx",
        actor=seller,
        now=now,
    )
    scan(attach=False)

    registrar = open_page()
    sign_in(registrar, people[1], PASSWORD)
    registrar.goto(f"/contracts/{first.pk}/")
    signals = registrar.locator("#signals")
    assert "疑似重复登记" in signals.inner_text()
    # loaded after the page: the placeholder is replaced by the findings
    registrar.locator("#document-precheck >> text=限制性条款").wait_for()
    assert "非法垄断技术" in registrar.locator("#document-precheck").inner_text()
    document(registrar, "contract-signals-precheck")
    watch.assert_clean()
