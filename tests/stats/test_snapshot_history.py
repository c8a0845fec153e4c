"""A snapshot refreshes incrementally only while the database still holds the history it saw."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import transaction

from techmarket.registry import services
from techmarket.registry.models import Contract
from techmarket.stats.engine import Scope, compute
from techmarket.stats.periods import parse_period
from techmarket.stats.snapshot import Snapshot
from techmarket.stats.tables import ALL_TABLE_NAMES
from tests.conftest import SHANGHAI
from tests.registry.flow import registered

pytestmark = pytest.mark.django_db

# Registered the day after: 2025-12-30 before the backup is restored, 2025-12-31 after it.
BEFORE_RESTORE = datetime(2025, 12, 29, 10, 0, tzinfo=SHANGHAI)
AFTER_RESTORE = datetime(2025, 12, 30, 10, 0, tzinfo=SHANGHAI)


def _cancel_the_first(registrar, seller, agency):
    first = Contract.objects.filter(status="registered").order_by("registered_on", "pk")[0]
    services.cancel(first.pk, actor=registrar, now=AFTER_RESTORE, note="解除")


def _register_another(registrar, seller, agency, external_id="AFTER-RESTORE"):
    # Larger than the forgotten one (whose id it reuses on SQLite), so stale figures show.
    registered(
        seller,
        registrar,
        agency,
        AFTER_RESTORE,
        external_id=external_id,
        total_amount="2000000.00",
        tech_amount="1800000.00",
    )


def _cancel_and_register_two(registrar, seller, agency):
    _cancel_the_first(registrar, seller, agency)
    for n in (1, 2):
        _register_another(registrar, seller, agency, external_id=f"AFTER-RESTORE-{n}")


def _assert_every_table_matches_a_full_build(snap, tmp_path):
    with Snapshot(tmp_path / "full.duckdb") as full:
        full.refresh()
        for period in ("2024", "2025"):
            scope = Scope(parse_period(period), region="440100")
            for name in ALL_TABLE_NAMES:
                assert compute(snap.con, name, scope).rows == compute(full.con, name, scope).rows


@pytest.mark.parametrize(
    "after_restore",
    [_cancel_the_first, _register_another, _cancel_and_register_two],
    ids=["shorter history", "as long a history", "longer history"],
)
def test_a_refresh_after_the_database_went_back_to_an_older_state_rebuilds_the_snapshot(
    agencies, registrar, seller, snapshot, tmp_path, after_restore
):
    # What a restore of an older backup does: the database forgets what came after, and new
    # events get the sequence numbers of forgotten ones the snapshot has already seen.
    with transaction.atomic():
        registered(seller, registrar, agencies["city"], BEFORE_RESTORE, external_id="FORGOTTEN")
        assert snapshot.refresh().contracts_changed == 1
        transaction.set_rollback(True)
    after_restore(registrar, seller, agencies["city"])
    report = snapshot.refresh()
    _assert_every_table_matches_a_full_build(snapshot, tmp_path)
    assert (report.rebuilt, report.reason) == (True, "history")


def test_a_snapshot_of_the_same_history_refreshes_incrementally(
    agencies, registrar, seller, snapshot
):
    registered(seller, registrar, agencies["city"], BEFORE_RESTORE, external_id="NEXT")
    report = snapshot.refresh()
    assert (report.rebuilt, report.reason, report.contracts_changed) == (False, "", 1)
    assert snapshot.refresh().contracts_changed == 0


def test_a_snapshot_of_an_older_layout_is_rebuilt(snapshot):
    snapshot.con.execute("UPDATE meta SET layout = layout - 1")
    assert snapshot.refresh().reason == "layout"
