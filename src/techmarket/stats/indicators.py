"""Regional indicator values that statistics compare with, such as GDP, entered by year.

GDP is an indicator value like any other: a person enters it per region and year (in 亿元, with a
note of its source); entering it again supersedes the earlier value, which stays in the history.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from techmarket.codes.regions import ROOT, full_name, get_region, is_valid_in
from techmarket.domain.problems import DomainError, NotFound
from techmarket.stats import history
from techmarket.stats.models import IndicatorValue
from techmarket.stats.periods import Period

#: code: (中文, English, unit)
INDICATORS = {"gdp": ("地区生产总值", "GDP", "亿元")}
FIRST_YEAR = 1949


def _indicator(code: str) -> tuple[str, str, str]:
    if code not in INDICATORS:
        raise NotFound(
            f"没有指标 {code}；可用：{', '.join(INDICATORS)}",
            f"no indicator {code}; known: {', '.join(INDICATORS)}",
            code="unknown_indicator",
        )
    return INDICATORS[code]


def check_region(region: str, year: int) -> None:
    """A GB/T 2260 code in use in ``year`` (000000 = the whole country)."""
    if region == ROOT:
        return
    found = get_region(region) if len(region) == 6 and region.isdecimal() else None
    if found is None:
        raise NotFound(
            f"未知的行政区划代码 {region}（应为 GB/T 2260 六位代码，000000 为全国）",
            f"unknown region code {region} (a 6-digit GB/T 2260 code; 000000 = all of China)",
            code="unknown_region",
        )
    if not is_valid_in(region, year):
        raise DomainError(
            f"行政区划代码 {region}（{full_name(region)}）在 {year} 年未使用",
            f"region code {region} was not in use in {year}",
            code="region_not_in_use",
        )


def _check_year(year: int, now: datetime) -> None:
    if not FIRST_YEAR <= year <= now.year:
        raise DomainError(
            f"年份须在 {FIRST_YEAR}—{now.year} 之间：{year}",
            f"year must be from {FIRST_YEAR} to {now.year}: {year}",
            code="year_out_of_range",
        )


def set_value(
    indicator: str,
    region: str,
    year: int,
    value: str | Decimal,
    *,
    user: str,
    now: datetime,
    source_note: str = "",
) -> tuple[IndicatorValue, bool]:
    """Enter a region's value for a year; the value in force, if any, is superseded (kept)."""
    name, name_en, unit = _indicator(indicator)
    _check_year(year, now)
    check_region(region, year)
    number = history.entered_number(
        value, f"{name}（{unit}）", f"{name_en} ({unit})", positive=True
    )
    return history.replace(
        IndicatorValue,
        {"indicator": indicator, "region_code": region, "year": year},
        {"value": number, "unit": unit, "source_note": source_note},
        user=user,
        now=now,
    )


def remove_value(
    indicator: str, region: str, year: int, *, user: str, now: datetime
) -> IndicatorValue:
    """Withdraw a region's value for a year (it stays in the history)."""
    _indicator(indicator)
    return history.withdraw(
        IndicatorValue,
        {"indicator": indicator, "region_code": region, "year": year},
        user=user,
        now=now,
    )


def value_rows(
    indicator: str,
    *,
    region: str | None = None,
    year: int | None = None,
    include_history: bool = False,
) -> list[IndicatorValue]:
    """Entered values of an indicator, in force only unless the history is asked for."""
    _indicator(indicator)
    rows = IndicatorValue.objects.filter(indicator=indicator)
    if region is not None:
        rows = rows.filter(region_code=region)
    if year is not None:
        rows = rows.filter(year=year)
    if not include_history:
        rows = rows.filter(superseded_at__isnull=True)
    return list(rows)


def gdp_for(period: Period) -> dict[str, Decimal]:
    """GDP (亿元) by region for a whole-year period; empty for any other period."""
    if not period.is_whole_year:
        return {}
    return {row.region_code: row.value for row in value_rows("gdp", year=period.start.year)}
