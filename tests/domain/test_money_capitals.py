"""Amounts in Chinese capitals (大写), as printed on the registration certificate."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from techmarket.domain.money import MAX_AMOUNT, amount_in_capitals


@pytest.mark.parametrize(
    ("amount", "capitals"),
    [
        ("1234567.80", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角整"),
        ("0.05", "伍分"),
        ("0.50", "伍角整"),
        ("0.55", "伍角伍分"),
        ("0.00", "零元整"),
        ("10.00", "壹拾元整"),
        ("15.00", "壹拾伍元整"),
        ("100000000", "壹亿元整"),
        ("1.05", "壹元零伍分"),
        ("1001.00", "壹仟零壹元整"),
        ("1010.00", "壹仟零壹拾元整"),
        ("100500.00", "壹拾万零伍佰元整"),
        ("101000.00", "壹拾万壹仟元整"),
        ("5800000.00", "伍佰捌拾万元整"),
        ("100000001.00", "壹亿零壹元整"),
        ("101000000.00", "壹亿零壹佰万元整"),
        ("120003000.00", "壹亿贰仟万叁仟元整"),
        ("1000000000000.00", "壹万亿元整"),
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        (
            "9999999999999999.99",
            "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分",
        ),
    ],
)
def test_known_amounts_are_written_as_a_bank_would(amount: str, capitals: str) -> None:
    assert amount_in_capitals(Decimal(amount)) == capitals


@pytest.mark.parametrize("amount", ["-1.00", "0.001", "NaN", "Infinity", str(MAX_AMOUNT)])
def test_what_is_not_an_amount_in_fen_cannot_be_written(amount: str) -> None:
    with pytest.raises(ValueError):
        amount_in_capitals(Decimal(amount))


DIGITS = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
UNITS = {"拾": 10, "佰": 100, "仟": 1000}


def _read_integer(text: str) -> int:
    """The reverse, written independently: split at 亿 then 万, read each part's digits."""
    for unit, size in (("亿", 10**8), ("万", 10**4)):
        if unit in text:
            high, _, low = text.rpartition(unit) if unit == "万" else text.partition(unit)
            return _read_integer(high) * size + _read_integer(low)
    total, held = 0, 0
    for char in text:
        if char in UNITS:
            total, held = total + held * UNITS[char], 0
        else:
            held = DIGITS[char]
    return total + held


def _read(capitals: str) -> Decimal:
    yuan, _, rest = capitals.rpartition("元")
    rest = rest.removeprefix("零").removesuffix("整")
    jiao = DIGITS[rest[rest.index("角") - 1]] if "角" in rest else 0
    fen = DIGITS[rest[rest.index("分") - 1]] if "分" in rest else 0
    whole = _read_integer(yuan.removeprefix("零")) if yuan not in ("", "零") else 0
    return Decimal(whole) + Decimal(jiao) / 10 + Decimal(fen) / 100


amounts = st.decimals(min_value=0, max_value=MAX_AMOUNT - Decimal("0.01"), places=2)


@given(amounts)
def test_capitals_read_back_to_the_same_amount(amount: Decimal) -> None:
    assert _read(amount_in_capitals(amount)) == amount


@given(amounts)
def test_capitals_never_repeat_or_end_on_a_zero(amount: Decimal) -> None:
    capitals = amount_in_capitals(amount)
    assert "零零" not in capitals
    assert not capitals.startswith("零") or amount == 0
    assert "零元" not in capitals or amount == 0
    assert capitals.endswith("整") == (amount * 100 % 10 == 0)
    assert set(capitals) <= set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")
