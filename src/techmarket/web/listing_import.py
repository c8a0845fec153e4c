"""Importing a file of achievements or demands from the browser: all rows or none.

A listing file is small next to a contract migration, so it is imported while the user waits
(`market.importer.import_listings`, the command line's import) and its problems are shown in a
table at once; a file of many thousand rows belongs to `techmarket market import`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from techmarket.domain.listings import KIND_LABELS, KINDS, kind_of
from techmarket.domain.problems import DomainError, PermissionDenied
from techmarket.market.importer import import_listings
from techmarket.market.services import ensure_may_list
from techmarket.registry.attachments import max_bytes
from techmarket.web.access import with_actor
from techmarket.web.templatetags.web_format import pick

SHOWN_PROBLEMS = 500  # the rest are counted; the command line's --json lists them all


@require_http_methods(["GET", "HEAD", "POST"])
@with_actor
def import_listings_page(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    ensure_may_list(actor)  # a 403 page for whoever may not import, as the upload would be
    chosen = request.POST.get("kind", "achievements")
    draft = request.POST.get("draft") == "1"
    if request.method != "POST":
        return _page(request, chosen, draft)
    refused: DomainError | None = getattr(request, "refused_upload", None)  # api/uploads.py
    upload = request.FILES.get("file")
    try:
        if refused is not None:
            raise refused
        if upload is None:
            raise DomainError("请选择要导入的文件", "choose a file to import", code="file_missing")
        try:
            kind = kind_of(chosen)
        except ValueError:
            raise DomainError(
                "请选择导入科技成果还是技术需求",
                "choose achievements or demands",
                code="unknown_listing_kind",
            ) from None
        result = import_listings(
            kind, upload, name=upload.name, actor=actor, now=timezone.now(), draft=draft
        )
    except PermissionDenied:
        raise
    except DomainError as error:
        return _page(request, chosen, draft, error=error, status=422)
    if not result.ok:
        return _page(request, chosen, draft, result=result, status=422)
    messages.success(
        request,
        pick(
            (
                f"导入完成：新增 {result.created} 条，更新 {result.updated} 条，"
                f"未变 {result.unchanged} 条",
                f"Imported: {result.created} new, {result.updated} updated, "
                f"{result.unchanged} unchanged",
            )
        ),
    )
    return redirect("web:market_import")


def _page(
    request: HttpRequest,
    chosen: str,
    draft: bool,
    *,
    error: DomainError | None = None,
    result: Any = None,
    status: int = 200,
) -> HttpResponse:
    problems = list(result.problems) if result is not None else []
    context = {
        "kinds": [(f"{k}s", KIND_LABELS[k]) for k in KINDS],
        "chosen": chosen,
        "draft": draft,
        "error": error,
        "result": result,
        "problems": problems[:SHOWN_PROBLEMS],
        "more_problems": max(0, len(problems) - SHOWN_PROBLEMS),
        "max_mb": f"{max_bytes() / 1024 / 1024:g}",
    }
    return render(request, "web/market/import.html", context, status=status)
