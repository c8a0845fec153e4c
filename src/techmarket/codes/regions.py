"""GB/T 2260 administrative division codes with their history since 1980.

Data: ``data/gbt2260/areacodes_history_1980_2024.csv`` (yescallop/areacodes, CC0). Years there are
the year-end tables a record first / last appears in; a change happens during its change year, so
a record counts as valid from ``start_year`` through ``end_year`` inclusive (both sides tolerant).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

RegionLevel = Literal["province", "city", "county"]

ROOT = "000000"  # the whole of China, parent of the provinces
_LEVELS: dict[str, RegionLevel] = {"省级": "province", "地级": "city", "县级": "county"}
_NOW = 9999  # "year" meaning the latest list: only records still in use match it


@dataclass(frozen=True)
class Region:
    """One record of a code: a name and level over a span of years."""

    code: str
    name: str
    level: RegionLevel
    start_year: int
    end_year: int | None  # None: still in use
    new_codes: tuple[str, ...]  # successor codes when changed/abolished

    def valid_in(self, year: int) -> bool:
        """Whether the record was in use at any time during ``year``."""
        return self.start_year <= year and (self.end_year is None or year <= self.end_year)


def _successors(status: str, code: str, new_codes: str) -> tuple[str, ...]:
    """Successor codes; "code[YYYY]" entries are partial transfers, not successors, and skipped."""
    codes = tuple(c for c in new_codes.split(";") if c and "[" not in c)
    if not codes and status == "变更":  # renamed under the same code
        return (code,)
    return codes


def _parse(rows: Iterable[dict[str, str]]) -> dict[str, tuple[Region, ...]]:
    """Group CSV rows by code, oldest record first."""
    by_code: dict[str, list[Region]] = defaultdict(list)
    for row in rows:
        code, status, end = row["代码"], row["状态"], row["变更/弃用时间"]
        by_code[code].append(
            Region(
                code=code,
                name=row["名称"],
                level=_LEVELS[row["级别"]],
                start_year=int(row["启用时间"]),
                end_year=int(end) if end else None,
                new_codes=_successors(status, code, row["新代码"]) if end else (),
            )
        )
    return {code: tuple(sorted(recs, key=lambda r: r.start_year)) for code, recs in by_code.items()}


@cache
def _records() -> dict[str, tuple[Region, ...]]:
    """All records by code, loaded once from the packaged CSV."""
    path = resources.files("techmarket.codes") / "data" / "gbt2260"
    text = (path / "areacodes_history_1980_2024.csv").read_text(encoding="utf-8-sig")
    return _parse(csv.DictReader(io.StringIO(text)))


def _at(code: str, year: int) -> Region | None:
    """The record of ``code`` valid in ``year`` (the newer one in a change year); _NOW = in use."""
    best = None
    for rec in _records().get(code, ()):
        if (rec.end_year is None) if year == _NOW else rec.valid_in(year):
            best = rec  # records are sorted by start year, so the last match is the newest
    return best


def _year(on: date | None) -> int:
    return _NOW if on is None else on.year


def _last_year(region: Region) -> int:
    """The year at which to look at a record's surroundings: its last year, or now."""
    return _NOW if region.end_year is None else region.end_year


def get_region(code: str, on: date | None = None) -> Region | None:
    """The record of ``code`` valid on ``on``; with on=None the current or else the latest one."""
    if on is not None:
        return _at(code, on.year)
    recs = _records().get(code)
    if not recs:
        return None
    return _at(code, _NOW) or max(recs, key=lambda r: (r.end_year or 0, r.start_year))


def is_valid_on(code: str, on: date) -> bool:
    """Whether the code was in use in ``on.year`` (the change year itself counts as valid)."""
    return is_valid_in(code, on.year)


def is_valid_in(code: str, year: int) -> bool:
    """Whether the code was in use at any time during ``year``."""
    return _at(code, year) is not None


def _successor_record(code: str, prev: Region) -> Region | None:
    """The record of successor ``code`` that took over when ``prev`` ended."""
    year = prev.end_year or _NOW
    recs = [r for r in _records().get(code, ()) if r != prev]
    at_change = [r for r in recs if r.valid_in(year)]
    if at_change:
        return at_change[-1]
    later = [r for r in recs if r.start_year >= year]
    return later[0] if later else None


def _follow(start: Region) -> list[str]:
    """Codes in use now reached from a record through its successors."""
    result: list[str] = []
    seen: set[Region] = set()
    queue = [start]
    while queue:
        rec = queue.pop(0)
        if rec in seen:
            continue
        seen.add(rec)
        if rec.end_year is None:
            result.append(rec.code)
        elif rec.new_codes:
            queue.extend(r for new in rec.new_codes if (r := _successor_record(new, rec)))
        elif rec.level == "city":
            result.extend(_dissolved_prefecture(rec))
    return list(dict.fromkeys(result))


def _dissolved_prefecture(rec: Region) -> list[str]:
    """Current prefectures (or 省直辖县) that took over the counties of a dissolved prefecture."""
    year = max(rec.start_year, (rec.end_year or _NOW) - 1)
    result: list[str] = []
    for code in _records():
        kid = _at(code, year) if code[:4] == rec.code[:4] and code != rec.code else None
        for current in _follow(kid) if kid else ():
            parent = parent_code(current)
            # a county now directly under its province (省直辖县) stands for itself
            result.append(current if parent in (None, province_code(current)) else parent)
    return result


def current_codes(code: str) -> tuple[str, ...]:
    """Codes in the latest list that an old code's area went to; a code in use maps to itself.

    A dissolved prefecture (地区) with no recorded successor maps to the prefectures that now hold
    its former counties.
    """
    start = get_region(code)
    return tuple(_follow(start)) if start else ()


def province_code(code: str) -> str:
    """The province-level code (xx0000) a code belongs to."""
    if len(code) != 6 or not code.isdecimal():
        raise ValueError(f"not a 6-digit division code: {code!r}")
    return code[:2] + "0000"


def _parent(region: Region, year: int) -> str | None:
    """Parent code of a record, judged by the prefecture records valid in ``year``."""
    if region.level == "province":
        return None
    province = province_code(region.code)
    prefecture = region.code[:4] + "00"
    if region.level == "county" and prefecture != province:
        rec = _at(prefecture, year)
        if rec is not None and rec.level == "city":
            return prefecture
    return province  # 直辖 districts of municipalities, 省直辖县 and prefectures


def parent_code(code: str, on: date | None = None) -> str | None:
    """The prefecture (xxxx00) above a code if it existed then, else the province; None if none."""
    region = get_region(code, on)
    if region is None:
        return None
    return _parent(region, _last_year(region) if on is None else on.year)


@lru_cache(maxsize=65536)
def is_within(code: str, ancestor: str) -> bool:
    """Whether ``code``'s area lies in ``ancestor``'s, by prefix (works for abolished codes too)."""
    if not (len(code) == len(ancestor) == 6 and code.isdecimal() and ancestor.isdecimal()):
        return False
    if ancestor == ROOT:
        return True
    if ancestor.endswith("0000"):
        return code[:2] == ancestor[:2]
    if ancestor.endswith("00"):
        return code[:4] == ancestor[:4]
    return code == ancestor


def full_name(code: str, on: date | None = None) -> str:
    """Province + prefecture + own name, e.g. 广东省广州市天河区; 全国 for 000000; the code itself
    when unknown."""
    if code == ROOT:
        return "全国"
    region = get_region(code, on)
    if region is None:
        return code
    year = _last_year(region) if on is None else on.year
    names = [region.name]
    parent = _parent(region, year)
    while parent is not None:
        rec = _at(parent, year) or get_region(parent)
        if rec is None:
            break
        names.append(rec.name)
        parent = _parent(rec, year)
    return "".join(reversed(names))


def all_regions(on: date | None = None) -> list[Region]:
    """Every record in use on ``on`` (default: the latest list), ordered by code."""
    return list(_regions_in(_year(on)))


@lru_cache(maxsize=64)
def _regions_in(year: int) -> tuple[Region, ...]:
    """The records in use in a year: the list is fixed data, read per page (drill-down)."""
    found = (_at(code, year) for code in sorted(_records()))
    return tuple(rec for rec in found if rec is not None)


def children(code: str, on: date | None = None) -> list[Region]:
    """Direct children of a code in use on ``on`` (default: now); ROOT gives the provinces."""
    return list(_children_in(code, _year(on)))


@lru_cache(maxsize=4096)
def _children_in(code: str, year: int) -> tuple[Region, ...]:
    regions = _regions_in(year)
    if code == ROOT:
        return tuple(r for r in regions if r.level == "province")
    return tuple(r for r in regions if r.code[:2] == code[:2] and _parent(r, year) == code)


@cache
def province_prefixes() -> frozenset[str]:
    """The first two digits of every province-level code ever in use (1980–), e.g. "44"."""
    return frozenset(
        code[:2]
        for code, records in _records().items()
        if any(record.level == "province" for record in records)
    )


def all_codes() -> list[str]:
    """Every code that was ever in use (1980–), current or not: the keys of the history."""
    return sorted(_records())
