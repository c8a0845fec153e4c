"""The match index: lexical and dense retrieval over one set of listings, filtered, fused, explained.

Rows are listings in the order they were given; the lexical index, the vector index and the
filter columns all share that order, and `ids` maps a row back to the listing's id. A saved
index is a folder of plain files (bm25s arrays, a faiss index, numpy columns, JSON), loaded in
a couple of seconds at 100,000 listings; it is rebuilt by the market app when listings change.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from techmarket.matching import fusion
from techmarket.matching.dense import DenseIndex
from techmarket.matching.embed import Embedder
from techmarket.matching.explain import Explanation, explain, highlight_terms
from techmarket.matching.filters import FilterColumns, Filters
from techmarket.matching.lexical import LexicalIndex
from techmarket.matching.listing import ListingText
from techmarket.matching.tokens import tokenize

Mode = Literal["fused", "lexical", "dense"]
DEPTH = 100  # candidates each retriever hands to the fusion
FORMAT = 1
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="embed-query")


@dataclass(frozen=True)
class Hit:
    """One result: the listing's id, its fused (or single-retriever) score and why it is here."""

    id: str
    score: float
    lexical_rank: int | None  # 1-based place in the lexical ranking, None when not in its top
    dense_rank: int | None
    explanation: Explanation


class MatchIndex:
    """Search listings by text, with hard filters, in lexical, dense or fused mode."""

    def __init__(
        self,
        ids: list[str],
        columns: FilterColumns,
        lexical: LexicalIndex,
        dense: DenseIndex | None,
    ):
        self.ids = ids
        self.columns = columns
        self.lexical = lexical
        self.dense = dense
        self._embedder: Embedder | None = None

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, docs: Sequence[ListingText], vectors: np.ndarray | None = None) -> MatchIndex:
        """Index the listings; `vectors` has one row per listing (all zeros: not embedded yet)."""
        if vectors is not None and len(vectors) != len(docs):
            raise ValueError(f"{len(vectors)} vectors for {len(docs)} listings")
        return cls(
            ids=[doc.id for doc in docs],
            columns=FilterColumns.from_listings(docs),
            lexical=LexicalIndex.build([doc.text for doc in docs]),
            dense=DenseIndex.build(vectors) if vectors is not None else None,
        )

    # Saving and loading ---------------------------------------------------------------------

    def save(self, folder: str | Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.lexical.save(folder / "lexical")
        if self.dense is not None:
            self.dense.save(folder)
        c = self.columns
        np.savez(
            folder / "columns.npz",
            field=c.field,
            region=c.region,
            modes=c.modes,
            amount=c.amount,
            maturity=c.maturity,
        )
        meta = {"format": FORMAT, "count": len(self), "dense": self.dense is not None}
        (folder / "meta.json").write_text(
            json.dumps({**meta, "mode_names": c.mode_names}, ensure_ascii=False), "utf-8"
        )
        (folder / "ids.json").write_text(json.dumps(self.ids, ensure_ascii=False), "utf-8")

    @classmethod
    def load(cls, folder: str | Path) -> MatchIndex:
        folder = Path(folder)
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError(f"match index format {meta.get('format')}, expected {FORMAT}")
        with np.load(folder / "columns.npz") as arrays:
            columns = FilterColumns(
                field=arrays["field"],
                region=arrays["region"],
                modes=arrays["modes"],
                mode_names=meta["mode_names"],
                amount=arrays["amount"],
                maturity=arrays["maturity"],
            )
        return cls(
            ids=json.loads((folder / "ids.json").read_text("utf-8")),
            columns=columns,
            lexical=LexicalIndex.load(folder / "lexical"),
            dense=DenseIndex.load(folder) if meta["dense"] else None,
        )

    # Searching ------------------------------------------------------------------------------

    def search(
        self,
        text: str,
        top: int = 10,
        filters: Filters | None = None,
        mode: Mode = "fused",
        *,
        query_vector: np.ndarray | None = None,
        context: Filters | None = None,
    ) -> list[Hit]:
        """The `top` listings for a text among those passing `filters`, best first.

        `query_vector` skips embedding the text (batch evaluation embeds all queries first).
        `context` is what the explanation compares each listing with; it defaults to `filters`
        (a caller can explain the fit of field, region … without filtering on them).
        """
        embedding = None
        if mode in ("fused", "dense") and self.dense is not None and query_vector is None:
            # e5 runs in C without the GIL: the text is embedded while BM25 scores it.
            embedding = _pool.submit(self.embedder.query, text)
        allowed = self.columns.mask(filters)
        terms = tokenize(text)
        term_ids = self.lexical.term_ids(terms)
        lexical_rows: list[int] = []
        dense_rows: list[int] = []
        if mode in ("fused", "lexical"):
            lexical_rows = self._lexical_ranking(
                term_ids, allowed, DEPTH if mode == "fused" else top
            )
        if mode in ("fused", "dense") and self.dense is not None:
            if embedding is not None:
                query_vector = embedding.result()
            rows, _ = self.dense.search(query_vector, DEPTH if mode == "fused" else top, allowed)
            dense_rows = rows.tolist()
        if mode == "lexical" or (mode == "fused" and self.dense is None):
            ranked = [(row, 1.0 / (fusion.K + rank)) for rank, row in enumerate(lexical_rows, 1)]
        elif mode == "dense":
            ranked = [(row, 1.0 / (fusion.K + rank)) for rank, row in enumerate(dense_rows, 1)]
        else:
            ranked = fusion.reciprocal_rank_fusion(
                [lexical_rows, dense_rows],
                [fusion.LEXICAL_WEIGHT, fusion.DENSE_WEIGHT],
                k=fusion.K,
            )
        shown = ranked[:top]
        lexical_place = {row: rank for rank, row in enumerate(lexical_rows, 1)}
        dense_place = {row: rank for rank, row in enumerate(dense_rows, 1)}
        context = (filters if context is None else context) or Filters()
        shared = self._shared_terms([row for row, _ in shown], term_ids)
        return [
            Hit(
                id=self.ids[row],
                score=round(score, 6),
                lexical_rank=lexical_place.get(row),
                dense_rank=dense_place.get(row),
                explanation=self._explain(row, terms_of_row, context),
            )
            for (row, score), terms_of_row in zip(shown, shared, strict=True)
        ]

    def _lexical_ranking(
        self, term_ids: list[int], allowed: np.ndarray | None, depth: int
    ) -> list[int]:
        """Rows of the best BM25 scores among the allowed listings sharing a term with the query."""
        scores = self.lexical.scores(term_ids)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        found = np.flatnonzero(scores > 0)
        if len(found) > depth:
            found = found[np.argpartition(-scores[found], depth - 1)[:depth]]
        # Equal scores keep index order, so a ranking does not change between runs.
        return found[np.lexsort((found, -scores[found]))].tolist()

    def _shared_terms(self, rows: list[int], term_ids: list[int]) -> list[tuple[str, ...]]:
        """Per shown row, the query's terms it contains, rarest first, for highlighting (one
        look-up per term for all rows, not one per term and row)."""
        vocabulary = self.lexical.term_names
        order = sorted(term_ids, key=lambda t: (self.lexical.document_frequency(t), vocabulary[t]))
        found = np.zeros((len(order), len(rows)), dtype=bool)
        if rows:
            for i, term in enumerate(order):
                found[i] = self.lexical.contained(term, np.asarray(rows))
        return [
            highlight_terms(
                [vocabulary[t] for t, hit in zip(order, found[:, j], strict=True) if hit]
            )
            for j in range(len(rows))
        ]

    def _explain(self, row: int, terms: tuple[str, ...], context: Filters) -> Explanation:
        c = self.columns
        return explain(
            terms,
            context,
            field=str(c.field[row]),
            region=str(c.region[row]),
            modes=tuple(name for i, name in enumerate(c.mode_names) if c.modes[row] >> i & 1),
            amount=int(c.amount[row]),
            maturity=int(c.maturity[row]),
        )

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = Embedder()
        return self._embedder
