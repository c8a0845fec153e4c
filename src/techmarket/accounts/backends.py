"""Signing in by password, with the person's profile and agency read in the same query."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from techmarket.accounts.models import Agency, Profile
from techmarket.server.rows import rows


class ProfileBackend(ModelBackend):
    """Django's ModelBackend, but the user of a session comes with `profile` and its `agency`:
    every page needs them for the actor. Read with prepared queries (`server.rows`): the ORM's
    compiling of the joined query cost more than running three small ones."""

    def get_user(self, user_id: Any) -> Any:
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def load_user(user_id: Any) -> Any:
    """The user with this id, its `profile` and the profile's `agency` attached as if read
    with select_related; None when there is no such user."""
    try:
        found = rows(get_user_model(), where={"id": int(user_id)})
    except (TypeError, ValueError):
        return None
    if not found:
        return None
    user = found[0]
    profiles = rows(Profile, where={"user": user.pk})
    if profiles:
        profile = profiles[0]
        agencies = rows(Agency, where={"id": profile.agency_id}) if profile.agency_id else []
        profile._state.fields_cache["agency"] = agencies[0] if agencies else None
        profile._state.fields_cache["user"] = user
        user._state.fields_cache["profile"] = profile
    return user
