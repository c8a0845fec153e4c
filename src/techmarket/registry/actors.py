"""Who is acting: a user's role, agency and party, resolved once and passed to every service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from techmarket.accounts.models import Agency, Profile
from techmarket.domain.problems import NotFound
from techmarket.domain.workflow import Role


@dataclass(frozen=True)
class Actor:
    username: str
    role: Role
    agency: Agency | None = None
    party_id: int | None = None
    user_id: int | None = None


def actor_for(username: str) -> Actor:
    """Load a user's profile as an Actor; a clear error when the user or profile is missing."""
    user = (
        get_user_model().objects.filter(username=username).select_related("profile__agency").first()
    )
    if user is None or not hasattr(user, "profile"):
        raise NotFound(
            f"用户 {username} 不存在或未分配角色",
            f"no user {username} with a role",
            code="user_not_found",
            user=username,
        )
    profile = user.profile
    return Actor(username, Role(profile.role), profile.agency, profile.party_id, user.pk)


def system_actor(agency: Agency | None = None, *, login: str = "operator") -> Actor:
    """The operator acting from the command line (imports, migrations), named in the audit
    trail as `system:<login>` (the command line passes the login of the person at the
    terminal). No user can take that name: a username cannot hold a colon."""
    return Actor(f"system:{login}"[:150], Role.OPERATOR, agency)


def actor_for_user(user: object) -> Actor | None:
    """The Actor of a signed-in user or a token's user; None for a user without a role."""
    if not getattr(user, "is_active", False):
        return None
    profile = _profile_of(user)
    if profile is None:
        return None
    return Actor(user.username, Role(profile.role), profile.agency, profile.party_id, user.pk)  # type: ignore[attr-defined]


def _profile_of(user: Any) -> Profile | None:
    """The user's profile and agency: already read with the user where the session's backend
    or the token's query joined them, else in one query (every page and API call asks)."""
    if get_user_model().profile.is_cached(user):
        try:
            return user.profile  # type: ignore[no-any-return]
        except Profile.DoesNotExist:
            return None
    return Profile.objects.select_related("agency").filter(user_id=user.pk).first()
