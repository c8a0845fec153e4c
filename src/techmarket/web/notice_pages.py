"""The reader's notices (提醒): newest first, opened from the frame's bell."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from techmarket.registry.notices import mark_read, notices_for
from techmarket.web.access import with_actor


@require_safe
@with_actor
def notices(request: HttpRequest) -> HttpResponse:
    return render(request, "web/notices.html", {"notices": notices_for(request.actor)})  # type: ignore[attr-defined]


@require_POST
@with_actor
def read(request: HttpRequest) -> HttpResponse:
    """Mark one notice read and open its contract, or mark them all read."""
    notice_id = request.POST.get("notice", "")
    mark_read(
        request.actor,  # type: ignore[attr-defined]
        timezone.now(),
        int(notice_id) if notice_id.isdecimal() else None,
    )
    contract = request.POST.get("contract", "")
    return redirect(f"/contracts/{contract}/" if contract.isdecimal() else "web:notices")
