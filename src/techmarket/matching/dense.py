"""Dense retrieval: exact inner-product search over the listings' stored vectors (faiss).

Vectors are L2-normalised, so inner product is cosine similarity. A flat (exact) index is enough
at 100,000 × 384: one query reads the 150 MB matrix once, a few milliseconds. A listing whose
vector is not ready yet (an all-zero row: the background worker has not embedded it) is no dense
hit; it is still found lexically. Hard filters reach faiss as an id selector, so the top k are
the top k among the listings that pass.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

VECTORS_FILE = "vectors.faiss"
# One query scans the matrix once and is bound by memory: on two shared cores one thread took
# 21 ms at 100,000 listings and two threads 48 ms. Parallelism comes from concurrent requests.
SEARCH_THREADS = 1


def normalised(vectors: np.ndarray) -> np.ndarray:
    """Float32 rows of unit length; all-zero rows (no vector yet) stay zero."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


class DenseIndex:
    """Exact cosine search over one vector per listing, in index order."""

    def __init__(self, index: faiss.Index, ready: np.ndarray):
        self.index = index
        self.ready = ready  # bool per listing: it has a vector

    @classmethod
    def build(cls, vectors: np.ndarray) -> DenseIndex:
        vectors = normalised(vectors)
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(vectors)
        return cls(index, np.linalg.norm(vectors, axis=1) > 0)

    @property
    def dim(self) -> int:
        return self.index.d

    def save(self, folder: Path) -> None:
        faiss.write_index(self.index, str(folder / VECTORS_FILE))

    @classmethod
    def load(cls, folder: Path) -> DenseIndex:
        index = faiss.read_index(str(folder / VECTORS_FILE))
        vectors = faiss.rev_swig_ptr(index.get_xb(), index.ntotal * index.d)
        norms = np.einsum("ij,ij->i", *(np.asarray(vectors).reshape(index.ntotal, index.d),) * 2)
        return cls(index, norms > 0)

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows and cosine scores of the k nearest listings among the allowed ones with a vector."""
        allowed = self.ready if allowed is None else allowed & self.ready
        k = min(k, int(allowed.sum()))
        if k == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        query = normalised(np.asarray(query, dtype=np.float32).reshape(1, -1))
        params = None
        if not allowed.all():
            bitmap = np.packbits(allowed, bitorder="little")
            params = faiss.SearchParameters(
                sel=faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bitmap))
            )
        faiss.omp_set_num_threads(SEARCH_THREADS)
        scores, rows = self.index.search(query, k, params=params)
        keep = rows[0] >= 0
        return rows[0][keep], scores[0][keep]
