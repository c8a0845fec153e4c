"""The pre-check of a contract's uploaded contract document, for the registrar's page.

Computed on view, not stored at upload: the rules are data that the bureau adjusts, and a
stored result would go stale with them (and with the day, for an expired term). A pre-check
takes 0.05–0.5 s (docs/performance.md), so the contract page loads it after itself (htmx), and
a worker keeps the last results per attachment and day. The contract document is the latest
DOCX or PDF attachment; larger files are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

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


def checked_attachment(attachments: Sequence[Attachment]) -> Attachment | None:
    """The attachment the pre-check reads, from the contract's attachments (already read for
    the page): the latest DOCX or PDF small enough."""
    kinds = (DOCX.content_type, PDF.content_type)
    found = [a for a in attachments if a.content_type in kinds and a.size <= MAX_CHECKED_BYTES]
    return max(found, key=lambda a: a.pk, default=None)


def document_precheck(contract: Contract, today: date) -> DocumentPrecheck | None:
    """The findings on the contract's latest DOCX/PDF attachment (the caller has found the
    contract through `find_contract`, so the actor may read it); None when there is none."""
    attachment = checked_attachment(list(contract.attachments.all()))
    if attachment is None:
        return None
    return _checked(attachment, contract.seller_party.name, today)


@lru_cache(maxsize=256)
def _checked(attachment: Attachment, seller: str, today: date) -> DocumentPrecheck | None:
    """Attachments are never changed once stored: one result per attachment, seller and day."""
    try:
        data = (storage_root() / attachment.storage_name).read_bytes()
    except OSError:
        return None
    try:
        result = precheck_document(data, attachment.name, today=today, seller=seller)
    except FileProblem as problem:
        return DocumentPrecheck(attachment, None, problem)
    return DocumentPrecheck(attachment, result)
