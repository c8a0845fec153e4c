"""Tokenising Chinese listings: the terms lexical matching and explanations work with."""

from techmarket.matching.normalise import normalise
from techmarket.matching.tokens import tokenize


def test_a_long_word_also_gives_its_parts_so_a_shorter_demand_still_meets_it():
    terms = tokenize("锂离子电池正极材料")
    assert "锂离子" in terms and "电池" in terms and "正极" in terms


def test_stop_words_punctuation_and_bare_numbers_are_not_terms():
    terms = tokenize("本文研究了一种方法，结果表明：效率提高了35%。")
    assert terms == ["效率"]


def test_full_width_letters_and_case_are_folded():
    assert normalise("ＬＥＤ　照明  Led") == "led 照明 led"
    assert tokenize("ＬＥＤ照明") == tokenize("led照明")


def test_nothing_to_tokenise_gives_no_terms():
    assert tokenize(None) == [] and tokenize("   ") == [] and tokenize("的了。") == []
