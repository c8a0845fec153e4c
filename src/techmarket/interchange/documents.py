"""Read an uploaded contract document (.docx, text-layer .pdf, .txt) into lines of text.

Whatever cannot be read becomes one `FileProblem` with a stable code and a message that says
what to upload instead: a legacy Word .doc, a scanned PDF without a text layer, an image, an
encrypted or damaged file. The type is told from the content, never from the name.

PDF text comes from pypdfium2 (measured ~5× faster than pdfplumber on a 20-page contract, see
docs/precheck.md); a PDF wraps long sentences at the page edge, so wrapped lines are joined
back into paragraphs before the text is read.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from techmarket.domain.file_types import DOCX, JPEG, PNG, detect
from techmarket.domain.problems import FileProblem

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office and encrypted Office files
_ZIP = b"PK\x03\x04"
MAX_PAGES = 300
MIN_TEXT_CHARS = 40  # fewer non-space characters than this: a scan, not a text layer
_SENTENCE_END = re.compile(r"[。；;!！?？]$")
_STARTS_A_LINE = re.compile(
    r"^(第[一二三四五六七八九十百\d]+条|[一二三四五六七八九十]+、|\d{1,2}(、|\.(?!\d)))"
)
ACCEPTED = ("docx", "pdf", "txt")


@dataclass(frozen=True)
class DocumentText:
    """The document's lines in reading order; `kind` is docx, pdf or txt."""

    kind: str
    lines: tuple[str, ...]
    pages: int | None = None


def read_document(data: bytes, name: str = "") -> DocumentText:
    """The text of a contract document; FileProblem when it cannot be read as one."""
    if not data:
        raise _problem("document_empty", "文件是空的", "the file is empty")
    if data.startswith(_OLE2):
        raise _ole2_problem(data)
    if data.startswith(_ZIP):
        return _docx(data)
    if data.startswith(b"%PDF-"):
        return _pdf(data)
    if data.startswith(b"{\\rtf"):
        raise _problem(
            "document_rtf",
            "RTF 文件不能读取：请在 Word 中另存为 .docx 后上传",
            "an RTF file cannot be read: save it as .docx in Word and upload that",
        )
    try:
        kind = detect(io.BytesIO(data))
    except FileProblem:
        kind = None
    if kind in (PNG, JPEG):
        raise _problem(
            "document_is_image",
            "这是图片，不是合同文本：请上传 .docx 或带文字层的 PDF（可在 Word 中另存为 PDF）",
            "this is an image, not a contract text: upload a .docx or a PDF with a text layer",
        )
    return _txt(data)


def _problem(code: str, zh: str, en: str) -> FileProblem:
    return FileProblem(zh, en, code=code, accepted=", ".join(ACCEPTED))


def _ole2_problem(data: bytes) -> FileProblem:
    if "EncryptedPackage".encode("utf-16-le") in data[:65536] or b"EncryptedPackage" in data:
        return _problem(
            "document_encrypted",
            "文件已加密（设有打开密码）：请取消密码后重新保存为 .docx 再上传",
            "the file is encrypted (password to open): remove the password, save as .docx and "
            "upload again",
        )
    return _problem(
        "document_legacy_doc",
        "这是旧版 Word（.doc）文件，无法读取：请在 Word 中“另存为” .docx，或导出为 PDF 后上传",
        "this is a legacy Word (.doc) file, which cannot be read: save it as .docx in Word, or "
        "export it as PDF, and upload that",
    )


def _corrupt(kind: str) -> FileProblem:
    return _problem(
        "document_corrupt",
        f"{kind} 文件已损坏，无法打开：请重新导出后上传",
        f"the {kind} file is damaged and cannot be opened: export it again and upload that",
    )


def _docx(data: bytes) -> DocumentText:
    stream = io.BytesIO(data)
    try:
        kind = detect(stream)  # also refuses a "zip bomb"
    except FileProblem as problem:
        if problem.code == "attachment_archive_unsafe":
            raise
        kind = None
    if kind is not DOCX:
        raise _corrupt("DOCX")
    from docx import Document  # python-docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        word = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise _corrupt("DOCX") from error
    except Exception as error:  # lxml parse errors and the like: a damaged document
        raise _corrupt("DOCX") from error
    lines: list[str] = []
    for block in word.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend(_table_rows(block))
    if sum(len(line.strip()) for line in lines) < MIN_TEXT_CHARS:
        raise _problem(
            "document_no_text",
            "文档中几乎没有文字（可能只有扫描图片）：请上传可复制文字的 .docx 或 PDF",
            "the document has almost no text (perhaps only scanned images): upload a .docx or "
            "PDF whose text can be copied",
        )
    return DocumentText("docx", tuple(lines))


def _table_rows(table) -> Iterator[str]:  # type: ignore[no-untyped-def]
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = cell.text.strip()
            if not cells or text != cells[-1]:  # a merged cell repeats itself
                cells.append(text)
        yield "\t".join(cells)


def _pdf(data: bytes) -> DocumentText:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise _problem(
                "document_encrypted",
                "PDF 已加密（设有打开密码）：请取消密码后重新导出再上传",
                "the PDF is encrypted (password to open): remove the password and upload again",
            ) from error
        raise _corrupt("PDF") from error
    try:
        if len(document) > MAX_PAGES:
            raise _problem(
                "document_too_long",
                f"PDF 超过 {MAX_PAGES} 页，不像一份合同：请只上传合同正文",
                f"the PDF has more than {MAX_PAGES} pages: upload the contract itself",
            )
        pages: list[str] = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
        count = len(document)
    except pdfium.PdfiumError as error:
        raise _corrupt("PDF") from error
    finally:
        document.close()
    if sum(len(re.sub(r"\s", "", page)) for page in pages) < MIN_TEXT_CHARS:
        raise _problem(
            "document_no_text_layer",
            "这份 PDF 没有文字层（扫描件）：请上传 Word 原件（.docx）或由 Word 直接导出的 PDF",
            "this PDF has no text layer (a scan): upload the Word original (.docx) or a PDF "
            "exported from Word",
        )
    lines: list[str] = []
    for page in pages:
        lines.extend(unwrap(page.splitlines()))
    return DocumentText("pdf", tuple(lines), count)


def unwrap(lines: list[str]) -> list[str]:
    """Join lines a PDF wrapped at the page edge: a line about as long as the longest on the
    page that does not end a sentence continues on the next, unless that starts a clause."""
    stripped = [line.strip() for line in lines if line.strip()]
    if not stripped:
        return []
    full = max(_width(line) for line in stripped)
    out: list[str] = []
    for index, line in enumerate(stripped):
        previous = stripped[index - 1] if index else ""
        # a line of one or two characters after an unfinished one is the end of it (a title
        # wrapped as "…转让合" / "同"), unless it is a page number
        leftover = len(line) <= 2 and not line.isdecimal()
        if (
            out
            and not _SENTENCE_END.search(previous)
            and not _STARTS_A_LINE.match(line)
            and (leftover or _wrapped(previous, line, full))
        ):
            out[-1] += line
        else:
            out.append(line)
    return out


def _wrapped(line: str, following: str, full: float) -> bool:
    """The line is full, or the next line's first word would not have fitted on it (Latin
    words and numbers wrap whole)."""
    first_word = re.match(r"[\x21-\x7e]*", following)
    extra = _width(first_word.group()) if first_word and first_word.group() else 1.0
    return _width(line) >= 0.85 * full or _width(line) + extra >= 0.95 * full


def _width(line: str) -> float:
    """Printed width in em: Latin letters and digits are about half a Chinese character."""
    return sum(0.55 if ord(char) < 0x2E80 else 1.0 for char in line)


def _txt(data: bytes) -> DocumentText:
    if b"\x00" in data[:4096]:
        raise _problem(
            "document_type_not_supported",
            "不接受此类文件：请上传 .docx、带文字层的 PDF 或 .txt 合同文本",
            "this kind of file is not accepted: upload the contract as .docx, a text PDF or .txt",
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string without NUL
        raise _problem("document_encoding", "无法识别文本编码", "unknown text encoding")
    return DocumentText("txt", tuple(text.splitlines()))
