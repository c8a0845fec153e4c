"""Signed-in test clients for the personas of tests/conftest.py."""

from __future__ import annotations

import pytest


@pytest.fixture
def browser_as(client):  # type: ignore[no-untyped-def]
    """`browser_as(actor)`: the test client signed in as that persona's user."""
    from django.contrib.auth import get_user_model

    def sign_in(actor):  # type: ignore[no-untyped-def]
        client.force_login(get_user_model().objects.get(username=actor.username))
        return client

    return sign_in
