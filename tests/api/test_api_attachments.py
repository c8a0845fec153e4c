"""Attachments over the API: multipart upload, the list, and a download that is the same bytes."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import pytest

from techmarket.registry.audit import verify
from tests.api.conftest import record_body
from tests.registry.files import docx_bytes, exe_bytes, pdf_bytes, png_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("attachment_dir")]
CITY_DRAFT = {"agency_code": "C440100", "record": record_body()}


@pytest.fixture
def contract_id(api_as, seller) -> int:
    return api_as(seller).post("/contracts", CITY_DRAFT).json()["id"]


def test_a_seller_uploads_a_pdf_and_a_registrar_downloads_the_same_bytes(
    api_as, seller, registrar, contract_id
):
    uploaded = api_as(seller).upload(
        f"/contracts/{contract_id}/attachments", "合同正本.pdf", pdf_bytes()
    )
    assert uploaded.status_code == 201, uploaded.json()
    body = uploaded.json()
    assert body["content_type"] == "application/pdf"
    assert body["sha256"] == hashlib.sha256(pdf_bytes()).hexdigest()
    assert body["size"] == len(pdf_bytes())
    assert body["uploaded_by"] == "seller"
    assert uploaded["Location"] == f"/api/v1/contracts/{contract_id}/attachments/{body['id']}"

    download = api_as(registrar).get(f"/contracts/{contract_id}/attachments/{body['id']}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"] == (
        f"attachment; filename*=utf-8''{quote('合同正本.pdf')}"
    )
    assert verify().ok


def test_the_list_shows_each_file_with_its_hash(api_as, seller, contract_id):
    client = api_as(seller)
    client.upload(f"/contracts/{contract_id}/attachments", "a.docx", docx_bytes())
    client.upload(f"/contracts/{contract_id}/attachments", "b.png", png_bytes())

    listed = client.get(f"/contracts/{contract_id}/attachments")
    assert listed.status_code == 200
    assert [(a["name"], a["content_type"]) for a in listed.json()] == [
        ("a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("b.png", "image/png"),
    ]
    assert listed.json()[1]["sha256"] == hashlib.sha256(png_bytes()).hexdigest()
    assert set(listed.json()[0]) == {
        "id", "name", "content_type", "size", "sha256", "uploaded_at", "uploaded_by"
    }  # fmt: skip


def test_an_exe_named_pdf_answers_a_problem_naming_the_accepted_types(api_as, seller, contract_id):
    refused = api_as(seller).upload(
        f"/contracts/{contract_id}/attachments", "合同.pdf", exe_bytes()
    )
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "attachment_type_not_allowed"
    assert refused.json()["accepted"] == "PDF, DOCX, PNG, JPEG"


def test_an_empty_upload_is_refused(api_as, seller, contract_id):
    refused = api_as(seller).upload(f"/contracts/{contract_id}/attachments", "空.pdf", b"")
    assert (refused.status_code, refused.json()["code"]) == (422, "attachment_empty")


def test_a_20_mb_file_is_accepted(api_as, seller, contract_id, attachment_dir):
    big = pdf_bytes().ljust(20 * 1024 * 1024, b" ")
    uploaded = api_as(seller).upload(f"/contracts/{contract_id}/attachments", "big.pdf", big)
    assert uploaded.status_code == 201, uploaded.json()
    assert uploaded.json()["size"] == 20 * 1024 * 1024


def test_a_file_over_the_limit_is_refused_as_it_arrives_with_a_problem(
    api_as, seller, contract_id, settings, monkeypatch
):
    from techmarket.api import attachments

    def never(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the upload handler should have refused it before the view")

    settings.ATTACHMENT_MAX_BYTES = 100 * 1024
    monkeypatch.setattr(attachments, "add_attachment", never)
    too_big = pdf_bytes().ljust(200 * 1024, b" ")
    refused = api_as(seller).upload(f"/contracts/{contract_id}/attachments", "big.pdf", too_big)
    assert refused.status_code == 422
    assert refused.json()["code"] == "attachment_too_large"
    assert refused.json()["max_bytes"] == 100 * 1024
    just_over = pdf_bytes().ljust(100 * 1024 + 1, b" ")  # within the multipart slack
    refused = api_as(seller).upload(f"/contracts/{contract_id}/attachments", "big.pdf", just_over)
    assert refused.json()["code"] == "attachment_too_large"
    monkeypatch.undo()
    assert api_as(seller).get(f"/contracts/{contract_id}/attachments").json() == []


def test_a_seller_cannot_attach_to_a_registered_contract(api_as, seller, registrar, contract_id):
    as_registrar = api_as(registrar)
    api_as(seller).post(f"/contracts/{contract_id}/actions/submit")
    for action in ("accept", "start_review", "register"):
        assert as_registrar.post(f"/contracts/{contract_id}/actions/{action}").status_code == 200
    refused = api_as(seller).upload(
        f"/contracts/{contract_id}/attachments", "late.pdf", pdf_bytes()
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "attachments_closed_to_seller")
    scan = as_registrar.upload(f"/contracts/{contract_id}/attachments", "批复.png", png_bytes())
    assert scan.status_code == 201


@pytest.mark.parametrize("stranger", ["outsider", "other_district_registrar"])
def test_a_stranger_gets_404_on_list_download_and_upload(
    api_as, seller, contract_id, stranger, request
):
    uploaded = api_as(seller).upload(f"/contracts/{contract_id}/attachments", "a.pdf", pdf_bytes())
    attachment_id = uploaded.json()["id"]
    client = api_as(request.getfixturevalue(stranger))
    answers = [
        client.get(f"/contracts/{contract_id}/attachments"),
        client.get(f"/contracts/{contract_id}/attachments/{attachment_id}"),
        client.upload(f"/contracts/{contract_id}/attachments", "b.png", png_bytes()),
    ]
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert all("a.pdf" not in a.content.decode() for a in answers)


def test_anonymous_callers_are_asked_to_authenticate(api_as, contract_id):
    answer = api_as(None).upload(f"/contracts/{contract_id}/attachments", "a.pdf", pdf_bytes())
    assert (answer.status_code, answer.json()["code"]) == (401, "not_authenticated")


def test_an_upload_without_a_file_field_is_a_shape_problem(api_as, seller, contract_id):
    answer = api_as(seller).post(f"/contracts/{contract_id}/attachments")
    assert (answer.status_code, answer.json()["code"]) == (422, "invalid_request")


def test_the_openapi_document_describes_the_upload_and_the_download(api_as, seller):
    paths = api_as(seller).get("/openapi.json").json()["paths"]
    upload = paths["/api/v1/contracts/{contract_id}/attachments"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    download = paths["/api/v1/contracts/{contract_id}/attachments/{attachment_id}"]["get"]
    assert "application/pdf" in download["responses"]["200"]["content"]
