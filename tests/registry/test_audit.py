"""The audit trail only grows, and any change behind the application's back is detected."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from typer.testing import CliRunner

from techmarket.cli.main import app
from techmarket.registry.models import AppendOnlyError, AuditEvent
from tests.registry.flow import registered

pytestmark = pytest.mark.django_db
runner = CliRunner()


def _bypass_guards() -> None:
    """What an intruder with database access would do first: remove the refusal triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER registry_auditevent_no_update")
            cursor.execute("DROP TRIGGER registry_auditevent_no_delete")
        else:
            cursor.execute("SET session_replication_role = replica")


def _verify() -> tuple[int, dict]:
    result = runner.invoke(app, ["audit", "verify", "--json"])
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def history(seller, registrar, agencies, now):
    registered(seller, registrar, agencies["city"], now)
    return list(AuditEvent.objects.order_by("seq"))


def test_an_untouched_chain_verifies(history):
    code, body = _verify()
    assert (code, body["ok"], body["events"]) == (0, True, len(history))


def test_the_model_refuses_to_change_or_delete_an_event(history):
    event = history[0]
    event.actor = "someone else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_the_database_refuses_an_update_even_with_raw_sql(history):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE registry_auditevent SET actor = 'x' WHERE seq = 1")


def test_editing_an_event_behind_the_applications_back_is_named(history):
    _bypass_guards()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE registry_auditevent SET actor = 'mallory' WHERE seq = 3")
    code, body = _verify()
    assert (code, body["ok"], body["first_broken_seq"]) == (1, False, 3)


def test_deleting_the_last_event_is_detected(history):
    _bypass_guards()
    last = history[-1].seq
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM registry_auditevent WHERE seq = %s", [last])
    code, body = _verify()
    assert (code, body["ok"], body["first_broken_seq"]) == (1, False, last)


def test_deleting_an_event_in_the_middle_is_detected(history):
    _bypass_guards()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM registry_auditevent WHERE seq = 2")
    code, body = _verify()
    assert (code, body["first_broken_seq"]) == (1, 2)


def test_deleting_the_chain_head_is_reported_not_a_crash(history):
    _bypass_guards()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM registry_audithead")
    code, body = _verify()
    assert (code, body["ok"]) == (1, False)
    assert "head" in body["reason"]
