"""Subscribers run after each commit that wrote audit events, never after a rollback."""

from __future__ import annotations

import pytest

from techmarket.domain.problems import Conflict
from techmarket.registry import hooks, services
from tests.domain.builders import valid_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(hooks, "_after_audit", [])
    hooks.subscribe_after_audit_commit(lambda: seen.append("refresh"))
    return seen


def test_each_committed_step_runs_the_subscribers(
    calls, seller, agencies, now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contract = services.create_draft(
            valid_record(), agency=agencies["city"], actor=seller, now=now
        )
        services.submit(contract.pk, actor=seller, now=now)
    assert calls == ["refresh", "refresh"]  # one per step that wrote audit events


def test_a_refused_step_runs_nothing(
    calls, seller, agencies, now, django_capture_on_commit_callbacks
):
    services.create_draft(valid_record(), agency=agencies["city"], actor=seller, now=now)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Conflict):
        services.create_draft(valid_record(), agency=agencies["city"], actor=seller, now=now)
    assert calls == []


def test_a_subscriber_for_some_statuses_runs_only_when_an_event_touches_one(
    monkeypatch, seller, registrar, agencies, now, django_capture_on_commit_callbacks
):
    seen: list[str] = []
    monkeypatch.setattr(hooks, "_after_audit", [])
    hooks.subscribe_after_audit_commit(lambda: seen.append("refresh"), touching={"registered"})
    with django_capture_on_commit_callbacks(execute=True):
        contract = services.create_draft(
            valid_record(), agency=agencies["city"], actor=seller, now=now
        )
        services.submit(contract.pk, actor=seller, now=now)
        services.accept(contract.pk, actor=registrar, now=now)
    assert seen == []  # a draft, a submission and an acceptance change no registered figure
    with django_capture_on_commit_callbacks(execute=True):
        services.register(contract.pk, actor=registrar, now=now)
    assert seen == ["refresh"]
