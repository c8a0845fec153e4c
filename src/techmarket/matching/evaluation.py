"""Recall@10 and MRR@10 of the lexical, dense and fused rankings on a labelled set of queries.

A labelled query is a text and the ids of the listings that answer it. recall@k is the share of
the relevant listings found in the first k, averaged over queries; MRR@k is the mean of 1/rank of
the first relevant listing (0 when none is in the first k).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from techmarket.matching.filters import Filters

MODES = ("lexical", "dense", "fused")


@dataclass(frozen=True)
class LabelledQuery:
    """A search text and the listings that answer it."""

    id: str
    text: str
    relevant: frozenset[str]
    filters: Filters | None = None
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Scores:
    """The measures of one mode over a labelled set."""

    mode: str
    queries: int
    recall: float
    mrr: float


def recall_at(ranked: Sequence[str], relevant: frozenset[str], k: int = 10) -> float:
    """Share of the relevant ids among the first k."""
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def reciprocal_rank_at(ranked: Sequence[str], relevant: frozenset[str], k: int = 10) -> float:
    """1 / place of the first relevant id within the first k, else 0."""
    for place, item in enumerate(ranked[:k], start=1):
        if item in relevant:
            return 1.0 / place
    return 0.0


def score_rankings(
    mode: str, rankings: Sequence[Sequence[str]], queries: Sequence[LabelledQuery], k: int = 10
) -> Scores:
    """Mean recall@k and MRR@k of one ranking per query."""
    if not queries:
        return Scores(mode, 0, 0.0, 0.0)
    pairs = list(zip(rankings, queries, strict=True))
    return Scores(
        mode=mode,
        queries=len(queries),
        recall=sum(recall_at(r, q.relevant, k) for r, q in pairs) / len(pairs),
        mrr=sum(reciprocal_rank_at(r, q.relevant, k) for r, q in pairs) / len(pairs),
    )


def evaluate(
    index, queries: Sequence[LabelledQuery], k: int = 10, modes: Sequence[str] = MODES
) -> list[Scores]:
    """Scores of every mode; a query's stored `vector` is used instead of embedding its text."""
    results = []
    for mode in modes:
        rankings = [
            [hit.id for hit in index.search(q.text, k, q.filters, mode, query_vector=q.vector)]
            for q in queries
        ]
        results.append(score_rankings(mode, rankings, queries, k))
    return results


def read_queries(path: str | Path) -> list[LabelledQuery]:
    """Labelled queries from JSON lines {"id": …, "text": …, "relevant": [listing ids]}."""
    queries = []
    for number, line in enumerate(Path(path).read_text("utf-8").splitlines(), start=1):
        if line.strip():
            row = json.loads(line)
            try:
                queries.append(
                    LabelledQuery(str(row["id"]), row["text"], frozenset(row["relevant"]))
                )
            except (KeyError, TypeError) as error:
                raise ValueError(f"line {number}: needs id, text and relevant ({error})") from None
    return queries
