"""API tokens: created for a user, shown once, stored as a SHA-256 digest, revocable, each use
recorded. A token carries no rights of its own: it acts as its user."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model

from techmarket.accounts import token_uses
from techmarket.accounts.backends import load_user
from techmarket.accounts.models import ApiToken
from techmarket.domain.problems import DomainError, NotFound
from techmarket.server.rows import rows

PREFIX = "tm_"
MAX_DAYS = 3650


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the only time the whole token exists outside the caller's hands


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    username: str, *, now: datetime, label: str = "", expires_days: int | None = None
) -> NewToken:
    """A new token for the user; the secret is returned once and never stored."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None or not hasattr(user, "profile"):
        raise NotFound(
            f"用户 {username} 不存在或未分配角色",
            f"no user {username} with a role",
            code="user_not_found",
        )
    if expires_days is not None and not 1 <= expires_days <= MAX_DAYS:
        raise DomainError(
            f"有效天数须在 1 到 {MAX_DAYS} 之间",
            f"a token expires after 1 to {MAX_DAYS} days",
            code="token_expiry_out_of_range",
            field="expires_days",
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        label=label[:100],
        prefix=secret[:10],
        digest=_digest(secret),
        created_at=now,
        expires_at=now + timedelta(days=expires_days) if expires_days else None,
    )
    return NewToken(token, secret)


def list_tokens(username: str | None = None) -> list[ApiToken]:
    tokens = ApiToken.objects.select_related("user").order_by("pk")
    if username:
        tokens = tokens.filter(user__username=username)
    return list(tokens)


def revoke_token(prefix_or_id: str, *, now: datetime) -> ApiToken:
    """Revoke by id or by the prefix shown in the list; revoking twice changes nothing."""
    tokens = ApiToken.objects.select_related("user")
    found = list(tokens.filter(prefix=prefix_or_id)[:2])
    if not found and prefix_or_id.isdecimal():
        found = list(tokens.filter(pk=int(prefix_or_id)))
    if len(found) != 1:
        raise NotFound(
            f"找不到唯一的令牌 {prefix_or_id}",
            f"no single token {prefix_or_id}",
            code="token_not_found",
        )
    token = found[0]
    if token.revoked_at is None:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
    return token


def authenticate_token(
    secret: str, *, now: datetime, method: str, path: str, remote_addr: str = ""
) -> ApiToken | None:
    """The live token for this secret, with this use recorded; None for anything else.

    Every use is a TokenUse row; the token's `last_used_at` is within LAST_USED_EVERY of the
    latest one."""
    if not secret.startswith(PREFIX):
        return None
    # Prepared queries (`server.rows`): the digest is unique, and the user comes with its
    # profile and agency as a session's does.
    found = rows(ApiToken, where={"digest": _digest(secret)})
    token = found[0] if found and found[0].revoked_at is None else None
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    user = load_user(token.user_id)
    if user is None or not user.is_active:
        return None
    token._state.fields_cache["user"] = user
    token_uses.record(token, token_uses.Use(token.pk, now, method, path, remote_addr))
    return token
