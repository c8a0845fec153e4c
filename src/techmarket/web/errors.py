"""Django's 403/404/500 handlers in the house style (the 500 page renders without a database)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: whatever broke (the database, a template) must not break this too.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
