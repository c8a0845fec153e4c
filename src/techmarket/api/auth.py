"""Who is calling: a bearer token or the browser's session, both turned into the same Actor."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from techmarket.accounts.tokens import authenticate_token
from techmarket.registry.actors import Actor, actor_for_user
from techmarket.server.client_ip import forwarded_client_ip


def _client_address(request: HttpRequest) -> str:
    """Who called, as the lock-out sees it: behind our proxy, the address it vouches for."""
    if settings.BEHIND_PROXY:
        return forwarded_client_ip(request) or ""
    return request.META.get("REMOTE_ADDR", "")


class BearerToken(HttpBearer):
    """`Authorization: Bearer tm_…`; the token acts as its user, and each use is recorded."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        found = authenticate_token(
            token,
            now=timezone.now(),
            method=request.method or "",
            path=request.get_full_path(),
            remote_addr=_client_address(request),
        )
        return actor_for_user(found.user) if found else None


class Session(SessionAuth):
    """The signed-in browser; ninja checks the CSRF token on unsafe methods."""

    def authenticate(self, request: HttpRequest, key: Any) -> Actor | None:
        user = request.user
        return actor_for_user(user) if user.is_authenticated else None


AUTH = [BearerToken(), Session()]


def actor_of(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined,no-any-return]
