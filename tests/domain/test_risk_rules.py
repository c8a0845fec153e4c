"""The pure parts of the risk signals: name similarity and cores, period ends, explanations."""

from __future__ import annotations

from datetime import date

import pytest

from techmarket.domain.risk_signals import (
    KINDS,
    in_period_end,
    name_core,
    name_similarity,
    quarter_end,
    robust_z,
    severity,
)
from techmarket.domain.risk_signals import explain as explained


def test_a_supplement_of_the_same_subject_reads_as_the_same_name():
    assert (
        name_similarity(
            "锂电池正极材料制备工艺技术开发合同", "锂电池正极材料制备工艺（补充）技术开发合同"
        )
        >= 0.8
    )


def test_two_subjects_sharing_only_the_type_tail_are_not_alike():
    assert name_similarity("锂电池正极材料技术开发合同", "图像识别系统技术开发合同") == 0


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("广州新锂科技有限公司", "新锂"),
        ("深圳新锂材料有限公司", "新锂"),
        ("广州恒瑞电子科技（中国）有限公司", "恒瑞"),
        ("宣城生物技术研究所", ""),
    ],
)
def test_a_name_core_drops_place_legal_form_and_trade_words(name, core):
    assert name_core(name) == core


def test_the_last_ten_days_of_a_quarter_are_its_end():
    assert quarter_end(date(2025, 11, 3)) == date(2025, 12, 31)
    assert in_period_end(date(2025, 3, 22)) and not in_period_end(date(2025, 3, 21))


def test_a_flat_history_has_no_robust_z_and_scores_read_as_severities():
    assert robust_z(10.0, 1.0, 0.0) is None
    assert [severity(s) for s in (85, 55, 20)] == ["high", "medium", "low"]


@pytest.mark.parametrize(
    ("signal", "facts"),
    [
        ("duplicate", {"similarity": 0.9, "amount_gap_pct": 2.0, "days_apart": 20}),
        (
            "split_below_threshold",
            {"parts": 3, "sum": "5400000.00", "threshold": "5000000.00", "window_days": 90},
        ),
        ("circular_deal", {"parties": 3, "window_days": 365}),
        (
            "amount_outlier_seller",
            {
                "amount": "5000000.00",
                "history": 5,
                "median": "100000.00",
                "multiple": 50.0,
                "robust_z": None,
            },
        ),
        ("amount_outlier_kind", {"amount": "1500000.00", "limit": "1000000.00"}),
        (
            "period_end_spike",
            {"period_end": "2025-12-31", "days": 10, "count": 5, "expected": 0.2, "ratio": 10.0},
        ),
        ("related_parties", {"seller": "甲", "buyer": "乙", "core": "新锂", "how": "core"}),
    ],
)
def test_every_signal_explains_itself_in_both_languages(signal, facts):
    zh, en = explained(signal, {"related_count": 2, **facts})
    assert zh and en and signal in KINDS
