"""The match index: lexical, dense and fused search with filters and explanations."""

import numpy as np
import pytest

from techmarket.matching import Filters, ListingText, MatchIndex

LISTINGS = [
    ListingText("battery", title="锂离子电池高镍正极材料", summary="提高电池能量密度和循环寿命",
                field="05", region="440106", modes=frozenset({"转让"}), amount_fen=80_000_000,
                maturity="通过中试"),
    ListingText("sewage", title="污水生物脱氮工艺", summary="降低城市污水处理厂的能耗",
                field="07", region="440100", modes=frozenset({"技术服务"}), maturity="可以量产"),
    ListingText("rice", title="水稻抗病育种", summary="培育抗稻瘟病的新品种", field="09",
                region="430000"),
    ListingText("charger", title="电动汽车快速充电桩", summary="大功率充电模块与电池管理",
                field="06", region="110108", amount_fen=None, maturity="已有样品"),
]  # fmt: skip
# Hand-made "vectors": the dense side sees battery and charger as neighbours.
VECTORS = np.array([[1, 0, 0, 0.3], [0, 1, 0, 0], [0, 0, 1, 0], [0.8, 0, 0, 1]], dtype=np.float32)
NEAR_BATTERY = np.array([1, 0, 0, 0.2], dtype=np.float32)


@pytest.fixture(scope="module")
def index():
    return MatchIndex.build(LISTINGS, vectors=VECTORS)


def ids(hits):
    return [hit.id for hit in hits]


def test_lexical_search_finds_the_listings_sharing_terms_best_first(index):
    hits = index.search("电池正极材料", mode="lexical")
    assert ids(hits) == ["battery", "charger"]
    assert [hit.lexical_rank for hit in hits] == [1, 2]
    assert all(hit.dense_rank is None for hit in hits)


def test_a_listing_sharing_no_term_is_no_lexical_hit(index):
    assert ids(index.search("航空发动机叶片", mode="lexical")) == []


def test_dense_search_ranks_by_the_vectors(index):
    hits = index.search("任意", mode="dense", query_vector=NEAR_BATTERY, top=2)
    assert ids(hits) == ["battery", "charger"]


def test_fused_search_puts_first_what_both_retrievers_find(index):
    hits = index.search("充电", query_vector=NEAR_BATTERY, top=3)
    # charger is first lexically, battery first densely; charger is also second densely.
    assert ids(hits)[0] == "charger"
    assert hits[0].lexical_rank == 1 and hits[0].dense_rank == 2
    assert "battery" in ids(hits)


def test_filters_restrict_the_candidates_of_both_retrievers(index):
    hits = index.search("电池", filters=Filters(region="440000"), query_vector=NEAR_BATTERY)
    assert "charger" not in ids(hits) and ids(hits)[0] == "battery"


def test_the_explanation_names_the_shared_terms_and_the_fits(index):
    wanted = Filters(fields=frozenset({"05"}), region="440100", modes=frozenset({"技术转让"}),
                     max_amount_fen=100_000_000, min_maturity="通过小试")  # fmt: skip
    [hit] = index.search("高镍锂离子电池", filters=wanted, mode="lexical")
    explanation = hit.explanation
    assert set(explanation.terms) == {"镍", "锂离子", "电池"}
    assert explanation.field == "match" and explanation.region == "within"
    assert explanation.modes == "match" and explanation.common_modes == ("转让",)
    assert explanation.amount == "within" and explanation.maturity == "meets"


def test_unknown_facts_are_explained_as_unknown_not_silently_dropped(index):
    wanted = Filters(modes=frozenset({"转让"}), max_amount_fen=1, min_maturity="通过中试")
    [hit] = index.search("水稻育种", filters=wanted, mode="lexical")
    assert hit.id == "rice"
    assert (hit.explanation.modes, hit.explanation.amount, hit.explanation.maturity) == (
        "unknown",
        "negotiable",
        "unknown",
    )


def test_context_explains_without_filtering(index):
    hits = index.search("电池", mode="lexical", context=Filters(region="440100"))
    assert {hit.id: hit.explanation.region for hit in hits} == {
        "battery": "within",
        "charger": "outside",
    }


def test_an_index_saved_and_loaded_answers_the_same(index, tmp_path):
    index.save(tmp_path / "index")
    loaded = MatchIndex.load(tmp_path / "index")
    for mode in ("lexical", "dense", "fused"):
        query = dict(mode=mode, query_vector=NEAR_BATTERY, filters=Filters(region="440000"))
        assert loaded.search("电池充电", **query) == index.search("电池充电", **query)


def test_a_listing_without_a_vector_yet_is_found_lexically_only(tmp_path):
    vectors = VECTORS.copy()
    vectors[0] = 0
    index = MatchIndex.build(LISTINGS, vectors=vectors)
    assert "battery" not in ids(index.search("x", mode="dense", query_vector=NEAR_BATTERY))
    [first, *_] = index.search("正极材料", query_vector=NEAR_BATTERY)
    assert first.id == "battery" and first.dense_rank is None


def test_an_index_without_vectors_searches_lexically_in_fused_mode():
    index = MatchIndex.build(LISTINGS)
    assert ids(index.search("污水脱氮")) == ["sewage"]
    assert index.search("污水脱氮", mode="dense") == []


def test_vectors_must_match_the_listings():
    with pytest.raises(ValueError):
        MatchIndex.build(LISTINGS, vectors=VECTORS[:2])
