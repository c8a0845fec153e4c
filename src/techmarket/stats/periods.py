"""Statistical periods (年、半年、季、月、年初至某月、任意区间) and the growth figures between them.

A period is a pair of inclusive dates plus a canonical label, so that 同比 (same period last year)
and 环比 (the period just before) are computed on identical definitions and boundaries, and every
table, export and CLI flag (`--period 2024|2024H1|2024Q3|2024-03|2024YTD06|FROM..TO`) shows the
same text for the same period.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

PeriodKind = Literal["year", "half", "quarter", "month", "ytd", "range"]

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)

ACCEPTED_FORMS_ZH = (
    "2024（年）、2024H1（半年）、2024Q3（季度）、2024-03（月）、2024YTD06（年初至6月）、"
    "2024-01-15..2024-02-20（日期区间）"
)
ACCEPTED_FORMS_EN = (
    "2024 (year), 2024H1 (half), 2024Q3 (quarter), 2024-03 (month), "
    "2024YTD06 (year to June), 2024-01-15..2024-02-20 (date range)"
)


class PeriodError(ValueError):
    """A period that cannot be read, said in Chinese and in English apart (`str` joins them)."""

    code = "bad_period"

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(f"{message} / {message_en}")
        self.message = message
        self.message_en = message_en


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _one_year_earlier(d: date) -> date:
    """The same calendar date a year before; 29 February becomes 28 February."""
    if d.month == 2 and d.day == 29:
        return date(d.year - 1, 2, 28)
    return d.replace(year=d.year - 1)


@dataclass(frozen=True)
class Period:
    """An inclusive date span with its canonical label; build it with the ``for_*`` methods."""

    kind: PeriodKind
    start: date
    end: date
    label: str

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise PeriodError(
                f"期间起点晚于终点：{self.start} > {self.end}",
                f"the period starts after it ends: {self.start} > {self.end}",
            )

    # -- constructors ---------------------------------------------------------------------

    @classmethod
    def for_year(cls, year: int) -> Period:
        return cls("year", date(year, 1, 1), date(year, 12, 31), f"{year:04d}")

    @classmethod
    def for_half(cls, year: int, half: int) -> Period:
        if half not in (1, 2):
            raise PeriodError(f"半年须为 H1 或 H2：{half}", f"half must be 1 or 2, got {half}")
        first = 1 if half == 1 else 7
        return cls("half", date(year, first, 1), _month_end(year, first + 5), f"{year:04d}H{half}")

    @classmethod
    def for_quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise PeriodError(f"季度须为 Q1–Q4：{quarter}", f"quarter must be 1–4, got {quarter}")
        first = 3 * quarter - 2
        return cls(
            "quarter", date(year, first, 1), _month_end(year, first + 2), f"{year:04d}Q{quarter}"
        )

    @classmethod
    def for_month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise PeriodError(f"月份须为 1–12：{month}", f"month must be 1–12, got {month}")
        return cls(
            "month", date(year, month, 1), _month_end(year, month), f"{year:04d}-{month:02d}"
        )

    @classmethod
    def for_ytd(cls, year: int, month: int) -> Period:
        """1 January through the end of ``month``: the cumulative figure bulletins publish."""
        if not 1 <= month <= 12:
            raise PeriodError(
                f"年初至月份须为 1–12：{month}", f"year-to-date month must be 1–12, got {month}"
            )
        return cls("ytd", date(year, 1, 1), _month_end(year, month), f"{year:04d}YTD{month:02d}")

    @classmethod
    def for_range(cls, start: date, end: date) -> Period:
        return cls("range", start, end, f"{start.isoformat()}..{end.isoformat()}")

    # -- derived periods ------------------------------------------------------------------

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def is_whole_year(self) -> bool:
        """1 January to 31 December of one year, however it was written (2024 or a range)."""
        year = self.start.year
        return self.start == date(year, 1, 1) and self.end == date(year, 12, 31)

    def same_period_last_year(self) -> Period:
        """同比 base: the same definition one year earlier (a range's 29 Feb becomes 28 Feb)."""
        y = self.start.year - 1
        if self.kind == "year":
            return Period.for_year(y)
        if self.kind == "half":
            return Period.for_half(y, 1 if self.start.month == 1 else 2)
        if self.kind == "quarter":
            return Period.for_quarter(y, (self.start.month + 2) // 3)
        if self.kind == "month":
            return Period.for_month(y, self.start.month)
        if self.kind == "ytd":
            return Period.for_ytd(y, self.end.month)
        return Period.for_range(_one_year_earlier(self.start), _one_year_earlier(self.end))

    def previous(self) -> Period | None:
        """环比 base: the adjacent earlier period of the same kind and length; None for YTD.

        A year's predecessor is the year before (so its 环比 equals its 同比); a half, quarter or
        month's is the one just before it (H1 → last year's H2, Q1 → last year's Q4, January →
        last December). Year-to-date has no meaningful predecessor (YTD05 is not "the period
        before" YTD06, and the months before January are last year's rest, not a like period);
        a range's predecessor is the same number of days ending the day before it starts.
        """
        y = self.start.year
        if self.kind == "year":
            return Period.for_year(y - 1)
        if self.kind == "half":
            return Period.for_half(y - 1, 2) if self.start.month == 1 else Period.for_half(y, 1)
        if self.kind == "quarter":
            q = (self.start.month + 2) // 3
            return Period.for_quarter(y - 1, 4) if q == 1 else Period.for_quarter(y, q - 1)
        if self.kind == "month":
            m = self.start.month
            return Period.for_month(y - 1, 12) if m == 1 else Period.for_month(y, m - 1)
        if self.kind == "ytd":
            return None
        end = self.start - timedelta(days=1)
        return Period.for_range(end - timedelta(days=self.days - 1), end)

    def months(self) -> list[tuple[int, int]]:
        """(year, month) pairs the period touches, in order (partly covered months included)."""
        out: list[tuple[int, int]] = []
        y, m = self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    def __str__(self) -> str:
        return self.label


_YEAR = re.compile(r"(\d{4})")
_HALF = re.compile(r"(\d{4})H(\d+)")
_QUARTER = re.compile(r"(\d{4})Q(\d+)")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_YTD = re.compile(r"(\d{4})YTD(\d{1,2})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _bad(text: str, why: str, why_en: str) -> PeriodError:
    return PeriodError(
        f"无法识别的期间 {text!r}：{why}。可用格式：{ACCEPTED_FORMS_ZH}",
        f"unrecognised period {text!r}: {why_en}; accepted forms: {ACCEPTED_FORMS_EN}",
    )


def _year(text: str, digits: str) -> int:
    y = int(digits)
    if y < 1:
        raise _bad(text, "年份须为正数", "the year must be positive")
    return y


def _iso(text: str, part: str) -> date:
    part = part.strip()
    if not _ISO_DATE.fullmatch(part):
        raise _bad(
            text, f"日期须为 YYYY-MM-DD：{part!r}", f"dates must be YYYY-MM-DD, got {part!r}"
        )
    try:
        return date.fromisoformat(part)
    except ValueError:
        raise _bad(text, f"不存在的日期 {part!r}", f"no such date {part!r}") from None


def parse_period(text: str) -> Period:
    """Parse a ``--period`` value; case-insensitive, ``2024-3`` accepted for a month."""
    t = text.strip().upper()
    try:
        if "..." not in t and ".." in t:
            a, b = t.split("..", 1)
            start, end = _iso(text, a), _iso(text, b)
            if start > end:
                raise _bad(text, "起始日期晚于结束日期", "FROM is after TO")
            return Period.for_range(start, end)
        if m := _YEAR.fullmatch(t):
            return Period.for_year(_year(text, m[1]))
        if m := _HALF.fullmatch(t):
            return Period.for_half(_year(text, m[1]), int(m[2]))
        if m := _QUARTER.fullmatch(t):
            return Period.for_quarter(_year(text, m[1]), int(m[2]))
        if m := _YTD.fullmatch(t):
            return Period.for_ytd(_year(text, m[1]), int(m[2]))
        if m := _MONTH.fullmatch(t):
            return Period.for_month(_year(text, m[1]), int(m[2]))
    except PeriodError as exc:
        if exc.message.startswith("无法识别的期间"):
            raise
        raise _bad(text, exc.message, exc.message_en) from None
    except ValueError as exc:  # a date out of range
        raise _bad(text, str(exc), str(exc)) from None
    raise _bad(text, "格式不符", "no accepted form matches")


def _decimal(value: Decimal | int) -> Decimal:
    """Exact Decimal; floats are refused because statistics must add up to the yuan."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"expected Decimal or int, got {type(value).__name__}")
    return Decimal(value)


def _round2(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def growth_pct(current: Decimal | int, previous: Decimal | int | None) -> Decimal | None:
    """Growth in percent, 2 places half-up; None (not 0, not infinite) without a prior value."""
    if previous is None:
        return None
    prev = _decimal(previous)
    if prev == 0:
        return None
    return _round2((_decimal(current) / prev - 1) * _HUNDRED)


def share_pct(part: Decimal | int, whole: Decimal | int | None) -> Decimal | None:
    """Share of ``whole`` in percent, 2 places half-up; None when there is no whole."""
    if whole is None:
        return None
    w = _decimal(whole)
    if w == 0:
        return None
    return _round2(_decimal(part) / w * _HUNDRED)
