"""The bundled e5 model: offline, prefixed, normalised (slow: it loads and runs the model)."""

import numpy as np
import pytest

from techmarket.matching import Embedder
from techmarket.matching.embed import MAX_QUERY_TOKENS, _e5, query_text


@pytest.mark.slow
def test_a_demand_is_nearer_the_achievement_that_answers_it():
    embedder = Embedder()
    battery, rice = embedder.passages(
        ["锂离子电池高镍正极材料的制备与循环性能", "水稻抗稻瘟病新品种的选育"]
    )
    query = embedder.query("寻求提高电池能量密度的正极材料技术")
    assert query.shape == (384,) and np.isclose(np.linalg.norm(query), 1, atol=1e-3)
    assert float(battery @ query) > float(rice @ query)


@pytest.mark.slow
def test_progress_is_reported_per_batch():
    seen = []
    Embedder().passages(["污水脱氮"], progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 1)]


@pytest.mark.slow
def test_a_search_is_embedded_as_its_terms_without_stop_words_and_punctuation():
    text = "寻求：提高锂离子电池的能量密度的技术方案，预算面议。"
    assert query_text(text) == "锂离子电池能量密度方案预算面议"
    assert query_text("基于Deep Learning的LED检测") == "Deep Learning LED检测"


@pytest.mark.slow
def test_a_long_search_is_cut_to_its_first_model_tokens():
    long = "城镇污水处理厂短程硝化反硝化脱氮工艺与曝气能耗优化控制" * 4
    cut, terms = query_text(long), query_text(long, limit=512)
    assert terms.startswith(cut) and len(cut) < len(terms)
    assert _e5().token_count(cut, True) <= MAX_QUERY_TOKENS
    assert _e5().token_count(query_text(long, limit=MAX_QUERY_TOKENS + 4), True) > MAX_QUERY_TOKENS


@pytest.mark.slow
def test_a_search_of_stop_words_only_is_embedded_as_written():
    assert query_text("  我们的 ") == "我们的"
    assert Embedder().query("我们的").shape == (384,)
