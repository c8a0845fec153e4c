"""A change to the register asks the statistics for a refresh, as a registration does: the
turnover split by seller recognition reads the recognitions."""

from datetime import date

import pytest

from techmarket.entities import services
from techmarket.registry import hooks
from techmarket.stats import refresher
from tests.entities.builders import firm, recognise

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(hooks, "_after_audit", [])
    monkeypatch.setattr(refresher, "request_refresh_after_commit", lambda: calls.append("refresh"))
    refresher.refresh_after_registry_commits()
    return calls


def test_recording_a_recognition_asks_for_a_refresh(
    asked, agency_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        recognise(firm(), date(2024, 1, 2), actor=agency_admin)
    assert asked == ["refresh"]


def test_revoking_one_asks_for_a_refresh(
    asked, agency_admin, now, django_capture_on_commit_callbacks
):
    row = recognise(firm(), date(2024, 1, 2), actor=agency_admin)
    asked.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke(
            row, effective_on=date(2024, 6, 1), reason="年报未报", actor=agency_admin, now=now
        )
    assert asked == ["refresh"]


def test_moving_a_candidate_on_does_not(
    asked, agency_admin, now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.save_candidate(
            firm(),
            kind="high_tech_enterprise",
            round_name="2025年培育库",
            year=2025,
            district="440106",
            actor=agency_admin,
            now=now,
        )
    assert asked == []
