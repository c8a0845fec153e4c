"""Which kinds of file a contract may carry, told from their content, never from name or header.

A client's file name and Content-Type are whatever it says; the first bytes (and, for a DOCX,
the ZIP's table of entries) are what the file is. Pure Python: no Django.
"""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from techmarket.domain.problems import FileProblem


@dataclass(frozen=True)
class FileType:
    key: str
    content_type: str
    suffix: str  # the suffix a stored or downloaded file of this type ends with
    suffixes: tuple[str, ...]  # suffixes a person's file name may already carry


PDF = FileType("pdf", "application/pdf", ".pdf", (".pdf",))
DOCX = FileType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
    (".docx",),
)
PNG = FileType("png", "image/png", ".png", (".png",))
JPEG = FileType("jpeg", "image/jpeg", ".jpg", (".jpg", ".jpeg"))
ACCEPTED = (PDF, DOCX, PNG, JPEG)
ACCEPTED_NAMES = "PDF, DOCX, PNG, JPEG"

_MAGIC = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
_ZIP = b"PK\x03\x04"
# A DOCX is a ZIP; whoever opens it later (a viewer, python-docx) inflates its entries, so the
# sizes the archive declares are bounded here, before it is accepted (a "zip bomb" guard).
MAX_ENTRIES = 2000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200


def detect(file: BinaryIO) -> FileType:
    """The file's type from its content (the file must be seekable); refused if not accepted."""
    file.seek(0)
    head = file.read(16)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(_ZIP) and _is_docx(file):
        return DOCX
    raise FileProblem(
        f"不接受此类文件：只接受 {ACCEPTED_NAMES}（按文件内容判断，与文件名无关）",
        f"this kind of file is not accepted: only {ACCEPTED_NAMES} "
        "(judged by the file's content, not its name)",
        code="attachment_type_not_allowed",
        accepted=ACCEPTED_NAMES,
    )


def _is_docx(file: BinaryIO) -> bool:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    _refuse_bomb(entries)
    names = {entry.filename for entry in entries}
    # A macro-enabled document (.docm) carries word/vbaProject.bin: not a DOCX.
    return "word/document.xml" in names and "word/vbaProject.bin" not in names


def _refuse_bomb(entries: list[zipfile.ZipInfo]) -> None:
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries)
    if (
        len(entries) > MAX_ENTRIES
        or unpacked > MAX_UNPACKED_BYTES
        or unpacked > MAX_RATIO * max(packed, 1024)
    ):
        raise FileProblem(
            "压缩文档展开后过大或条目过多，疑为恶意文件，不予接受",
            "the document's archive would unpack to too much data or too many entries; "
            "refused as unsafe",
            code="attachment_archive_unsafe",
            entries=len(entries),
            unpacked_bytes=unpacked,
        )


_UNSAFE_IN_NAMES = str.maketrans({c: "_" for c in '<>:"|?*'})


def display_name(raw: str, kind: FileType, *, limit: int = 200) -> str:
    """The person's file name made safe to show and to offer on download: no folders, no control
    or direction-override characters, at most `limit` characters, ending in the suffix of the
    type the content really is (a PNG sent as `scan.pdf` is offered as `scan.pdf.png`)."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = base.translate(_UNSAFE_IN_NAMES).strip().lstrip(".").strip()
    stem, dot, suffix = base.rpartition(".")
    if dot and f".{suffix.lower()}" in kind.suffixes:
        ending = f".{suffix}"
    else:
        stem, ending = base, kind.suffix
    stem = stem[: limit - len(ending)].rstrip() or "attachment"
    return stem + ending
