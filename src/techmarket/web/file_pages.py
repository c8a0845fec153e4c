"""Files a contract page offers: attachments (upload, download, preview) and the certificate."""

from __future__ import annotations

from csp.decorators import csp_replace
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST, require_safe

from techmarket.domain.problems import DomainError, PermissionDenied
from techmarket.registry import certificates
from techmarket.registry.attachments import add_attachment, open_attachment
from techmarket.web.access import with_actor
from techmarket.web.templatetags.web_format import pick


@require_POST
@with_actor
def attach(request: HttpRequest, contract_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    try:
        refused: DomainError | None = getattr(request, "refused_upload", None)
        if refused is not None:  # over the size limit: dropped while it arrived
            raise refused
        upload = request.FILES.get("file")
        if upload is None:
            raise DomainError("请选择要上传的文件", "choose a file to upload", code="file_missing")
        add_attachment(contract_id, upload, upload.name or "", actor=actor, now=timezone.now())
    except PermissionDenied:
        raise
    except DomainError as error:
        messages.error(request, pick(error))
    else:
        messages.success(request, pick(("附件已上传", "File attached")))
    return redirect(f"/contracts/{contract_id}/#attachments")


@require_safe
@with_actor
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def attachment(request: HttpRequest, contract_id: int, attachment_id: int) -> HttpResponse:
    """Download, or with `?inline=1` show inside the contract page (PDF and images only)."""
    found, file = open_attachment(contract_id, attachment_id, request.actor)  # type: ignore[attr-defined]
    inline = request.GET.get("inline") == "1" and (
        found.content_type == "application/pdf" or found.content_type.startswith("image/")
    )
    response = FileResponse(
        file, as_attachment=not inline, filename=found.name, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
@with_actor
def certificate(request: HttpRequest, contract_id: int) -> HttpResponse:
    """The current certificate (登记证明) PDF with its QR code to the public verify page."""
    pdf = certificates.certificate_pdf(contract_id, request.actor)  # type: ignore[attr-defined]
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{contract_id}.pdf"'
    return response
