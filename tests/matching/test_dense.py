"""The dense index: exact below `IVF_FROM` listings, clustered above, the same answers either way."""

import numpy as np
import pytest

from techmarket.matching import dense
from techmarket.matching.dense import DenseIndex, cluster_count


def topics(n: int, seed: int = 12) -> np.ndarray:
    """n vectors around 40 topics, as listings cluster by subject (the same topics every time)."""
    centres = np.random.default_rng(12).normal(size=(40, 32))
    rng = np.random.default_rng(seed)
    return (centres[rng.integers(0, 40, n)] + rng.normal(0, 0.5, (n, 32))).astype(np.float32)


@pytest.fixture(scope="module")
def vectors():
    return topics(4000)


@pytest.fixture(scope="module")
def clustered(vectors):
    return DenseIndex.build(vectors, clusters=64)


@pytest.fixture(scope="module")
def exact(vectors):
    return DenseIndex.build(vectors, clusters=0)


def found(index, query, k=10, allowed=None):
    return set(index.search(query, k, allowed)[0].tolist())


def test_small_indexes_are_exact_and_large_ones_clustered():
    assert cluster_count(dense.IVF_FROM - 1) == 0
    assert cluster_count(100_000) == 506
    assert DenseIndex.build(topics(50)).clusters == 0


def test_the_clustered_index_finds_what_the_exact_one_finds(clustered, exact, vectors):
    assert clustered.clusters == 64 and exact.clusters == 0
    queries = topics(50, seed=99)
    shares = [len(found(clustered, q) & found(exact, q)) / 10 for q in queries]
    assert np.mean(shares) >= 0.95
    # A listing's own vector finds that listing first.
    assert clustered.search(vectors[7], 1)[0].tolist() == [7]


def test_a_narrow_filter_still_gives_its_top_k(clustered, exact, vectors):
    allowed = np.zeros(len(vectors), dtype=bool)
    allowed[::200] = True  # 20 listings of 4,000, scattered over the clusters
    query = topics(1, seed=5)[0]
    assert found(clustered, query, 10, allowed) == found(exact, query, 10, allowed)
    assert all(allowed[row] for row in found(clustered, query, 10, allowed))


def test_a_listing_without_a_vector_is_no_hit_of_the_clustered_index(vectors):
    missing = vectors.copy()
    missing[7] = 0
    index = DenseIndex.build(missing, clusters=64)
    assert not index.ready[7] and 7 not in found(index, vectors[7], 20)


def test_a_saved_clustered_index_loads_with_its_clusters(clustered, tmp_path):
    clustered.save(tmp_path)
    loaded = DenseIndex.load(tmp_path)
    query = topics(1, seed=7)[0]
    assert loaded.clusters == 64 and (loaded.ready == clustered.ready).all()
    assert found(loaded, query) == found(clustered, query)


def test_an_exact_index_saved_before_the_ready_file_still_loads(exact, tmp_path):
    exact.save(tmp_path)
    (tmp_path / dense.READY_FILE).unlink()
    loaded = DenseIndex.load(tmp_path)
    assert loaded.ready.all() and loaded.clusters == 0
