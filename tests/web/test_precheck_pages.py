"""The contract pre-check on the pages: the seller's upload fills the new-contract form and
lists the findings; the registrar sees the findings of the contract's uploaded document."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from techmarket.registry.attachments import add_attachment
from techmarket.synth.contract_documents import generate_document
from techmarket.synth.document_files import document_bytes
from tests.registry.flow import submitted

pytestmark = pytest.mark.django_db


def _upload(document, fmt="docx"):  # type: ignore[no-untyped-def]
    return SimpleUploadedFile(f"contract.{fmt}", document_bytes(document, fmt))


def test_a_seller_uploads_the_contract_and_gets_a_filled_form_marked_for_checking(
    browser_as, seller
):
    document = generate_document(3, "development", "commissioned", "amount_capitals_mismatch")
    page = browser_as(seller).post("/contracts/new/from-document/", {"document": _upload(document)})
    html = page.content.decode()
    assert page.status_code == 200
    assert f'value="{document.fields["buyer_name"]}"' in html
    assert f'value="{document.fields["total_amount"]}"' in html
    assert "从合同文本提取，请核对" in html
    assert "合同金额的小写数字与大写金额不一致" in html  # the finding, above the form
    assert html.index('id="precheck"') < html.index('id="contract-form"')


def test_a_legacy_doc_is_refused_beside_the_upload_with_what_to_send_instead(browser_as, seller):
    old = SimpleUploadedFile("contract.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    page = browser_as(seller).post("/contracts/new/from-document/", {"document": old})
    assert page.status_code == 422
    assert "另存为" in page.content.decode()


def test_a_registrar_sees_the_findings_of_the_uploaded_contract_document(
    browser_as, seller, registrar, agencies, now, attachment_dir
):
    contract = submitted(seller, agencies["city"], now, name="网页预检技术开发合同")
    document = generate_document(5, "transfer", "patent_right", "restrictive_clause")
    add_attachment(
        contract.pk,
        io.BytesIO(document_bytes(document, "docx")),
        "合同.docx",
        actor=seller,
        now=now,
    )
    html = browser_as(registrar).get(f"/contracts/{contract.pk}/").content.decode()
    # the page itself does not wait for the pre-check: it loads it after itself
    assert f'hx-get="/contracts/{contract.pk}/precheck/"' in html and "正在读取附件" in html
    findings = browser_as(registrar).get(f"/contracts/{contract.pk}/precheck/")
    assert findings.status_code == 200
    assert "合同文本预检" in findings.content.decode()
    assert "非法垄断技术" in findings.content.decode()
    seller_view = browser_as(seller).get(f"/contracts/{contract.pk}/").content.decode()
    assert "合同文本预检" not in seller_view
    assert browser_as(seller).get(f"/contracts/{contract.pk}/precheck/").status_code == 403
