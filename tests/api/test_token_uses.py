"""Every request made with a token is recorded; the token's last use is kept to the minute."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from techmarket.accounts.models import ApiToken, TokenUse
from techmarket.accounts.tokens import authenticate_token, create_token

pytestmark = pytest.mark.django_db


def use(secret: str, now, path: str = "/api/v1/me"):  # type: ignore[no-untyped-def]
    return authenticate_token(secret, now=now, method="GET", path=path, remote_addr="10.0.0.7")


def test_each_request_is_recorded_and_the_last_use_is_kept_to_the_minute(seller, now):
    made = create_token(seller.username, now=now)
    for seconds in (0, 20, 59):
        assert use(made.secret, now + timedelta(seconds=seconds)) is not None
    uses = list(TokenUse.objects.filter(token=made.token).order_by("at"))
    assert [u.at - now for u in uses] == [timedelta(seconds=s) for s in (0, 20, 59)]
    assert (uses[0].method, uses[0].path, uses[0].remote_addr) == ("GET", "/api/v1/me", "10.0.0.7")
    assert ApiToken.objects.get(pk=made.token.pk).last_used_at == now

    use(made.secret, now + timedelta(minutes=1, seconds=5))
    assert ApiToken.objects.get(pk=made.token.pk).last_used_at == now + timedelta(seconds=65)


def test_a_wrong_secret_is_not_recorded(seller, now):
    made = create_token(seller.username, now=now)
    assert use(made.secret[:-1] + "x", now) is None
    assert not TokenUse.objects.exists()


def test_in_batches_uses_wait_in_memory_and_are_all_written_by_a_flush(seller, monkeypatch):
    from techmarket.accounts import token_uses

    monkeypatch.setattr(token_uses._batches, "seconds", 3600.0)
    monkeypatch.setattr(token_uses._batches, "pid", os.getpid())  # no writer thread in a test
    made = create_token("seller", now=timezone.now())
    for path in ("/api/v1/me", "/api/v1/agencies"):
        assert authenticate_token(made.secret, now=timezone.now(), method="GET", path=path)
    assert not TokenUse.objects.exists()
    token_uses.flush()
    assert sorted(TokenUse.objects.values_list("path", flat=True)) == [
        "/api/v1/agencies",
        "/api/v1/me",
    ]
    assert ApiToken.objects.get(pk=made.token.pk).last_used_at is not None
