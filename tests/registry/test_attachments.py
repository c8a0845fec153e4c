"""Contract attachments through the service every front end calls: who, when, what, and where."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.conf import settings

from techmarket.domain.problems import (
    Conflict,
    FileProblem,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from techmarket.registry import services
from techmarket.registry.attachments import add_attachment, list_attachments, open_attachment
from techmarket.registry.audit import verify
from techmarket.registry.models import Attachment, AuditEvent
from tests.domain.builders import valid_record
from tests.registry.files import docx_bytes, exe_bytes, jpeg_bytes, pdf_bytes, png_bytes
from tests.registry.flow import registered, submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("attachment_dir")]


@pytest.fixture
def draft(seller, agencies, now):
    return services.create_draft(valid_record(), agency=agencies["city"], actor=seller, now=now)


def attach(contract, data: bytes, name: str, actor, now):  # type: ignore[no-untyped-def]
    return add_attachment(contract.pk, io.BytesIO(data), name, actor=actor, now=now)


def stored_files(root) -> list:  # type: ignore[no-untyped-def]
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (pdf_bytes(), "合同正本.pdf", "application/pdf"),
        (
            docx_bytes(),
            "技术说明.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (png_bytes(), "盖章页.png", "image/png"),
        (jpeg_bytes(), "scan.jpeg", "image/jpeg"),
    ],
    ids=["pdf", "docx", "png", "jpeg"],
)
def test_a_seller_attaches_a_pdf_docx_png_or_jpeg_to_a_draft(
    draft, seller, now, data, name, content_type
):
    attachment = attach(draft, data, name, seller, now)

    assert (attachment.name, attachment.content_type) == (name, content_type)
    assert attachment.size == len(data)
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.uploaded_by == "seller"
    assert attachment.uploaded_at == now


def test_the_file_is_stored_outside_the_web_root_under_a_random_name(
    draft, seller, now, attachment_dir
):
    attachment = attach(draft, pdf_bytes(), "合同正本.pdf", seller, now)

    [path] = stored_files(attachment_dir)
    assert path.read_bytes() == pdf_bytes()
    assert path.relative_to(attachment_dir).as_posix() == attachment.storage_name
    assert path.parent.relative_to(attachment_dir).as_posix() == (
        f"{attachment.sha256[:2]}/{attachment.sha256[2:4]}"
    )
    assert "合同正本" not in path.name
    assert not path.is_relative_to(settings.STATIC_ROOT)


def test_the_downloaded_bytes_are_the_uploaded_bytes(draft, seller, registrar, now):
    uploaded = docx_bytes()  # once: a zip records the time it was built, to two seconds
    attachment = attach(draft, uploaded, "说明.docx", seller, now)
    found, file = open_attachment(draft.pk, attachment.pk, registrar)
    with file:
        assert file.read() == uploaded
    assert found == attachment


def test_each_attachment_is_an_audited_step_and_the_chain_verifies(draft, seller, now):
    first = attach(draft, pdf_bytes(), "a.pdf", seller, now)
    attach(draft, png_bytes(), "b.png", seller, now)

    event = AuditEvent.objects.filter(contract=draft, action="attach").order_by("seq").first()
    assert event is not None
    assert event.payload["name"] == "a.pdf"
    assert event.payload["sha256"] == first.sha256
    assert event.payload["size"] == str(first.size)
    assert (event.from_status, event.to_status) == ("draft", "draft")
    assert verify().ok


def test_an_exe_renamed_pdf_is_refused_by_its_content(draft, seller, now, attachment_dir):
    with pytest.raises(FileProblem) as refused:
        attach(draft, exe_bytes(), "合同.pdf", seller, now)
    assert refused.value.code == "attachment_type_not_allowed"
    assert "PDF, DOCX, PNG, JPEG" in refused.value.message_en
    assert stored_files(attachment_dir) == []
    assert not Attachment.objects.exists()


def test_a_zip_without_a_word_document_is_not_a_docx(draft, seller, now):
    with pytest.raises(FileProblem) as refused:
        attach(draft, docx_bytes(with_document=False), "说明.docx", seller, now)
    assert refused.value.code == "attachment_type_not_allowed"


def test_a_macro_enabled_document_is_not_a_docx(draft, seller, now):
    macro = docx_bytes(extra={"word/vbaProject.bin": b"\x00" * 10})
    with pytest.raises(FileProblem) as refused:
        attach(draft, macro, "说明.docx", seller, now)
    assert refused.value.code == "attachment_type_not_allowed"


def test_a_document_that_would_unpack_far_beyond_its_size_is_refused(draft, seller, now):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/bomb.bin", "w", force_zip64=True) as bomb:
            for _ in range(30):  # 30 MB of zeros packs into about 30 kB
                bomb.write(b"\x00" * 1024 * 1024)
    with pytest.raises(FileProblem) as refused:
        attach(draft, buffer.getvalue(), "说明.docx", seller, now)
    assert refused.value.code == "attachment_archive_unsafe"


def test_an_empty_file_is_refused(draft, seller, now, attachment_dir):
    with pytest.raises(FileProblem) as refused:
        attach(draft, b"", "空.pdf", seller, now)
    assert refused.value.code == "attachment_empty"
    assert stored_files(attachment_dir) == []


def test_a_file_over_the_limit_is_refused_and_leaves_nothing_behind(
    draft, seller, now, settings, attachment_dir
):
    settings.ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(FileProblem) as refused:
        attach(draft, pdf_bytes("x" * 1000), "大.pdf", seller, now)
    assert refused.value.code == "attachment_too_large"
    assert refused.value.details["max_bytes"] == 1000
    assert stored_files(attachment_dir) == []
    assert attach(draft, pdf_bytes(), "小.pdf", seller, now).size <= 1000


def test_the_name_is_cleaned_and_ends_in_the_type_the_content_is(draft, seller, now):
    sneaky = attach(draft, png_bytes(), "..\\..\\etc/\u202egnp.exe\x00.pdf", seller, now)
    assert sneaky.name == "gnp.exe.pdf.png"
    long = attach(draft, pdf_bytes(), "长" * 300 + ".pdf", seller, now)
    assert len(long.name) == 200
    assert long.name.endswith("长.pdf")


def test_the_same_file_twice_on_one_contract_is_a_conflict(draft, seller, now, attachment_dir):
    first = attach(draft, pdf_bytes(), "a.pdf", seller, now)
    with pytest.raises(Conflict) as refused:
        attach(draft, pdf_bytes(), "again.pdf", seller, now)
    assert (refused.value.code, refused.value.details["attachment"]) == (
        "attachment_duplicate",
        first.pk,
    )
    assert len(stored_files(attachment_dir)) == 1


def test_a_seller_may_attach_while_submitted_but_not_once_registered(
    seller, registrar, agencies, now
):
    pending = submitted(seller, agencies["city"], now)
    assert attach(pending, pdf_bytes(), "a.pdf", seller, now).pk
    done = registered(seller, registrar, agencies["city"], now, external_id="HT-2")
    with pytest.raises(InvalidTransition) as refused:
        attach(done, pdf_bytes(), "late.pdf", seller, now)
    assert refused.value.code == "attachments_closed_to_seller"


def test_the_registrar_of_the_agency_attaches_a_scanned_approval_to_a_registered_contract(
    seller, registrar, agencies, now
):
    done = registered(seller, registrar, agencies["city"], now)
    attachment = attach(done, jpeg_bytes(), "批复扫描.jpg", registrar, now)
    assert [a.pk for a in list_attachments(done.pk, seller)] == [attachment.pk]
    assert verify().ok


def test_an_outsider_seller_can_neither_see_nor_add_attachments(draft, seller, outsider, now):
    attachment = attach(draft, pdf_bytes(), "a.pdf", seller, now)
    with pytest.raises(NotFound):
        list_attachments(draft.pk, outsider)
    with pytest.raises(NotFound):
        open_attachment(draft.pk, attachment.pk, outsider)
    with pytest.raises(NotFound):
        attach(draft, png_bytes(), "b.png", outsider, now)


def test_a_registrar_of_another_district_can_neither_see_nor_add_attachments(
    draft, seller, other_district_registrar, now
):
    attachment = attach(draft, pdf_bytes(), "a.pdf", seller, now)
    with pytest.raises(NotFound):
        list_attachments(draft.pk, other_district_registrar)
    with pytest.raises(NotFound):
        open_attachment(draft.pk, attachment.pk, other_district_registrar)
    with pytest.raises(NotFound):
        attach(draft, png_bytes(), "b.png", other_district_registrar, now)


def test_an_analyst_may_read_but_not_attach(draft, seller, analyst, now):
    attachment = attach(draft, pdf_bytes(), "a.pdf", seller, now)
    assert [a.pk for a in list_attachments(draft.pk, analyst)] == [attachment.pk]
    with pytest.raises(PermissionDenied):
        attach(draft, png_bytes(), "b.png", analyst, now)


def test_an_attachment_of_another_contract_is_not_found_through_this_one(seller, agencies, now):
    one = services.create_draft(valid_record(), agency=agencies["city"], actor=seller, now=now)
    two = services.create_draft(
        valid_record(external_id="HT-2"), agency=agencies["city"], actor=seller, now=now
    )
    attachment = attach(one, pdf_bytes(), "a.pdf", seller, now)
    with pytest.raises(NotFound) as missing:
        open_attachment(two.pk, attachment.pk, seller)
    assert missing.value.code == "attachment_not_found"


def test_a_failed_transaction_removes_the_stored_file(
    draft, seller, now, attachment_dir, monkeypatch
):
    from techmarket.registry import attachments

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database went away")

    monkeypatch.setattr(attachments, "_event", broken)
    with pytest.raises(RuntimeError):
        attach(draft, pdf_bytes(), "a.pdf", seller, now)
    assert stored_files(attachment_dir) == []
    assert not Attachment.objects.exists()


def test_the_command_line_attaches_a_file_and_lists_it(draft, registrar, tmp_path):
    import json

    from typer.testing import CliRunner

    from techmarket.cli.main import app

    path = tmp_path / "合同正本.pdf"
    path.write_bytes(pdf_bytes())
    runner = CliRunner()
    added = runner.invoke(
        app, ["contracts", "attach", str(draft.pk), str(path), "--as", "seller", "--json"]
    )
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["sha256"] == hashlib.sha256(pdf_bytes()).hexdigest()
    listed = runner.invoke(
        app, ["contracts", "attachments", str(draft.pk), "--as", "registrar", "--json"]
    )
    assert listed.exit_code == 0, listed.output
    assert [a["name"] for a in json.loads(listed.stdout)] == ["合同正本.pdf"]


def test_the_command_line_refuses_a_renamed_exe_with_the_file_exit_code(draft, tmp_path):
    import json

    from typer.testing import CliRunner

    from techmarket.cli.main import app

    path = tmp_path / "合同.pdf"
    path.write_bytes(exe_bytes())
    result = CliRunner().invoke(
        app, ["contracts", "attach", str(draft.pk), str(path), "--as", "seller", "--json"]
    )
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["code"] == "attachment_type_not_allowed"
