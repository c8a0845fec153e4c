"""Recall@10 and MRR@10, checked by hand on a tiny set."""

import pytest

from techmarket.matching.evaluation import (
    LabelledQuery,
    recall_at,
    reciprocal_rank_at,
    score_rankings,
)


def test_recall_counts_the_relevant_ids_within_k():
    assert recall_at(["a", "b", "c"], frozenset({"b", "z"}), k=10) == 0.5
    assert recall_at(["a", "b", "c"], frozenset({"c"}), k=2) == 0.0


def test_reciprocal_rank_is_one_over_the_first_relevant_place():
    assert reciprocal_rank_at(["a", "b", "c"], frozenset({"c", "b"})) == 0.5
    assert reciprocal_rank_at(["a"] * 10 + ["b"], frozenset({"b"})) == 0.0


def test_the_measures_are_means_over_queries():
    queries = [
        LabelledQuery("q1", "…", frozenset({"x"})),
        LabelledQuery("q2", "…", frozenset({"y"})),
        LabelledQuery("q3", "…", frozenset({"z"})),
    ]
    rankings = [["x", "a"], ["a", "b", "c", "y"], ["a", "b"]]
    scores = score_rankings("lexical", rankings, queries)
    assert scores.queries == 3
    assert scores.recall == pytest.approx(2 / 3)
    assert scores.mrr == pytest.approx((1 + 1 / 4 + 0) / 3)
