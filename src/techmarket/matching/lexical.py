"""Lexical retrieval: BM25 over jieba terms, scored by bm25s (not by hand).

bm25s keeps, for every term, the listings that contain it and their precomputed BM25 weights (a
sparse column). A query's scores are the sum of its terms' columns; listings sharing no term with
the query score 0 and are not lexical hits at all. The same columns answer "does this listing
contain that term?", which the explanations use instead of re-tokenising the listing.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import bm25s
import numpy as np

from techmarket.matching.tokens import tokenize

K1, B = 1.2, 0.75  # Lucene's defaults; the dev set showed no gain from tuning (docs/matching.md)


class LexicalIndex:
    """BM25 over the tokenised text of every listing, in index order."""

    def __init__(self, retriever: bm25s.BM25):
        self.retriever = retriever

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        retriever = bm25s.BM25(k1=K1, b=B, method="lucene")
        # An empty listing gets bm25s's empty token so that every row exists in the index.
        retriever.index([tokenize(text) or [""] for text in texts], show_progress=False)
        return cls(retriever)

    def save(self, folder: Path) -> None:
        self.retriever.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        return cls(bm25s.BM25.load(str(folder), show_progress=False, mmap=False))

    def term_ids(self, terms: list[str]) -> list[int]:
        """The query's distinct indexed terms, as bm25s ids (unknown terms dropped)."""
        vocab = self.retriever.vocab_dict
        return list(dict.fromkeys(vocab[t] for t in terms if t and t in vocab))

    def scores(self, term_ids: list[int]) -> np.ndarray:
        """BM25 score of every listing (0 for those sharing no term)."""
        if not term_ids:
            return np.zeros(self.retriever.scores["num_docs"], dtype=np.float32)
        return self.retriever.get_scores(term_ids)

    def contains(self, term_id: int, row: int) -> bool:
        """Whether listing `row` contains the term (a binary search in the term's column)."""
        scores = self.retriever.scores
        start, end = scores["indptr"][term_id], scores["indptr"][term_id + 1]
        column = scores["indices"][start:end]
        at = int(np.searchsorted(column, row))
        return at < len(column) and column[at] == row

    def contained(self, term_id: int, rows: np.ndarray) -> np.ndarray:
        """`contains` for many rows at once: one binary search per row in the term's column."""
        scores = self.retriever.scores
        start, end = scores["indptr"][term_id], scores["indptr"][term_id + 1]
        column = scores["indices"][start:end]
        at = np.searchsorted(column, rows)
        inside = at < len(column)
        return inside & (column[np.minimum(at, len(column) - 1)] == rows) if len(column) else inside

    def document_frequency(self, term_id: int) -> int:
        indptr = self.retriever.scores["indptr"]
        return int(indptr[term_id + 1] - indptr[term_id])

    @cached_property
    def term_names(self) -> dict[int, str]:
        """Term id → term, for explanations."""
        return {i: t for t, i in self.retriever.vocab_dict.items()}
