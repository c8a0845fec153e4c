"""Amounts in yuan as exact decimals (contract-format.md §1, §8): never floats, at most fen.

Excel hands numbers over as floats; one is accepted only when its shortest decimal
representation already is an amount in fen, so a stray binary fraction is never rounded away
silently.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

FEN = Decimal("0.01")
WAN = Decimal(10000)
ZERO_FEN = Decimal("0.00")
# Far above any contract (the largest national yearly total is ~10^13 yuan); keeps
# quantize() within the decimal context's 28 digits.
MAX_AMOUNT = Decimal(10) ** 16

_AMOUNT_SHAPE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", re.ASCII)
_IGNORED = re.compile(r"[\s'_]")
# Thousands separators only where they belong: "1,234,567.80"; "1.000,00" is not yuan.
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$", re.ASCII)
# Plain yuan as most files write them ("1234567.80"), i.e. ASCII matching \d{1,16}(\.\d{0,2})?:
# at most 16 integer digits (so below MAX_AMOUNT) and at most two decimals, so such text is
# always a valid amount. `_plain_yuan` tests this shape with string methods.


class AmountError(ValueError):
    """Why a value is not an amount; `reason` is a stable key, messages are for people."""

    def __init__(self, reason: str, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.reason = reason
        self.message = message
        self.message_en = message_en


def parse_amount(value: object, *, wan_yuan: bool = False) -> Decimal:
    """An amount in yuan with at most two decimals; 万元 input is multiplied by 10000 exactly.

    Raises `AmountError` (a ValueError) with reason `format`, `range` or `precision`.
    """
    if not wan_yuan and type(value) is str:
        plain = _plain_yuan(value)
        if plain is not None:
            return plain
    number = _to_decimal(value)
    unit_zh, unit_en = ("万元", "10k yuan") if wan_yuan else ("元", "yuan")
    if wan_yuan:
        number = number * WAN
    if abs(number) >= MAX_AMOUNT:
        raise AmountError(
            "range",
            f"金额 {_shown(value)} {unit_zh} 超出合理范围；请检查单位和位数",
            f"Amount {_shown(value)} {unit_en} is out of range; check the unit and digits",
        )
    if number != number.quantize(FEN):
        converted_zh = f"折合 {number} 元，" if wan_yuan else ""
        converted_en = f" is {number} yuan, which" if wan_yuan else ""
        raise AmountError(
            "precision",
            f"金额 {_shown(value)} {unit_zh}{converted_zh}超过两位小数；金额以元计，最小到分，"
            f"请更正",
            f"Amount {_shown(value)} {unit_en}{converted_en} has more than 2 decimal places; "
            f"amounts are yuan to the fen",
        )
    # "-0" is zero: its text must not keep the sign
    return number.quantize(FEN) if number else ZERO_FEN


def _plain_yuan(text: str) -> Decimal | None:
    """Plain-yuan text as an amount, else None; string tests are cheaper than a regex here."""
    whole, _, fraction = text.partition(".")
    if (
        0 < len(whole) <= 16
        and len(fraction) <= 2
        and text.isascii()
        and whole.isdecimal()
        and (fraction.isdecimal() or not fraction)
    ):
        number = Decimal(text)
        # Two decimals already are the fen exponent quantize() would give.
        return number if len(fraction) == 2 else number.quantize(FEN)
    return None


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise _format_error(value)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # str() gives the shortest repr, i.e. what the spreadsheet showed.
        number = Decimal(str(value))
    elif isinstance(value, str):
        text = unicodedata.normalize("NFKC", value)
        text = _IGNORED.sub("", text).removeprefix("¥").removesuffix("元")
        if "," in text:  # NFKC made "，" a ","
            if not _GROUPED.match(text):
                raise _format_error(value)
            text = text.replace(",", "")
        if not _AMOUNT_SHAPE.match(text):
            raise _format_error(value)
        number = Decimal(text)
    else:
        raise _format_error(value)
    if not number.is_finite():
        raise _format_error(value)
    return number


def _format_error(value: object) -> AmountError:
    return AmountError(
        "format",
        f"金额 {_shown(value)} 不是数字；请填写以元为单位的数字，如 1234567.80",
        f"Amount {_shown(value)} is not a number; write yuan, e.g. 1234567.80",
    )


def _shown(value: object) -> str:
    return "（空）" if value is None or value == "" else str(value).strip()


def format_yuan(amount: Decimal) -> str:
    """Canonical text of an amount: yuan with exactly two decimals, no separators ("1234567.80")."""
    text = format(amount, "f")
    if text[-3:-2] == ".":  # exactly two decimals: already in fen (the usual case)
        return text
    if amount.is_finite():
        in_fen = amount.quantize(FEN)
        if in_fen == amount:
            return format(in_fen, "f")
    raise ValueError(f"{amount} is not an amount in fen")


_CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SECTION_UNITS = ("仟", "佰", "拾", "")  # within one four-digit section, highest first


def amount_in_capitals(amount: Decimal) -> str:
    """An amount in Chinese financial capitals (大写), as printed on certificates and invoices.

    Follows the usual writing rules (《支付结算办法》附件): 壹拾 for ten, one 零 for any run of
    zeros inside the number, 整 after 元 or 角 when there are no fen, 零 between 元 and a fen
    with no jiao. Raises ValueError for a negative amount, one below the fen or one out of range.
    """
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        raise ValueError(f"{amount} cannot be written in capitals")
    if amount != amount.quantize(FEN):
        raise ValueError(f"{amount} is not an amount in fen")
    fen_total = int(amount.quantize(FEN) * 100)
    yuan, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)
    text = f"{_integer_in_capitals(yuan)}元" if yuan else ""
    if jiao:
        text += f"{_CAPITAL_DIGITS[jiao]}角"
    elif fen and yuan:
        text += "零"
    if fen:
        return text + f"{_CAPITAL_DIGITS[fen]}分"
    return (text or "零元") + "整"


def _integer_in_capitals(number: int) -> str:
    """A positive whole number: 亿 and 万 split it, each part written as a number of its own."""
    for size, unit in ((10**8, "亿"), (10**4, "万")):
        if number >= size:
            high, low = divmod(number, size)
            text = _integer_in_capitals(high) + unit
            if low:
                # a gap of zeros before the lower part is read as one 零 (壹拾万零伍佰)
                text += ("零" if low < size // 10 else "") + _integer_in_capitals(low)
            return text
    return _section_in_capitals(number)


def _section_in_capitals(number: int) -> str:
    """1 to 9999: zeros inside collapse to one 零, trailing zeros are not written."""
    digits = f"{number:04d}"
    parts: list[str] = []
    pending_zero = False
    for digit, unit in zip(digits, _SECTION_UNITS, strict=True):
        if digit == "0":
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        parts.append(_CAPITAL_DIGITS[int(digit)] + unit)
    return "".join(parts)
