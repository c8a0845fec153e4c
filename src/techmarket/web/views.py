"""Pages. Each view translates the request, calls one service or selector, renders the result."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from techmarket.domain.problems import NotFound
from techmarket.registry.verification import verify as verify_code


@require_safe
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public check of a printed certificate or batch list: no login, nothing private."""
    try:
        verification = verify_code(code)
    except NotFound as error:
        response = render(request, "web/verify_unknown.html", {"error": error}, status=404)
    else:
        response = render(request, "web/verify.html", {"v": verification})
    # The code is the key to the page: keep it out of search engines, caches and referrers.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
