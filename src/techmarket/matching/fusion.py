"""Fusion of the lexical and dense rankings by reciprocal rank fusion (RRF).

score(listing) = Σ over the rankings that hold it of weight / (k + rank), rank counted from 1.
RRF looks only at ranks, so BM25 scores (unbounded, larger for long queries) and cosine
similarities (crowded between 0.75 and 0.9 with e5) need no calibration against each other. k
sets how much the head counts: with k = 10 the first place weighs 1/11 and the tenth 1/20, so a
listing ranked well by both retrievers beats one ranked first by a single one. k = 10 with equal
weights did best on the development set among k = 10, 30, 60, 100 and weights 1:1, 1:1.5, 1.5:1,
1:2 — by a few queries of 300; every setting beat lexical alone (docs/matching.md).
"""

from __future__ import annotations

from collections.abc import Sequence

K = 10
LEXICAL_WEIGHT = 1.0
DENSE_WEIGHT = 1.0


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[int]],
    weights: Sequence[float] | None = None,
    k: float = K,
) -> list[tuple[int, float]]:
    """(item, fused score) pairs, best first; ties keep the order of first appearance."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda pair: -pair[1])
