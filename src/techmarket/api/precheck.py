"""/contracts/precheck: upload a contract document, get its fields, type and findings back."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Router, Schema, UploadedFile

from techmarket.api.schemas import ProblemOut
from techmarket.interchange.precheck import MAX_DOCUMENT_BYTES, precheck_document

router = Router(tags=["contracts"])


class ExtractedOut(Schema):
    value: str
    evidence: str
    extracted: bool


class FindingOut(Schema):
    rule: str
    severity: str
    message: str
    message_en: str
    evidence: str


class PrecheckOut(Schema):
    fields: dict[str, ExtractedOut]
    sections: list[str]
    suggested_type: str | None
    suggested_subtype: str | None
    type_evidence: list[str]
    title_contradicts_body: bool
    registrable: bool
    reason: str
    reason_en: str
    findings: list[FindingOut]


@router.post(
    "/precheck",
    response={200: PrecheckOut, 401: ProblemOut, 422: ProblemOut},
    summary="Pre-check a contract document",
)
def precheck(
    request: HttpRequest, file: File[UploadedFile], seller: Form[str | None] = None
) -> dict[str, Any]:
    """multipart/form-data, field `file`: a .docx, a text-layer PDF or a .txt contract (at most
    20 MB); optional `seller`, the registered seller's name. Nothing is stored. A file that
    cannot be read (a legacy .doc, a scan, an encrypted or damaged file): 422 with its code."""
    data = file.read(MAX_DOCUMENT_BYTES + 1)
    result = precheck_document(
        data, file.name or "", today=timezone.localdate(), seller=seller or None
    )
    return result.as_dict()
