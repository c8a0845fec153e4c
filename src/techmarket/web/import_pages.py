"""Bulk import from the browser (批量导入): upload a file, follow its job, read its problems.

The import runs in the background (`registry/import_jobs.py`, run by `techmarket jobs work`):
the upload only stores the file and queues a job, and the job page polls a small part of itself
with htmx until the job has finished. Every rule (who may import, into which agency, who may
see a job) is the service's; the pages only translate.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from techmarket.domain.problems import DomainError, PermissionDenied
from techmarket.registry.attachments import max_bytes
from techmarket.registry.import_jobs import (
    ImportOptions,
    job_for,
    job_problems,
    jobs_of,
    problems_report,
    progress_of,
    queue_import,
)
from techmarket.registry.importer import import_target
from techmarket.registry.models import ImportJob
from techmarket.web.access import with_actor
from techmarket.web.templatetags.web_format import pick

PAGE_SIZE = 200  # problems per page of the table
POLL = "every 1s"  # how often a waiting job page asks for its progress
STATUS_NAMES = {
    "queued": ("排队中", "queued"),
    "running": ("导入中", "running"),
    "done": ("已完成", "finished"),
    "failed": ("失败", "failed"),
}
REPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_http_methods(["GET", "HEAD", "POST"])
@with_actor
def imports(request: HttpRequest) -> HttpResponse:
    """The upload form and the person's recent jobs; a POST queues the file."""
    actor = request.actor  # type: ignore[attr-defined]
    import_target(actor)  # refuses anyone who may not import (a 403 page), as the upload would
    if request.method != "POST":
        return _form(request, as_registered=False)
    as_registered = request.POST.get("as_registered") == "1"
    # Over the size limit, the upload handler has dropped the file and left why (api/uploads.py).
    refused: DomainError | None = getattr(request, "refused_upload", None)
    upload = request.FILES.get("file")
    try:
        if refused is not None:
            raise refused
        if upload is None:
            raise DomainError("请选择要导入的文件", "choose a file to import", code="file_missing")
        job = queue_import(
            upload,
            upload.name or "",
            actor=actor,
            options=ImportOptions(as_registered=as_registered),
            now=timezone.now(),
        )
    except PermissionDenied:
        raise
    except DomainError as error:
        return _form(request, as_registered=as_registered, error=error, status=422)
    messages.success(
        request, pick(("文件已上传，正在排队导入", "File uploaded; its import is queued"))
    )
    return redirect("web:import_job", job_id=job.pk)


def _form(
    request: HttpRequest,
    *,
    as_registered: bool,
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "jobs": [(job, STATUS_NAMES[job.status]) for job in jobs_of(request.actor)],  # type: ignore[attr-defined]
        "as_registered": as_registered,
        "error": error,
        "max_mb": f"{max_bytes() / 1024 / 1024:g}",
    }
    return render(request, "web/imports.html", context, status=status)


@require_safe
@with_actor
def job_page(request: HttpRequest, job_id: int) -> HttpResponse:
    """One job: its progress while it waits or runs, its outcome and problems once finished."""
    job = job_for(job_id, request.actor)  # type: ignore[attr-defined]
    return render(request, "web/import_job.html", _job_context(request, job))


@require_safe
@with_actor
def job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The polled part of the job page; once the job has finished, the part without polling
    (and with the outcome), so the page stops asking."""
    job = job_for(job_id, request.actor)  # type: ignore[attr-defined]
    return render(request, "web/parts/import_progress.html", _job_context(request, job))


@require_safe
@with_actor
def job_report(request: HttpRequest, job_id: int, format: str) -> HttpResponse:
    """The finished job's problems as csv or xlsx (the format of the command line's report)."""
    job = job_for(job_id, request.actor)  # type: ignore[attr-defined]
    if format not in REPORT_TYPES or not job.finished:
        return render(request, "404.html", {}, status=404)
    report = problems_report(job, format)
    stem = job.file_name.rsplit(".", 1)[0] or f"import-{job.pk}"
    return FileResponse(
        report.open("rb"),
        as_attachment=True,
        filename=f"{stem}-问题清单.{format}",
        content_type=REPORT_TYPES[format],
    )


def _job_context(request: HttpRequest, job: ImportJob) -> dict[str, Any]:
    page = _page_number(request)
    offset = (page - 1) * PAGE_SIZE
    problems = job_problems(job, offset=offset, limit=PAGE_SIZE) if job.finished else []
    return {
        "job": job,
        "status_name": STATUS_NAMES[job.status],
        "progress": progress_of(job),
        "poll": POLL,
        "problems": problems,
        "first_row": offset + 1,
        "page": page,
        "previous_page": page - 1 if page > 1 else None,
        "next_page": page + 1 if offset + PAGE_SIZE < job.problem_count else None,
        "pages": max(1, -(-job.problem_count // PAGE_SIZE)),
    }


def _page_number(request: HttpRequest) -> int:
    text = request.GET.get("page", "1")
    return max(1, int(text)) if text.isdecimal() else 1
