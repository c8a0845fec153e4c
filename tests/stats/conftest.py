"""Generated registered contracts of Guangzhou for 2024–2025, and a snapshot of them."""

from __future__ import annotations

from datetime import date

import pytest

from techmarket.stats.snapshot import Snapshot
from techmarket.synth.contracts import generate
from tests.stats.helpers import import_registered


@pytest.fixture
def records(agencies):
    rows = list(
        generate(
            400,
            years=[2024, 2025],
            region="440100",
            seed=3,
            as_registered=True,
            agency_code="C440100",
            today=date(2026, 1, 1),
        )
    )
    import_registered(agencies["city"], rows)
    return rows


@pytest.fixture
def snapshot(tmp_path, records):
    with Snapshot(tmp_path / "stats.duckdb") as snap:
        assert not snap.attached  # the test transaction is only visible through Django
        snap.refresh()
        yield snap
