"""Pre-check of a contract's text: capitals, extraction, type suggestion and every rule,
measured on the labelled synthetic document set (as .txt; the file readers have their own)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from techmarket.domain.contract_text import (
    CapitalsError,
    ContractText,
    parse_capitals,
    precheck_text,
)
from techmarket.domain.contract_text.rules import CHECKS, rules
from techmarket.domain.money import MAX_AMOUNT, amount_in_capitals
from techmarket.synth.contract_documents import CHECKED_ON, DEFECTS, labelled_set

LABELLED = labelled_set()


def _check(document):  # type: ignore[no-untyped-def]
    text = ContractText.from_lines(document.lines())
    return precheck_text(text, today=CHECKED_ON, seller=document.seller_claimed)


@given(st.integers(min_value=0, max_value=int(MAX_AMOUNT * 100) - 1))
def test_capitals_written_by_the_certificate_read_back_to_the_same_fen(fen):
    amount = Decimal(fen) / 100
    assert parse_capitals(amount_in_capitals(amount)) == amount


@pytest.mark.parametrize(
    ("capitals", "amount"),
    [
        ("人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角整", "1234567.80"),
        ("壹拾万零伍佰圆正", "100500.00"),
        ("拾万元整", "100000.00"),
        ("壹万贰仟亿元整", "1200000000000.00"),
        ("伍角伍分", "0.55"),
        ("壹元零伍分", "1.05"),
    ],
)
def test_capitals_as_contracts_write_them(capitals, amount):
    assert parse_capitals(capitals) == Decimal(amount)


@pytest.mark.parametrize("bad", ["壹壹元", "元整", "伍佰壹仟元", "壹拾万元整伍角", "壹点伍元", ""])
def test_malformed_capitals_are_refused_not_guessed(bad):
    with pytest.raises(CapitalsError):
        parse_capitals(bad)


def test_every_rule_in_the_data_file_has_a_check_and_bilingual_messages():
    ids = [rule.id for rule in rules()]
    assert sorted(ids) == sorted(CHECKS)
    assert all(rule.severity in ("block", "warn") for rule in rules())
    assert all(rule.message and rule.message_en for rule in rules())
    assert set(DEFECTS) <= set(ids)


@pytest.mark.parametrize("document", LABELLED, ids=lambda d: d.key)
def test_labelled_document_gives_its_fields_type_and_exactly_its_planted_findings(document):
    result = _check(document)
    got = {key: found.value for key, found in result.fields.items()}
    assert {k: got.get(k) for k in document.fields} == document.fields
    assert result.suggestion.registrable == document.registrable
    if document.registrable:
        assert result.suggestion.contract_type == document.contract_type
        if document.subtype:
            assert result.suggestion.subtype == document.subtype
    assert {f.rule for f in result.findings} == set(document.defects)


def test_a_clean_development_contract_pre_fills_the_record_keys_with_evidence():
    document = next(d for d in LABELLED if d.key.startswith("development-commissioned-clean"))
    result = _check(document)
    assert result.record_fields["contract_type"] == "development"
    assert result.record_fields["seller_name"] == document.fields["seller_name"]
    assert "统一社会信用代码" in result.fields["seller_id"].evidence
    assert result.findings == ()
    assert result.as_dict()["registrable"] is True


def test_restrictive_clause_is_reported_with_the_clause_as_evidence():
    text = ContractText.from_text(
        "技术秘密使用许可合同\n被许可方不得从其他来源获得与本合同标的技术类似的技术。"
    )
    result = precheck_text(text, today=date(2025, 1, 1))
    finding = next(f for f in result.findings if f.rule == "restrictive_clause")
    assert finding.severity == "block"
    assert "其他来源" in finding.evidence
    assert "民法典" in finding.message and "Civil Code" in finding.message_en


def test_a_joint_patent_application_agreement_is_not_registrable_with_the_reason():
    text = ContractText.from_text("专利联合申请协议\n甲乙双方就共同申请专利达成如下协议。")
    result = precheck_text(text, today=date(2025, 1, 1))
    assert result.suggestion.registrable is False
    assert "不能单独登记" in result.suggestion.reason
    assert "not_registrable" in {f.rule for f in result.findings}
