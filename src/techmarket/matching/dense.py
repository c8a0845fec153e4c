"""Dense retrieval: inner-product search over the listings' stored vectors (faiss).

Vectors are L2-normalised, so inner product is cosine similarity. A listing whose vector is not
ready yet (an all-zero row: the background worker has not embedded it) is no dense hit; it is
still found lexically. Hard filters reach faiss as an id selector, so the top k are the top k
among the listings that pass.

Up to `IVF_FROM` listings the search is exact (a flat scan: 3 ms at 20,000). Above, a flat scan
reads the whole matrix for every query (150 MB, 13–16 ms at 100,000 on one thread), so the
vectors are grouped into about 1.6·√n clusters (k-means, trained at each build on a sample) and
a query scans the `1/PROBE_SHARE` of them nearest to it: 1–2 ms at 100,000, with 99.5 % of
the exact top 100 and all of the exact top 10 (docs/performance.md, issue #12). When filters
leave only a share s of the listings, 1/s times as many clusters are scanned, up to all of them
(then the search is exact again), so a narrow filter still finds its top k.
"""

from __future__ import annotations

import math
from pathlib import Path

import faiss
import numpy as np

VECTORS_FILE = "vectors.faiss"
READY_FILE = "ready.npy"
# One query scans its lists once and is bound by memory: on two shared cores one thread took
# 21 ms for a flat scan of 100,000 and two threads 48 ms. Parallelism comes from concurrent requests.
SEARCH_THREADS = 1
IVF_FROM = 20_000  # listings; below, the exact scan is cheap enough
PROBE_SHARE = 16  # a query scans 1/16 of the clusters (more under filters)
TRAIN_POINTS_PER_LIST = 64  # k-means sample: 64 vectors a cluster, 10 rounds (about 5 s at 100,000)
TRAIN_ROUNDS = 10


def normalised(vectors: np.ndarray) -> np.ndarray:
    """Float32 rows of unit length; all-zero rows (no vector yet) stay zero."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def cluster_count(listings: int) -> int:
    """How many clusters an index of that many listings gets; 0: exact search."""
    return 0 if listings < IVF_FROM else round(1.6 * math.sqrt(listings))


class DenseIndex:
    """Cosine search over one vector per listing, in index order: exact or clustered (IVF)."""

    def __init__(self, index: faiss.Index, ready: np.ndarray):
        self.index = index
        self.ready = ready  # bool per listing: it has a vector

    @classmethod
    def build(cls, vectors: np.ndarray, clusters: int | None = None) -> DenseIndex:
        """`clusters` overrides `cluster_count` (0: exact), for tests and measurements."""
        vectors = normalised(vectors)
        ready = np.linalg.norm(vectors, axis=1) > 0
        lists = cluster_count(len(vectors)) if clusters is None else clusters
        lists = min(lists, int(ready.sum()))  # k-means needs a vector for every cluster
        if lists < 2:
            index = faiss.IndexFlatIP(vectors.shape[1])
        else:
            index = faiss.IndexIVFFlat(
                faiss.IndexFlatIP(vectors.shape[1]),
                vectors.shape[1],
                lists,
                faiss.METRIC_INNER_PRODUCT,
            )
            index.cp.niter = TRAIN_ROUNDS
            index.cp.max_points_per_centroid = TRAIN_POINTS_PER_LIST  # faiss samples (seeded)
            index.cp.min_points_per_centroid = 1  # small test indexes train without a warning
            index.train(vectors[ready])
            index.nprobe = max(1, math.ceil(lists / PROBE_SHARE))
        index.add(vectors)
        return cls(index, ready)

    @property
    def dim(self) -> int:
        return self.index.d

    @property
    def clusters(self) -> int:
        """0 for an exact (flat) index."""
        return getattr(faiss.try_extract_index_ivf(self.index), "nlist", 0)

    def save(self, folder: Path) -> None:
        faiss.write_index(self.index, str(folder / VECTORS_FILE))
        np.save(folder / READY_FILE, self.ready)

    @classmethod
    def load(cls, folder: Path) -> DenseIndex:
        index = faiss.read_index(str(folder / VECTORS_FILE))
        if (folder / READY_FILE).exists():
            return cls(index, np.load(folder / READY_FILE))
        # Saved before READY_FILE existed: always a flat index, whose rows can be read back.
        rows = np.asarray(faiss.rev_swig_ptr(index.get_xb(), index.ntotal * index.d))
        rows = rows.reshape(index.ntotal, index.d)
        return cls(index, np.einsum("ij,ij->i", rows, rows) > 0)

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows and cosine scores of the k nearest listings among the allowed ones with a vector."""
        allowed = self.ready if allowed is None else allowed & self.ready
        passing = int(allowed.sum())
        k = min(k, passing)
        if k == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        query = normalised(np.asarray(query, dtype=np.float32).reshape(1, -1))
        selector = None
        if passing < len(allowed):
            bitmap = np.packbits(allowed, bitorder="little")
            selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bitmap))
        ivf = faiss.try_extract_index_ivf(self.index)
        if ivf is None:
            params = None if selector is None else faiss.SearchParameters(sel=selector)
        else:
            share = passing / len(allowed)  # a narrow filter: more clusters, to find its k
            probe = min(ivf.nlist, math.ceil(ivf.nprobe / share))
            params = faiss.SearchParametersIVF(nprobe=probe)
            if selector is not None:
                params.sel = selector
        faiss.omp_set_num_threads(SEARCH_THREADS)
        scores, rows = self.index.search(query, k, params=params)
        keep = rows[0] >= 0
        return rows[0][keep], scores[0][keep]
