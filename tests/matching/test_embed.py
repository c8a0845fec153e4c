"""The bundled e5 model: offline, prefixed, normalised (slow: it loads and runs the model)."""

import numpy as np
import pytest

from techmarket.matching import Embedder


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
