"""Reciprocal rank fusion: agreement between the two rankings wins."""

from techmarket.matching.fusion import reciprocal_rank_fusion


def test_an_item_found_by_both_rankings_beats_one_found_first_by_only_one():
    fused = reciprocal_rank_fusion([[1, 2, 3], [4, 2, 5]])
    assert [item for item, _ in fused][:1] == [2]
    assert [item for item, _ in fused][1:3] == [1, 4]


def test_scores_are_the_sum_of_weighted_reciprocal_ranks():
    fused = dict(reciprocal_rank_fusion([[7], [8, 7]], weights=[2.0, 1.0], k=10))
    assert fused[7] == 2.0 / 11 + 1.0 / 12
    assert fused[8] == 1.0 / 11


def test_a_heavier_ranking_decides_between_single_finds():
    fused = reciprocal_rank_fusion([[1], [2]], weights=[1.0, 3.0])
    assert [item for item, _ in fused] == [2, 1]
