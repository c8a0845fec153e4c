"""/contracts/{id}/attachments: upload a file to a contract, list its files, download one."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Router, Status, UploadedFile

from techmarket.api.auth import actor_of
from techmarket.api.schemas import AttachmentOut, ProblemOut
from techmarket.domain.file_types import ACCEPTED
from techmarket.registry.attachments import add_attachment, list_attachments, open_attachment
from techmarket.registry.models import Attachment

router = Router(tags=["attachments"])

ERRORS: dict[int, Any] = {
    401: ProblemOut,
    403: ProblemOut,
    404: ProblemOut,
    409: ProblemOut,
    422: ProblemOut,
    503: ProblemOut,
}
_BINARY = {"schema": {"type": "string", "format": "binary"}}
_DOWNLOAD_DOC = {
    "responses": {
        200: {
            "description": "the file's bytes, as an attachment",
            "content": {kind.content_type: _BINARY for kind in ACCEPTED},
        }
    }
}


def _out(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_at": attachment.uploaded_at.isoformat(),
        "uploaded_by": attachment.uploaded_by,
    }


def _location(contract_id: int, attachment: Attachment) -> str:
    return f"/api/v1/contracts/{contract_id}/attachments/{attachment.pk}"


@router.post(
    "/{contract_id}/attachments",
    response={201: AttachmentOut, **ERRORS},
    summary="Attach a file",
)
def upload(
    request: HttpRequest, contract_id: int, file: File[UploadedFile], response: HttpResponse
) -> Status[dict[str, Any]]:
    """multipart/form-data, field `file`: a PDF, DOCX, PNG or JPEG, told by its content. The
    seller while the contract is a draft, submitted or sent back for correction; a registrar of
    the contract's agency at any time. Over the size limit: 422 `attachment_too_large`."""
    attachment = add_attachment(
        contract_id, file, file.name or "", actor=actor_of(request), now=timezone.now()
    )
    response["Location"] = _location(contract_id, attachment)
    return Status(201, _out(attachment))


@router.get(
    "/{contract_id}/attachments",
    response={200: list[AttachmentOut], **ERRORS},
    summary="List a contract's files",
)
def attachments(request: HttpRequest, contract_id: int) -> list[dict[str, Any]]:
    """The contract's files, oldest first, for anyone who may read the contract."""
    return [_out(a) for a in list_attachments(contract_id, actor_of(request))]


@router.get(
    "/{contract_id}/attachments/{attachment_id}",
    response={200: None, **ERRORS},
    openapi_extra=_DOWNLOAD_DOC,
    summary="Download a file",
)
def download(request: HttpRequest, contract_id: int, attachment_id: int) -> FileResponse:
    """The file as uploaded, offered for saving (never shown inline); `ETag` is its SHA-256."""
    attachment, file = open_attachment(contract_id, attachment_id, actor_of(request))
    response = FileResponse(
        file,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    response["ETag"] = f'"{attachment.sha256}"'
    return response
