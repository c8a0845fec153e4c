"""The pre-check of a contract's uploaded contract document, for the registrar's page.

Computed on view, not stored at upload: the rules are data that the bureau adjusts, and a
stored result would go stale with them (and with the day, for an expired term); a pre-check
of a small document takes well under a second (docs/performance.md). The contract document
is the latest DOCX or PDF attachment; larger files are skipped to keep the page fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from techmarket.domain.contract_text import Precheck
from techmarket.domain.file_types import DOCX, PDF
from techmarket.domain.problems import FileProblem
from techmarket.interchange.precheck import precheck_document
from techmarket.registry.attachments import storage_root
from techmarket.registry.models import Attachment, Contract

MAX_CHECKED_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class DocumentPrecheck:
    attachment: Attachment
    result: Precheck | None
    problem: FileProblem | None = None


def document_precheck(contract: Contract, today: date) -> DocumentPrecheck | None:
    """The findings on the contract's latest DOCX/PDF attachment (the caller has found the
    contract through `find_contract`, so the actor may read it); None when there is none."""
    attachment = (
        contract.attachments.filter(
            content_type__in=(DOCX.content_type, PDF.content_type), size__lte=MAX_CHECKED_BYTES
        )
        .order_by("-pk")
        .first()
    )
    if attachment is None:
        return None
    try:
        data = (storage_root() / attachment.storage_name).read_bytes()
    except OSError:
        return None
    try:
        result = precheck_document(
            data, attachment.name, today=today, seller=contract.seller_party.name
        )
    except FileProblem as problem:
        return DocumentPrecheck(attachment, None, problem)
    return DocumentPrecheck(attachment, result)
