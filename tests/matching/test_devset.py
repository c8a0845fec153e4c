"""The development set's demands: seeded, from the problem sentence, in other words."""

import random

from techmarket.matching import devset

ABSTRACT = devset.Abstract(
    "CSL-0002",
    "水运工程项目作为我国航运和水利的重要组成部分,其重要性不言而喻.针对现阶段水运工程项目建设和运行"
    "过程中存在的管理制度不够完善、施工材料耗损大等问题,采用全过程管理模式对水运工程项目进行管理."
    "通过分析影响全过程管理的要素,明确了提高管理有效性的控制重点.",
    "水利工程",
)


def test_the_problem_sentence_leaves_the_listing():
    problem, rest = devset.split_problem(ABSTRACT.text)
    assert problem.startswith("针对现阶段水运工程项目")
    assert "针对" not in rest and rest.startswith("水运工程项目作为") and "控制重点" in rest


def test_a_demand_is_reworded_and_the_same_for_the_same_seed():
    first = devset.demand_for(ABSTRACT, random.Random(1))
    assert first == devset.demand_for(ABSTRACT, random.Random(1))
    assert "问题" not in first and "难题" in first


def test_words_with_a_synonym_are_replaced_never_dropped():
    assert devset.reword("提高检测精度(HPLC)", random.Random(7)) == "改善监测准确度"


def test_only_technical_abstracts_become_demands():
    other = devset.Abstract("CSL-0003", "论宋代诗词的审美意趣。", "中国语言文学")
    labelled = devset.queries([ABSTRACT, other], count=5)
    assert [(q.id, q.relevant) for q in labelled] == [("D-0002", frozenset({"CSL-0002"}))]
    assert devset.listings([ABSTRACT, other])[1].field is None
