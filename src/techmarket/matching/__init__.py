"""Matching of achievements (科技成果) and demands (技术需求): pure Python, no Django.

The market app builds `ListingText`s from its listings, embeds them once with `Embedder` (stored
with the listing), and keeps a `MatchIndex`:

    index = MatchIndex.build(listings, vectors=matrix)      # or MatchIndex.load(folder)
    hits = index.search("高效低成本的污水脱氮工艺", top=10, filters=Filters(region="440100"))
    hits[0].id, hits[0].score, hits[0].explanation.terms

`suggest_fields(text)` proposes technology-field codes for a new listing, and `evaluate(...)`
measures recall@10 and MRR@10 of the three modes on a labelled set. See docs/matching.md.
"""

import os

# faiss and the e5 engine each bring an OpenMP runtime; threads that spin while waiting stall
# everything when another process wants the same cores (a query's p95 went from 100 ms to 1.7 s
# beside a running embedding). Set before either library loads; an explicit setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from techmarket.matching.embed import Embedder
from techmarket.matching.evaluation import LabelledQuery, Scores, evaluate, read_queries
from techmarket.matching.explain import Explanation
from techmarket.matching.fields import FieldSuggestion, suggest_fields
from techmarket.matching.filters import MATURITY, Filters
from techmarket.matching.index import Hit, MatchIndex
from techmarket.matching.listing import ListingText
from techmarket.matching.tokens import tokenize, warm_up

__all__ = [
    "MATURITY",
    "Embedder",
    "Explanation",
    "FieldSuggestion",
    "Filters",
    "Hit",
    "LabelledQuery",
    "ListingText",
    "MatchIndex",
    "Scores",
    "evaluate",
    "read_queries",
    "suggest_fields",
    "tokenize",
    "warm_up",
]
