"""The client's address behind a trusted reverse proxy, for the login lock-out."""

from __future__ import annotations

from django.http import HttpRequest


def forwarded_client_ip(request: HttpRequest) -> str | None:
    """The last X-Forwarded-For entry: the one our proxy appended, which a client cannot forge.

    Earlier entries come from the client and may be anything, so they are never used.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    last = forwarded.rsplit(",", 1)[-1].strip()
    return last or request.META.get("REMOTE_ADDR")
