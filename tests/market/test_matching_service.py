"""Matching in the market (market/matches.py, market/match_index.py) on a handful of listings.

Vectors are hand-made (one direction per topic) so nothing is embedded here; the engine's own
quality is measured in tests/matching and docs/matching.md.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from techmarket.domain.listings import parse_listing
from techmarket.domain.problems import DomainError, NotFound
from techmarket.market import match_index, matches, services
from techmarket.market.vectors import pending, store_vector, vector_of
from techmarket.matching import dense
from techmarket.matching.embed import DIM
from techmarket.registry.actors import system_actor
from tests.market.builders import achievement_row
from tests.market.leads import achievement, demand

pytestmark = pytest.mark.django_db


def direction(*axes: int) -> np.ndarray:
    vector = np.zeros(DIM, dtype=np.float32)
    vector[list(axes)] = 1.0
    return vector / np.linalg.norm(vector)


BATTERY, WATER = 0, 1


def published_elsewhere(agency, now, **overrides):
    """An achievement from another province, reviewed by the province's agency."""
    operator = system_actor()
    record, problems = parse_listing("achievement", achievement_row(**overrides), 1)
    assert record is not None, problems
    listing = services.create_draft("achievement", record, actor=operator, now=now, agency=agency)
    services.submit("achievement", listing.pk, actor=operator, now=now)
    return services.publish("achievement", listing.pk, actor=operator, now=now)


@pytest.fixture
def market(agencies, now):
    """A battery-separator demand in Huangpu and achievements around it."""
    separator = achievement(
        now,
        transfer_modes="转让;合作开发",
        price="500000",
        summary="陶瓷涂覆锂电池隔膜，热收缩率低",
    )
    water = achievement(
        now,
        external_id="CG-002",
        title="城镇污水高效脱氮工艺",
        summary="短程硝化反硝化脱氮，能耗低",
        tech_field="07",
        transfer_modes="合作开发",
        patent_numbers="",
        ip_type="",
    )
    beijing = published_elsewhere(
        agencies["province"],
        now,
        external_id="CG-003",
        title="锂电池隔膜涂覆浆料",
        summary="锂电池隔膜陶瓷涂覆浆料配方",
        region="110108",
        transfer_modes="合作开发",
    )
    need = demand(now, summary="现有锂电池隔膜高温收缩，需要提升热稳定性。")
    store_vector(separator, direction(BATTERY))
    store_vector(water, direction(WATER))
    store_vector(beijing, direction(BATTERY))
    store_vector(need, direction(BATTERY))
    return {"separator": separator, "water": water, "beijing": beijing, "demand": need}


def lexical_hits(results):
    """What the words found (the hand-made vectors make every listing a dense hit)."""
    return [r.listing.external_id for r in results if r.lexical_rank is not None]


def ids(found):
    return [r.listing.external_id for r in found.results]


def test_a_demand_finds_the_achievement_that_fits_and_says_why(market, seller):
    found = matches.match_demand(seller, market["demand"].pk)
    assert ids(found) == ["CG-001"]
    best = found.results[0]
    assert best.lexical_rank == 1 and best.dense_rank == 1 and found.dense
    assert "隔膜" in best.explanation.terms
    assert (best.explanation.field, best.explanation.modes, best.explanation.amount) == (
        "match",
        "match",
        "within",
    )


def test_filters_come_from_the_listing_field_province_mode_and_budget(market, seller, now):
    # The Beijing separator is in another province; the water one in another field.
    filters = matches.filters_from("demand", market["demand"])
    assert filters.fields == frozenset({"05"}) and filters.region == "440000"
    assert filters.max_amount_fen == 80_000_000 and filters.modes == frozenset({"合作开发"})
    achievement(now, external_id="CG-004", title="锂电池隔膜回收", price="900000")
    assert "CG-004" not in ids(matches.match_demand(seller, market["demand"].pk))  # over budget


def test_only_published_listings_are_matched(market, seller, now):
    record, problems = parse_listing(
        "achievement",
        achievement_row(
            external_id="CG-009", title="锂电池隔膜热稳定涂层", transfer_modes="合作开发"
        ),
        1,
    )
    assert record is not None, problems
    draft = services.create_draft("achievement", record, actor=system_actor(), now=now)
    assert "CG-009" not in ids(matches.match_demand(seller, market["demand"].pk))
    services.submit("achievement", draft.pk, actor=system_actor(), now=now)
    services.publish("achievement", draft.pk, actor=system_actor(), now=now)
    assert "CG-009" in ids(matches.match_demand(seller, market["demand"].pk))
    services.close("achievement", market["separator"].pk, actor=system_actor(), now=now)
    assert "CG-001" not in ids(matches.match_demand(seller, market["demand"].pk))


def test_a_listing_without_a_vector_is_found_lexically(market, seller, now):
    fresh = achievement(
        now, external_id="CG-005", title="锂电池隔膜热稳定性改性", transfer_modes="合作开发"
    )
    assert vector_of(fresh) is None and list(pending("achievement")) == [fresh]
    found = {r.listing.external_id: r for r in matches.match_demand(seller, "XQ-001").results}
    assert found["CG-005"].lexical_rank is not None and found["CG-005"].dense_rank is None
    assert found["CG-001"].dense_rank == 1


def test_a_newly_embedded_listing_is_found_by_meaning_in_a_clustered_index(
    market, seller, now, monkeypatch
):
    monkeypatch.setattr(dense, "IVF_FROM", 2)  # large indexes are clustered; these four too
    fresh = achievement(
        now, external_id="CG-005", title="锂电池隔膜热稳定性改性", transfer_modes="合作开发"
    )
    found = {r.listing.external_id: r for r in matches.match_demand(seller, "XQ-001").results}
    assert found["CG-005"].dense_rank is None
    assert match_index.current_index("achievement").dense.clusters > 1
    store_vector(fresh, direction(BATTERY))
    found = {r.listing.external_id: r for r in matches.match_demand(seller, "XQ-001").results}
    assert found["CG-005"].dense_rank is not None and found["CG-001"].dense_rank is not None
    assert match_index.current_index("achievement").dense.clusters > 1


def test_an_achievement_finds_demands_whose_budget_reaches_its_price(market, seller):
    found = matches.match_achievement(seller, "CG-001")
    assert ids(found) == ["XQ-001"]
    assert found.filters.min_amount_fen == 50_000_000
    assert found.results[0].explanation.amount == "within"


def test_a_changed_listing_is_found_after_the_rebuild(market, seller, now):
    assert matches.search(seller, "脱氮", "achievement")[0].listing.external_id == "CG-002"
    assert lexical_hits(matches.search(seller, "除磷", "achievement")) == []
    before = match_index.read_pointer("achievement")
    services.close("achievement", market["water"].pk, actor=system_actor(), now=now)
    achievement(
        now, external_id="CG-006", title="污水生物除磷工艺", summary="强化生物除磷", tech_field="07"
    )
    found = matches.search(seller, "除磷", "achievement")
    assert lexical_hits(found) == ["CG-006"] and "CG-002" not in [
        r.listing.external_id for r in found
    ]
    assert match_index.read_pointer("achievement").folder != before.folder


def test_search_applies_the_searchers_filters_and_explains_them(market, seller):
    filters = matches.search_filters("achievement", field="新材料及其应用", region="440100")
    found = matches.search(seller, "锂电池隔膜", "achievement", filters=filters)
    assert [r.listing.external_id for r in found] == ["CG-001"]
    assert found[0].explanation.region == "within"
    with pytest.raises(DomainError) as refused:
        matches.search_filters("achievement", region="4401")
    assert refused.value.code == "invalid_region"


def test_a_draft_is_matched_only_by_those_who_may_read_it(agencies, now, seller, outsider):
    record, _ = parse_listing(
        "demand", {"external_id": "XQ-7", "title": "隔膜", "summary": "隔膜"}, 1
    )
    draft = services.create_draft("demand", record, actor=seller, now=now)
    assert matches.match_demand(seller, draft.pk).results == []
    with pytest.raises(NotFound):
        matches.match_demand(outsider, draft.pk)


def test_top_is_bounded_and_a_search_needs_text(market, seller):
    with pytest.raises(DomainError) as refused:
        matches.match_demand(seller, "XQ-001", top=0)
    assert refused.value.code == "top_out_of_range"
    with pytest.raises(DomainError) as empty:
        matches.search(seller, "  ", "achievement")
    assert empty.value.code == "search_text_required"


def test_nothing_published_gives_no_results_and_no_error(agencies, seller):
    assert matches.search(seller, "隔膜", "demand") == []
    assert match_index.read_pointer("demand").folder is None


def test_a_batch_loads_the_index_once_and_names_listings_by_external_id(market, seller):
    out = dict(matches.search_many(seller, "achievement", [("q1", "脱氮"), ("q2", "")]))
    assert out["q1"][0][0] == "CG-002" and out["q2"] == []


def test_evaluation_reads_a_labelled_file(market, seller, tmp_path):
    path = tmp_path / "labelled.jsonl"
    rows = [{"id": "D1", "text": "污水脱氮", "relevant": ["CG-002"]}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    scores = {s.mode: s for s in matches.evaluate_file(seller, path, "achievement")}
    assert scores["lexical"].recall == 1.0 and scores["lexical"].mrr == 1.0
    assert set(scores) == {"lexical", "dense", "fused"}


def test_field_suggestion_gives_codes_with_evidence(db):
    first = matches.suggest_field("一种锂离子电池高镍正极材料的制备方法")[0]
    assert first["code"] == "05" and first["terms"]


def test_a_demand_needing_a_later_stage_leaves_out_less_mature_achievements(market, seller, now):
    need = demand(
        now,
        external_id="XQ-002",
        summary="锂电池隔膜热稳定性提升，需可量产的成熟技术。",
        stage_needed="可以量产",
    )
    store_vector(need, direction(BATTERY))
    filters = matches.filters_from("demand", need)
    assert filters.min_maturity == "可以量产"
    assert "CG-001" not in ids(matches.match_demand(seller, need.pk))  # only pilot-tested
    ready = achievement(
        now,
        external_id="CG-007",
        title="锂电池隔膜陶瓷涂覆量产工艺",
        maturity="可以量产",
        transfer_modes="合作开发",
    )
    store_vector(ready, direction(BATTERY))
    assert "CG-007" in ids(matches.match_demand(seller, need.pk))


def test_an_achievement_is_not_offered_demands_that_need_a_later_stage(market, seller, now):
    need = demand(
        now, external_id="XQ-003", summary="锂电池隔膜量产技术需求。", stage_needed="可以量产"
    )
    store_vector(need, direction(BATTERY))
    found = ids(matches.match_achievement(seller, "CG-001"))  # pilot-tested
    assert "XQ-001" in found and "XQ-003" not in found


def test_a_demand_stage_is_a_maturity_code(now):
    from tests.market.builders import demand_row

    record, problems = parse_listing("demand", demand_row(stage_needed="差不多能用"), 1)
    assert record is None and [p.field for p in problems] == ["stage_needed"]
    record, problems = parse_listing("demand", demand_row(stage_needed="中试"), 1)
    assert record is not None and record.values["stage_needed"] == "pilot_tested"
