"""Field suggestion on real paper titles (CSL, cls_ctg_train.tsv)."""

import pytest

from techmarket.matching import suggest_fields


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("背面点接触结构在晶体硅太阳电池中的应用", "06"),
        ("航天器自主交会对接的视觉相对导航方法", "02"),
        ("高原隧道爆破施工技术探讨", "11"),
        ("金属Ni诱导非晶硅薄膜晶化研究", "05"),
        ("产ESBLs大肠埃希菌、肺炎克雷伯菌的分布及耐药性分析", "04"),
        ("一种自动等响度数字混音算法", "01"),
    ],
)
def test_the_first_suggestion_is_the_titles_field(title, code):
    assert suggest_fields(title)[0].code == code


def test_a_suggestion_shows_its_evidence_terms_from_the_text():
    [first, *_] = suggest_fields("背面点接触结构在晶体硅太阳电池中的应用")
    assert first.name == "新能源与高效节能"
    assert "电池" in first.terms and all(
        term in "晶体硅太阳电池" or term in "背面点接触结构" for term in first.terms
    )


def test_suggestions_are_ranked_and_limited():
    suggestions = suggest_fields("污水处理厂的生物脱氮工艺与污泥资源化", top=2)
    assert len(suggestions) <= 2
    assert suggestions[0].code == "07"
    assert suggestions[0].score >= suggestions[-1].score


def test_a_text_with_no_weighted_term_gets_no_suggestion():
    assert suggest_fields("的了吗") == []
