"""Calendar dates as people and spreadsheets write them (contract-format.md §1)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

# Excel's 1900 date system counts 1900-01-01 as 1 and wrongly has 1900-02-29; for every serial
# after 60 the day is this base plus the serial.
EXCEL_EPOCH = date(1899, 12, 30)
# Serials accepted as dates: 1954-10-03 … 2119-01-10, so a stray amount or year is not a date.
EXCEL_SERIAL_MIN = 20000
EXCEL_SERIAL_MAX = 80000

_YMD = re.compile(
    r"^(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$",
    re.ASCII,
)
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$", re.ASCII)
_SERIAL = re.compile(r"^\d+(\.\d+)?$", re.ASCII)


class DateError(ValueError):
    """Why a value is not a date, in both languages."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


def parse_date(value: object) -> date:
    """A date from ISO, `YYYY/M/D`, `YYYY.M.D`, `YYYY年M月D日`, a date object or an Excel serial."""
    if type(value) is str:  # the usual case, first
        return _parse_text(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or value is None:
        raise _error(value)
    if isinstance(value, int | float | Decimal):
        return _from_serial(Decimal(str(value)), value)
    if isinstance(value, str):
        return _parse_text(value)
    raise _error(value)


@lru_cache(maxsize=8192)
def _parse_text(value: str) -> date:
    """A date written as text; cached, since a file repeats its dates (errors are not cached)."""
    text = unicodedata.normalize("NFKC", value).strip()
    match = _YMD.match(text) or _COMPACT.match(text)
    if match:
        return _from_parts(match["y"], match["m"], match["d"], value)
    if _SERIAL.match(text):
        return _from_serial(Decimal(text), value)
    raise _error(value)


def _from_parts(year: str, month: str, day: str, original: object) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise DateError(
            f"日期 {original} 不存在（{year} 年 {int(month)} 月没有 {int(day)} 日）",
            f"Date {original} does not exist",
        ) from None


def _from_serial(serial: Decimal, original: object) -> date:
    if not serial.is_finite() or not EXCEL_SERIAL_MIN <= serial <= EXCEL_SERIAL_MAX:
        raise _error(original)
    # A fractional part is a time of day; the date is the whole day it falls in.
    return EXCEL_EPOCH + timedelta(days=int(serial))


def _error(value: object) -> DateError:
    shown = "（空）" if value is None or value == "" else str(value).strip()
    return DateError(
        f"{shown} 不是有效日期；请写成 2025-03-01 或 2025年3月1日",
        f"{shown!r} is not a date; write it as 2025-03-01",
    )
