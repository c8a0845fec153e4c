"""Reading uploaded contract documents: docx and text PDF give the same pre-check as the text;
files that cannot be read are refused with a code and a message saying what to upload."""

from __future__ import annotations

import io
import zipfile

import pytest

from techmarket.domain.contract_text import ContractText, precheck_text
from techmarket.domain.problems import FileProblem
from techmarket.interchange.documents import read_document, unwrap
from techmarket.interchange.precheck import precheck_document
from techmarket.synth.contract_documents import CHECKED_ON, generate_document
from techmarket.synth.document_files import document_bytes

SAMPLES = [
    ("development", "cooperative", None),
    ("transfer", "patent_right", "patent_check_digit"),
    ("license", "patent_exclusive", "amount_capitals_mismatch"),
    ("service", "training", "blank_unfilled"),
]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize(("kind", "subtype", "defect"), SAMPLES)
def test_a_document_file_reads_as_its_text_does(fmt, kind, subtype, defect):
    document = generate_document(11, kind, subtype, defect)
    from_file = precheck_document(
        document_bytes(document, fmt), f"c.{fmt}", today=CHECKED_ON, seller=document.seller_claimed
    )
    from_text = precheck_text(
        ContractText.from_lines(document.lines()), today=CHECKED_ON, seller=document.seller_claimed
    )
    values = {k: f.value for k, f in from_file.fields.items()}
    assert {k: values.get(k) for k in document.fields} == document.fields
    assert {f.rule for f in from_file.findings} == {f.rule for f in from_text.findings}
    assert from_file.suggestion.subtype == subtype


def _code(data: bytes) -> str:
    with pytest.raises(FileProblem) as refused:
        read_document(data, "upload")
    assert refused.value.message and refused.value.message_en
    return refused.value.code


def test_a_legacy_word_doc_is_refused_with_save_as_docx():
    assert _code(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)) == "document_legacy_doc"


def test_an_encrypted_office_file_is_refused_as_encrypted():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le")
    assert _code(data) == "document_encrypted"


def test_a_scan_without_a_text_layer_is_refused():
    from weasyprint import HTML

    scan = HTML(string="<div style='height:20cm;background:#777'></div>").write_pdf()
    assert _code(scan) == "document_no_text_layer"


def test_a_damaged_pdf_and_a_damaged_docx_are_refused_as_corrupt():
    assert _code(b"%PDF-1.7\n garbage") == "document_corrupt"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<not xml")
    assert _code(out.getvalue()) == "document_corrupt"


def test_an_image_and_an_empty_file_are_refused():
    assert _code(b"\x89PNG\r\n\x1a\n" + bytes(100)) == "document_is_image"
    assert _code(b"") == "document_empty"


def test_a_gbk_text_file_is_read():
    assert read_document("技术开发合同".encode("gbk")).lines == ("技术开发合同",)


def test_lines_a_pdf_wrapped_are_joined_but_clauses_stay_apart():
    lines = [
        "本合同总金额为人民币 4,409,380.00 元，其中材料费",
        "352750.00 元。",
        "第二条",
        "保密。",
    ]
    assert unwrap(lines) == [
        "本合同总金额为人民币 4,409,380.00 元，其中材料费352750.00 元。",
        "第二条",
        "保密。",
    ]
