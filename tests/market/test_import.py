"""Importing listing files: all rows or none, idempotent, and export → import gives the same."""

from __future__ import annotations

import json

import pytest

from techmarket.domain.listings import EXPORT_KEYS, TABLES
from techmarket.interchange.writers import write_records
from techmarket.market.importer import import_listings
from techmarket.market.models import Achievement, Demand
from techmarket.market.selectors import export_rows
from techmarket.registry.actors import system_actor
from techmarket.registry.audit import verify
from techmarket.registry.models import AuditEvent
from tests.market.builders import achievement_row, demand_row, write_csv

pytestmark = pytest.mark.django_db


def test_a_good_file_is_imported_as_published_listings(agencies, tmp_path, now):
    rows = [achievement_row(external_id=f"CG-{i}") for i in range(3)]
    result = import_listings(
        "achievement", write_csv(tmp_path / "a.csv", rows), actor=system_actor(), now=now
    )
    assert (result.ok, result.created, result.committed) == (True, 3, True)
    assert set(Achievement.objects.values_list("status", flat=True)) == {"published"}
    assert AuditEvent.objects.filter(action="achievement_import").count() == 3


def test_with_draft_the_imported_listings_stay_drafts(agencies, tmp_path, now):
    path = write_csv(tmp_path / "d.csv", [demand_row()])
    import_listings("demand", path, actor=system_actor(), now=now, draft=True)
    assert Demand.objects.get().status == "draft"


def test_a_bad_file_names_each_row_and_field_and_writes_nothing(agencies, tmp_path, now):
    rows = [
        demand_row(external_id="XQ-1"),
        demand_row(external_id="XQ-2", budget="很多"),
        demand_row(external_id="XQ-3", region="12345", summary=""),
        demand_row(external_id="XQ-1"),
    ]
    result = import_listings(
        "demand", write_csv(tmp_path / "bad.csv", rows), actor=system_actor(), now=now
    )
    found = {(p.row, p.field, p.code) for p in result.problems}
    assert found == {
        (2, "budget", "amount_format"),
        (3, "region", "region_format"),
        (3, "summary", "required"),
        (4, "external_id", "duplicate_in_file"),
    }
    assert not result.committed
    assert Demand.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_importing_the_same_file_twice_changes_nothing(agencies, tmp_path, now):
    path = write_csv(tmp_path / "a.csv", [achievement_row(), achievement_row(external_id="CG-2")])
    import_listings("achievement", path, actor=system_actor(), now=now)
    events = AuditEvent.objects.count()
    again = import_listings("achievement", path, actor=system_actor(), now=now)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEvent.objects.count() == events
    assert set(Achievement.objects.values_list("version", flat=True)) == {1}


def test_a_re_import_updates_by_external_id(agencies, tmp_path, now):
    import_listings(
        "achievement",
        write_csv(tmp_path / "a.csv", [achievement_row()]),
        actor=system_actor(),
        now=now,
    )
    changed = write_csv(tmp_path / "b.csv", [achievement_row(title="改进的锂电池隔膜制备技术")])
    result = import_listings("achievement", changed, actor=system_actor(), now=now)
    assert (result.created, result.updated) == (0, 1)
    listing = Achievement.objects.get()
    assert listing.title == "改进的锂电池隔膜制备技术" and listing.version == 2
    assert AuditEvent.objects.filter(action="achievement_import_update").count() == 1
    assert verify().ok


def test_a_seller_cannot_import_over_another_organisations_listing(seller, outsider, tmp_path, now):
    path = write_csv(tmp_path / "a.csv", [achievement_row()])
    import_listings("achievement", path, actor=seller, now=now)
    result = import_listings("achievement", path, actor=outsider, now=now)
    assert [(p.row, p.field, p.code) for p in result.problems] == [
        (1, "external_id", "external_id_taken")
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
@pytest.mark.parametrize("kind", ["achievement", "demand"])
def test_export_writes_what_import_reads(agencies, tmp_path, now, fmt, kind):
    build = achievement_row if kind == "achievement" else demand_row
    rows = [
        build(external_id="L-1"),
        build(external_id="L-2", region="", contact="=不是公式"),
    ]
    import_listings(kind, write_csv(tmp_path / "in.csv", rows), actor=system_actor(), now=now)
    out = tmp_path / f"out.{fmt}"
    exported = list(export_rows(system_actor(), kind))
    write_records(out, exported, format=fmt, keys=EXPORT_KEYS[kind], table=TABLES[kind])
    result = import_listings(kind, out, actor=system_actor(), now=now)
    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 0, 0, 2)
    assert list(export_rows(system_actor(), kind)) == exported


def test_chinese_headers_and_amounts_in_wan_yuan_are_read(agencies, tmp_path, now):
    path = tmp_path / "zh.jsonl"
    path.write_text(
        json.dumps(
            {"需求编号": "XQ-9", "需求名称": "隔膜需求", "需求描述": "说明", "预算(万元)": "30"},
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    import_listings("demand", path, actor=system_actor(), now=now)
    assert str(Demand.objects.get().budget_max) == "300000.00"


def test_a_sellers_import_waits_for_the_agencys_review_and_the_agencys_own_is_published(
    seller, registrar, tmp_path, now
):
    """Importing is no way round the review: only a reviewer's import publishes at once."""
    mine = write_csv(tmp_path / "mine.csv", [achievement_row(external_id="S-1")])
    import_listings("achievement", mine, actor=seller, now=now)
    theirs = write_csv(tmp_path / "theirs.csv", [achievement_row(external_id="R-1")])
    import_listings("achievement", theirs, actor=registrar, now=now)
    statuses = dict(Achievement.objects.values_list("external_id", "status"))
    assert statuses == {"S-1": "review", "R-1": "published"}
