"""Turnover by seller recognition: the seller's 高企 / 科小 in force on the registration date,
else its nature group (universities, institutes, other enterprises)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from techmarket.codes.lists import code_list
from techmarket.entities import services
from techmarket.registry.actors import system_actor
from techmarket.registry.models import Contract
from techmarket.stats.engine import Scope, compute
from techmarket.stats.periods import parse_period
from techmarket.stats.snapshot import Snapshot
from tests.entities.builders import recognise

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 1, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _sellers_by_contracts(year: int) -> list[tuple[int, list[Contract]]]:
    mine: dict[int, list[Contract]] = {}
    for c in Contract.objects.filter(registered_on__year=year, seller_nature__startswith="1"):
        mine.setdefault(c.seller_party_id, []).append(c)
    return sorted(mine.items(), key=lambda item: (-len(item[1]), item[0]))


def test_turnover_splits_by_the_recognition_in_force_on_the_registration_date(records, tmp_path):
    (high_tech, high_tech_rows), (sme, sme_rows), (revoked, revoked_rows) = _sellers_by_contracts(
        2025
    )[:3]
    parties = {c.seller_party_id: c.seller_party for c in Contract.objects.all()}
    recognise(parties[high_tech], date(2024, 1, 1))
    services.save_recognition(  # also a tech SME: 高企 comes first
        parties[high_tech],
        services.RecognitionFacts(kind="tech_sme", number="2025440106A0000001"),
        system_actor(),
        NOW,
    )
    services.save_recognition(
        parties[sme],
        services.RecognitionFacts(kind="tech_sme", number="2025440106A0000002"),
        system_actor(),
        NOW,
    )
    cut = sorted(c.registered_on for c in revoked_rows)[len(revoked_rows) // 2]
    services.revoke(
        recognise(parties[revoked], date(2024, 1, 1)),
        effective_on=cut,
        reason="弄虚作假",
        actor=system_actor(),
        now=NOW,
    )
    with Snapshot(tmp_path / "stats.duckdb") as snapshot:
        snapshot.refresh()
        scope = Scope(parse_period("2025"), region="440100")
        rows = {r["code"]: r for r in compute(snapshot.con, "by_seller_recognition", scope).rows}
        overview = compute(snapshot.con, "overview", scope).rows[0]
    before_cut = sum(1 for c in revoked_rows if c.registered_on < cut)
    assert rows["high_tech_enterprise"]["count"] == len(high_tech_rows) + before_cut
    assert rows["high_tech_enterprise"]["name"] == "高新技术企业"
    assert rows["tech_sme"]["count"] == len(sme_rows)
    groups = {c.code: c.extra.get("group") for c in code_list("entity_natures")}
    plain = Counter(
        groups.get(c.seller_nature)
        for c in Contract.objects.filter(registered_on__year=2025)
        .exclude(seller_party_id__in=[high_tech, sme])
        .exclude(seller_party_id=revoked, registered_on__lt=cut)
    )
    assert rows["university"]["count"] == plain["university"]
    assert rows.get("research_institute", {"count": 0})["count"] == plain["research_institute"]
    assert sum(r["count"] for r in rows.values()) == overview["count"]
    assert sum(r["total_amount"] for r in rows.values()) == overview["total_amount"]


def test_a_recognition_recorded_after_the_snapshot_counts_at_the_next_refresh(records, tmp_path):
    ((_party, contracts),) = _sellers_by_contracts(2025)[:1]
    scope = Scope(parse_period("2025"), region="440100")
    with Snapshot(tmp_path / "stats.duckdb") as snapshot:
        snapshot.refresh()
        first = compute(snapshot.con, "by_seller_recognition", scope).rows
        assert "high_tech_enterprise" not in {r["code"] for r in first}
        recognise(Contract.objects.get(pk=contracts[0].pk).seller_party, date(2024, 6, 1))
        report = snapshot.refresh()
        assert not report.rebuilt
        again = {r["code"]: r for r in compute(snapshot.con, "by_seller_recognition", scope).rows}
    assert again["high_tech_enterprise"]["count"] == len(contracts)
