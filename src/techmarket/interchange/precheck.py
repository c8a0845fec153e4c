"""Pre-check of an uploaded contract document: read it, then check its text (issue #13).

The one entry point the CLI, the API and the pages share; reading is here, every rule is in
`domain.contract_text`.
"""

from __future__ import annotations

from datetime import date

from techmarket.domain.contract_text import ContractText, Precheck, precheck_text
from techmarket.domain.problems import FileProblem
from techmarket.interchange.documents import read_document

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def precheck_document(
    data: bytes, name: str = "", *, today: date, seller: str | None = None
) -> Precheck:
    """Fields, suggested type and findings of a .docx, text-layer .pdf or .txt contract."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise FileProblem(
            "合同文本文件过大：不得超过 20 MB",
            "the contract document is too large: at most 20 MB",
            code="document_too_large",
        )
    document = read_document(data, name)
    return precheck_text(ContractText.from_lines(document.lines), today=today, seller=seller)
