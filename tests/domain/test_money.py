"""Amounts are exact yuan with at most two decimals; 万元 converts exactly; floats only from Excel."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from techmarket.domain.money import AmountError, format_yuan, parse_amount


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234567.8", "1234567.80"),
        ("1,234,567.80", "1234567.80"),
        (" 1 234 567.80 ", "1234567.80"),
        ("１２３４５６７．８０", "1234567.80"),
        ("1234567.800", "1234567.80"),
        ("¥1,000元", "1000.00"),
        (1000, "1000.00"),
        (Decimal("12.5"), "12.50"),
        (1234567.8, "1234567.80"),
        ("-5", "-5.00"),
    ],
)
def test_amounts_are_read_from_text_and_spreadsheet_cells(value: object, expected: str) -> None:
    assert parse_amount(value) == Decimal(expected)


def test_an_amount_with_fractions_of_a_fen_is_rejected_with_its_reason() -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount("10.005")
    assert caught.value.reason == "precision"
    assert "两位小数" in caught.value.message


def test_a_float_that_is_not_a_whole_fen_is_rejected_rather_than_rounded() -> None:
    with pytest.raises(AmountError):
        parse_amount(0.1 + 0.2)


@pytest.mark.parametrize("value", ["", "abc", "1e6", "1.2.3", None, True, float("nan"), [1]])
def test_values_that_are_not_numbers_are_rejected(value: object) -> None:
    with pytest.raises(ValueError) as caught:
        parse_amount(value)
    assert caught.value.reason == "format"  # type: ignore[attr-defined]


def test_an_absurdly_large_amount_is_rejected() -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount("1" + "0" * 20)
    assert caught.value.reason == "range"


def test_wan_yuan_are_converted_to_yuan_exactly() -> None:
    assert parse_amount("12.3456", wan_yuan=True) == Decimal("123456.00")
    assert parse_amount(12.3456, wan_yuan=True) == Decimal("123456.00")
    assert parse_amount("0.000001", wan_yuan=True) == Decimal("0.01")


def test_wan_yuan_finer_than_a_fen_are_rejected() -> None:
    with pytest.raises(AmountError):
        parse_amount("1.0000001", wan_yuan=True)


def test_yuan_are_formatted_with_two_decimals_and_no_separators() -> None:
    assert format_yuan(Decimal("1234567.8")) == "1234567.80"
    assert format_yuan(Decimal("1E+7")) == "10000000.00"


def test_formatting_refuses_to_round_away_fractions_of_a_fen() -> None:
    with pytest.raises(ValueError):
        format_yuan(Decimal("1.005"))


AMOUNTS = st.decimals(min_value=0, max_value=10**13, places=2, allow_nan=False)


@given(AMOUNTS)
def test_formatting_and_parsing_round_trip(amount: Decimal) -> None:
    assert parse_amount(format_yuan(amount)) == amount
    assert format_yuan(parse_amount(format_yuan(amount))) == format_yuan(amount)


@given(AMOUNTS)
def test_thousands_separators_do_not_change_an_amount(amount: Decimal) -> None:
    assert parse_amount(f"{amount:,.2f}") == amount


@given(st.decimals(min_value=0, max_value=10**9, places=6, allow_nan=False))
def test_any_wan_yuan_amount_with_six_decimals_is_exact_yuan(wan: Decimal) -> None:
    assert parse_amount(str(wan), wan_yuan=True) == wan * 10000


@given(st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False))
def test_a_yuan_amount_needing_a_third_decimal_is_always_rejected(amount: Decimal) -> None:
    if amount == amount.quantize(Decimal("0.01")):
        assert parse_amount(str(amount)) == amount
    else:
        with pytest.raises(AmountError):
            parse_amount(str(amount))


@given(st.from_regex(r"[0-9.]{0,20}", fullmatch=True))
def test_plain_yuan_fast_path_agrees_with_the_general_parser(text: str) -> None:
    """The regex-free fast path must accept exactly what the plain-yuan shape accepts."""
    import re

    from techmarket.domain.money import _plain_yuan, _to_decimal

    fast = _plain_yuan(text)
    assert (fast is not None) == bool(re.fullmatch(r"\d{1,16}(\.\d{0,2})?", text))
    if fast is not None:
        expected = _to_decimal(text).quantize(Decimal("0.01"))
        assert fast == expected and str(fast) == str(expected)


@pytest.mark.parametrize("text", ["1.000,00", "12,34", "1,00,000.00", ",100"])
def test_commas_that_are_not_thousands_separators_are_refused(text: str) -> None:
    with pytest.raises(AmountError):
        parse_amount(text)


def test_thousands_separators_and_negative_zero() -> None:
    assert parse_amount("1,234,567.80") == Decimal("1234567.80")
    assert parse_amount("1，000") == Decimal("1000.00")
    assert format_yuan(parse_amount("-0")) == "0.00"


@pytest.mark.parametrize("text", ["٣", "0.٠٠", "1٠00"])
def test_digits_of_other_scripts_are_not_amounts(text: str) -> None:
    with pytest.raises(AmountError):
        parse_amount(text)
