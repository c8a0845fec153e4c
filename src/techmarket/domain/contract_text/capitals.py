"""Amounts written in Chinese financial capitals (大写) read back exactly, to the fen.

The inverse of `money.amount_in_capitals`: 亿 and 万 split the whole-yuan part into numbers of
their own (壹万贰仟亿 is 1.2 × 10^12), 零 only marks a gap, 元 (or 圆) closes the yuan, then 角
and 分; 整 (or 正) may end it. Anything else is refused, so a typo is a finding, not a guess.
"""

from __future__ import annotations

import re
from decimal import Decimal

from techmarket.domain.money import FEN, MAX_AMOUNT

DIGITS = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
SECTION_UNITS = {"拾": 10, "佰": 100, "仟": 1000}
CAPITAL_CHARS = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分整正"
# A run of capitals as it appears in a contract ("人民币壹拾万元整"): at least one unit char.
CAPITALS_RUN = re.compile(f"[{CAPITAL_CHARS}]*[元圆角分][{CAPITAL_CHARS}]*")


class CapitalsError(ValueError):
    """The text is not an amount in capitals."""


def parse_capitals(text: str) -> Decimal:
    """`壹佰贰拾叁万肆仟伍佰陆拾柒元捌角整` → Decimal("1234567.80"); CapitalsError if malformed."""
    body = re.sub(r"\s", "", text).removeprefix("人民币").replace("圆", "元").replace("正", "整")
    if not body:
        raise CapitalsError("empty")
    body = body.removesuffix("整")
    if "整" in body:
        raise CapitalsError(f"整 inside {text!r}")
    whole_text, sep, fraction = body.partition("元")
    if (sep and not whole_text) or not body:
        raise CapitalsError(f"no number in {text!r}")
    if not sep:  # only 角/分: "伍角", "伍分"
        whole_text, fraction = "", body
    yuan = _whole(whole_text) if whole_text else 0
    fen = _fraction(fraction)
    amount = (Decimal(yuan) + Decimal(fen) / 100).quantize(FEN)
    if amount >= MAX_AMOUNT:
        raise CapitalsError(f"{text!r} is out of range")
    return amount


def _whole(text: str) -> int:
    for unit, size in (("亿", 10**8), ("万", 10**4)):
        high, sep, low = text.rpartition(unit)
        if sep:
            if not high:
                raise CapitalsError(f"{unit} without a number before it")
            low_value = _whole(low.lstrip("零")) if low.strip("零") else 0
            if low_value >= size:
                raise CapitalsError(f"{text!r}: the part after {unit} is too large")
            return _whole(high) * size + low_value
    if text == "零":
        return 0
    return _section(text)


def _section(text: str) -> int:
    """1 to 9999 written with 仟佰拾; units descend; 零 marks a gap; 拾 alone means ten."""
    total, pending, last_unit = 0, None, 10_000
    for char in text:
        if char == "零":
            if pending is not None:
                raise CapitalsError(f"零 after a digit in {text!r}")
            continue
        if char in DIGITS:
            if pending is not None:
                raise CapitalsError(f"two digits in a row in {text!r}")
            pending = DIGITS[char]
        elif char in SECTION_UNITS:
            unit = SECTION_UNITS[char]
            if unit >= last_unit:
                raise CapitalsError(f"units out of order in {text!r}")
            if pending is None:
                if char != "拾" or total:
                    raise CapitalsError(f"{char} without a digit in {text!r}")
                pending = 1
            total += pending * unit
            pending, last_unit = None, unit
        else:
            raise CapitalsError(f"{char!r} is not a capital numeral")
    if pending is not None:
        total += pending
    if not text.strip("零"):
        raise CapitalsError(f"no number in {text!r}")
    return total


def _fraction(text: str) -> int:
    """角 and 分 after 元, in fen; a leading 零 stands for no jiao."""
    text = text.removeprefix("零")
    match = re.fullmatch(r"(?:([壹贰叁肆伍陆柒捌玖])角)?(?:([壹贰叁肆伍陆柒捌玖])分)?", text)
    if match is None:
        raise CapitalsError(f"{text!r} is not jiao and fen")
    jiao, fen = match.groups()
    return (DIGITS[jiao] * 10 if jiao else 0) + (DIGITS[fen] if fen else 0)
