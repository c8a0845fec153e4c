"""Signing in by password, with the person's profile and agency read in the same query."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from techmarket.accounts.models import Agency, Profile
from techmarket.server.rows import linked


class ProfileBackend(ModelBackend):
    """Django's ModelBackend, but the user of a session comes with `profile` and its `agency`:
    every page needs them for the actor. Read with one prepared query (`server.rows.linked`):
    the ORM's compiling of the joined query cost more than running it."""

    def get_user(self, user_id: Any) -> Any:
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def load_user(user_id: Any) -> Any:
    """The user with this id, its `profile` and the profile's `agency` attached as if read
    with select_related; None when there is no such user."""
    try:
        found = linked(
            get_user_model(),
            pk=int(user_id),
            links=((Profile, "user", "id"), (Agency, "id", "agency")),
        )
    except (TypeError, ValueError):
        return None
    if found is None:
        return None
    user, profile, agency = found
    if profile is not None:
        profile._state.fields_cache["agency"] = agency
        profile._state.fields_cache["user"] = user
        user._state.fields_cache["profile"] = profile
    return user
