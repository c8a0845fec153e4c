"""Recall@10 and MRR@10, checked by hand on a tiny set."""

import pytest

from techmarket.matching import devset
from techmarket.matching.evaluation import (
    LabelledQuery,
    read_queries,
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


def test_a_labelled_file_round_trips(tmp_path):
    written = [LabelledQuery("D-1", "寻求污水脱氮技术", frozenset({"A-2", "A-9"}))]
    devset.write_queries(tmp_path / "dev.jsonl", written)
    assert read_queries(tmp_path / "dev.jsonl") == written


def test_a_labelled_line_without_relevant_ids_is_refused(tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"id": "q", "text": "…"}\n', "utf-8")
    with pytest.raises(ValueError, match="line 1"):
        read_queries(tmp_path / "bad.jsonl")
