"""Counts from the innovation-entity register as of dates, in a region rolled up as statistics do.

The rules, stated once (docs/entities.md, "Counts and plan indicators"):

* **In force on D**: granted_on ≤ D ≤ valid_to (no valid_to: open-ended; no granted_on: from the
  beginning) and not revoked on or before D (revoked_on ≤ D). valid_to is stored when the
  recognition is saved, under the setting ``TECHMARKET_HIGH_TECH_LAST_DAY`` for high-tech
  certificates; a printed last day wins.
* **Where on D**: the organisation's district on D from its district history (`PartyRegion`, the
  row with the greatest valid_from ≤ D); an organisation without history is where
  `Party.region_code` says. A history that starts after D places it nowhere on D.
* **Region roll-up** as in statistics: any code, current or abolished, is first mapped to its
  current successor (`stats.snapshot.region_rows`, the same table the snapshot joins), then a
  district counts in its city, province and the country (`codes.regions.is_within`). A code
  the history does not know is taken by prefix.
* **Organisations** are distinct parties: two recognitions of one kind (national and
  provincial) count one organisation.
* **Residents**: a residency with entered_on ≤ D and (left_on empty or left_on > D), of a carrier
  holding a recognition of the kind asked (incubator, maker space; the levels asked) in force on
  D and placed in the region on D. Distinct resident enterprises.
* **Trained people**: `market.Training` rows (level, region_code, on). "Completions" counts the
  rows; "people" counts distinct persons, each in the month of their first qualifying training
  of the year, so the months of a year add up to the distinct persons of the year to date.

Speed: one query per kind fetches every interval with day numbers (no date parsing), the
district history of the organisations concerned is fetched once, and numpy answers all dates of
a plan in one pass. What was fetched is kept per database and audit head (every change to the
register moves the audit chain), so a second plan page costs only the arithmetic.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
from django.db import connection

from techmarket.codes.regions import ROOT, all_codes, current_codes, is_within
from techmarket.domain import entities as rules
from techmarket.domain.problems import DomainError

#: What can be counted.
MEASURES = ("organisations", "residents", "trained_people", "training_completions")
#: The pseudo-kind of the trained transfer professionals (market broker profiles).
TRAINED = "trained_person"
_OPEN_END = date.max.toordinal()
_NEVER = 0  # before any date
_PACK = 1 << 22  # above every day number (date.max is 3,652,059): two days in one integer


# -- SQL shared by both engines ----------------------------------------------------------------


def _day(column: str) -> str:
    """A date column as Python's proleptic ordinal (date.toordinal), computed by the database,
    so fetching half a million rows parses no dates."""
    if connection.vendor == "postgresql":
        return f"(({column}) - DATE '0001-01-01' + 1)"
    return f"CAST(julianday({column}) - 1721424.5 AS INTEGER)"


def _code(column: str) -> str:
    """A region code column as an integer (0 when empty or not a 6-digit code)."""
    if connection.vendor == "postgresql":
        return f"(CASE WHEN {column} ~ '^[0-9]{{6}}$' THEN CAST({column} AS INTEGER) ELSE 0 END)"
    return f"(CASE WHEN length({column}) = 6 THEN CAST({column} AS INTEGER) ELSE 0 END)"


def _rows(sql: str, params: Sequence[object]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def _ints(rows: list[tuple], width: int) -> np.ndarray:
    """Fetched integer rows as a 2-D array (one conversion, in C: a column at a time through
    Python cost more than the fetch)."""
    return np.array(rows, dtype=np.int64).reshape(-1, width)


# -- regions -----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _known_codes() -> tuple[np.ndarray, np.ndarray]:
    """Every code in the GB/T 2260 history (sorted) with its current successor: the mapping the
    statistics snapshot joins (`stats.snapshot.region_rows`, first successor of each code)."""
    pairs = sorted(
        (int(code), int((current_codes(code) or (code,))[0]))
        for code in all_codes()
        if code.isdecimal()
    )
    return (
        np.array([a for a, _ in pairs], dtype=np.int64),
        np.array([b for _, b in pairs], dtype=np.int64),
    )


@lru_cache(maxsize=256)
def _inside_known(region: str) -> np.ndarray:
    """The known codes whose current successor lies in ``region`` (sorted)."""
    codes, current = _known_codes()
    inside = np.fromiter(
        (is_within(f"{c:06d}", region) for c in current.tolist()), dtype=bool, count=len(current)
    )
    return codes[inside]


class Places:
    """The region codes of fetched rows, decided once per distinct code (a register holds a few
    hundred) and remembered per region asked, so a row's flag is one lookup."""

    def __init__(self, codes: np.ndarray) -> None:
        self.distinct, where = np.unique(codes, return_inverse=True)
        self.where = where.reshape(-1).astype(np.int64)
        self._within: dict[str, np.ndarray] = {}

    def within(self, region: str) -> np.ndarray:
        """A flag per row: its code rolls up into ``region``."""
        found = self._within.get(region)
        if found is None:
            found = in_region(self.distinct, region)[self.where]
            self._within[region] = found
        return found


def in_region(codes: np.ndarray, region: str) -> np.ndarray:
    """Which integer region codes roll up into ``region`` (statistics' rule; see module notes)."""
    if region == ROOT:
        return np.ones(len(codes), dtype=bool)
    known, _ = _known_codes()
    inside = np.isin(codes, _inside_known(region))
    unknown = ~np.isin(codes, known) & (codes > 0)
    r = int(region)
    if region.endswith("0000"):
        prefix = codes // 10000 == r // 10000
    elif region.endswith("00"):
        prefix = codes // 100 == r // 100
    else:
        prefix = codes == r
    return inside | (unknown & prefix)


def check_region(region: str) -> str:
    """A 6-digit code (000000 = all of China), or a refusal naming it."""
    if not (len(region) == 6 and region.isdecimal()):
        raise DomainError(
            f"地区代码须为 6 位数字：{region}",
            f"a region is a 6-digit GB/T 2260 code: {region}",
            code="bad_region",
            region=region,
        )
    return region


# -- what is fetched once per kind ---------------------------------------------------------------


@dataclass(frozen=True)
class Intervals:
    """The recognitions of one kind (and levels) as day-number intervals, with their holders.

    ``party`` indexes ``parties`` (the distinct holders, sorted by id); ``region`` is each
    holder's Party.region_code; the history arrays are the district rows of holders that moved,
    each valid from ``h_from`` to the day before ``h_next``.
    """

    parties: np.ndarray
    region: Places
    party: np.ndarray
    start: np.ndarray
    end: np.ndarray
    moved: np.ndarray
    h_party: np.ndarray
    h_from: np.ndarray
    h_next: np.ndarray
    h_code: Places


def _levels_sql(levels: Sequence[str] | None, column: str) -> tuple[str, list[object]]:
    if not levels:
        return "", []
    return f" AND {column} IN ({', '.join(['%s'] * len(levels))})", list(levels)


def _fetch_intervals(kind: str, levels: tuple[str, ...] | None) -> Intervals:
    """One read of the recognitions (covered by the index recognition_counted: no table
    lookups), the holders' registered districts, and the district history of those that moved."""
    level_sql, level_params = _levels_sql(levels, "level")
    # The last day in force (the earlier of valid_to and the day before a revocation) and the
    # first, packed into one integer: half the values to fetch, the fetch being most of the time.
    least = "LEAST" if connection.vendor == "postgresql" else "MIN"
    last = (
        f"{least}(COALESCE({_day('valid_to')}, {_OPEN_END}), "
        f"COALESCE({_day('revoked_on')} - 1, "
        f"CASE WHEN status = 'revoked' THEN {_NEVER - 1} ELSE {_OPEN_END} END))"
    )
    rows = _rows(
        f"SELECT party_id, CAST(COALESCE({_day('granted_on')}, {_NEVER}) AS BIGINT) * {_PACK} "
        f"+ {last} + 1 "
        f"FROM entities_recognition WHERE kind = %s{level_sql}",
        [kind, *level_params],
    )
    read = _ints(rows, 2)
    parties, party = np.unique(read[:, 0], return_inverse=True)
    party = party.reshape(-1).astype(np.int64)
    packed = read[:, 1]
    start, end = packed // _PACK, packed % _PACK - 1
    found = _rows(
        f"SELECT p.id, {_code('p.region_code')} FROM registry_party p WHERE p.id IN "
        f"(SELECT party_id FROM entities_recognition WHERE kind = %s{level_sql})",
        [kind, *level_params],
    )
    region = np.zeros(len(parties), dtype=np.int64)
    placed = _ints(found, 2)
    region[np.searchsorted(parties, placed[:, 0])] = placed[:, 1]
    history: History = fetched.get(("history",), _fetch_history)  # type: ignore[assignment]
    slot = np.searchsorted(parties, history.party)
    mine = slot < len(parties)
    mine[mine] = parties[slot[mine]] == history.party[mine]
    h_party = slot[mine]
    moved = np.zeros(len(parties), dtype=bool)
    moved[h_party] = True
    return Intervals(
        parties,
        Places(region),
        party,
        start,
        end,
        moved,
        h_party,
        history.valid_from[mine],
        history.until[mine],
        Places(history.code[mine]),
    )


@dataclass(frozen=True)
class History:
    """Every district row of organisations that moved, ordered by party and date: each valid
    from ``valid_from`` to the day before ``until``."""

    party: np.ndarray
    valid_from: np.ndarray
    until: np.ndarray
    code: np.ndarray


def _fetch_history() -> History:
    rows = _rows(
        f"SELECT party_id, {_day('valid_from')}, {_code('region_code')} "
        "FROM entities_partyregion ORDER BY party_id, valid_from",
        [],
    )
    read = _ints(rows, 3)
    ids, valid_from = read[:, 0], read[:, 1]
    same_next = np.append(ids[1:] == ids[:-1], False) if len(ids) else np.zeros(0, bool)
    until = np.where(same_next, np.append(valid_from[1:], 0), _OPEN_END + 1)
    return History(ids, valid_from, until, read[:, 2])


class _Fetched:
    """What was fetched, per database and audit head: the register cannot change without
    moving the head, so what was read under one head holds while it stays."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._entries: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, load):  # type: ignore[no-untyped-def]
        full = (*register_head(), *key)
        with self._lock:
            if full in self._entries:
                self._entries.move_to_end(full)
                return self._entries[full]
        value = load()
        with self._lock:
            self._entries[full] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


fetched = _Fetched()


def register_head() -> tuple[object, ...]:
    """The database and the audit chain's tip (number and hash): the key of what was read."""
    rows = _rows('SELECT last_seq, last_hash FROM "registry_audithead" WHERE id = 1', [])
    tip = rows[0] if rows else (0, "")
    return (connection.alias, str(connection.settings_dict.get("NAME")), *tip)


def intervals(kind: str, levels: Sequence[str] | None = None) -> Intervals:
    key = ("intervals", kind, tuple(sorted(levels)) if levels else None)
    return fetched.get(key, lambda: _fetch_intervals(kind, key[2]))  # type: ignore[return-value]


# -- counting ------------------------------------------------------------------------------------


def _placed(data: Intervals, day: int, inside: np.ndarray, h_inside: np.ndarray) -> np.ndarray:
    """Which holders are in the region on ``day``: their history row then, else Party's code."""
    where = inside.copy()
    if len(data.h_party):
        where[data.moved] = False  # placed only by a history row valid on the day
        current = (data.h_from <= day) & (day < data.h_next)
        where[data.h_party[current]] = h_inside[current]
    return where


def holders_on(data: Intervals, days: Sequence[date], region: str) -> list[np.ndarray]:
    """For each day, a flag per holder (``data.parties``): in force and in the region then."""
    inside = data.region.within(region)
    h_inside = data.h_code.within(region)
    out = []
    for day in days:
        d = day.toordinal()
        active = (data.start <= d) & (d <= data.end)
        flags = np.zeros(len(data.parties), dtype=bool)
        flags[data.party[active]] = True
        out.append(flags & _placed(data, d, inside, h_inside))
    return out


def check_kind(kind: str, measure: str = "organisations") -> None:
    """A kind of recognition that can be counted with this measure."""
    if measure not in MEASURES:
        raise DomainError(
            f"未知的统计量 {measure}；可用：{'、'.join(MEASURES)}",
            f"unknown measure {measure}; known: {', '.join(MEASURES)}",
            code="unknown_entity_measure",
            measure=measure,
        )
    if measure.startswith("train"):
        return
    spec = rules.kind_of(kind)
    if spec is None:
        raise DomainError(
            f"未知的认定类别：{kind}；可用：{'、'.join(rules.KINDS)}",
            f"unknown recognition kind: {kind}; known: {', '.join(rules.KINDS)}",
            code="unknown_entity_kind",
            kind=kind,
        )
    if measure == "residents" and not spec.counts_residents:
        carriers = [k.code for k in rules.KINDS.values() if k.counts_residents]
        raise DomainError(
            f"{spec.zh}没有在孵企业；在孵企业按 {'、'.join(carriers)} 统计",
            f"a {spec.en} keeps no resident enterprises; residents count for {', '.join(carriers)}",
            code="kind_keeps_no_residents",
            kind=kind,
        )


def organisations(
    kind: str, days: Sequence[date], region: str = ROOT, levels: Sequence[str] | None = None
) -> list[int]:
    """Organisations holding a recognition of ``kind`` in force on each day, in the region."""
    check_kind(kind)
    return [int(f.sum()) for f in holders_on(intervals(kind, levels), days, region)]


@dataclass(frozen=True)
class Stays:
    """Residencies as day intervals: carrier (a party id), resident (compact index)."""

    carrier: np.ndarray
    resident: np.ndarray
    residents: int
    entered: np.ndarray
    left: np.ndarray


def _fetch_stays() -> Stays:
    rows = _rows(
        f"SELECT carrier_id, resident_id, {_day('entered_on')}, "
        f"COALESCE({_day('left_on')}, {_OPEN_END + 1}) FROM entities_residency",
        [],
    )
    read = _ints(rows, 4)
    uniq, resident = np.unique(read[:, 1], return_inverse=True)
    return Stays(
        read[:, 0], resident.reshape(-1).astype(np.int64), len(uniq), read[:, 2], read[:, 3]
    )


def residents(
    kind: str, days: Sequence[date], region: str = ROOT, levels: Sequence[str] | None = None
) -> list[int]:
    """Resident enterprises on each day of carriers recognised as ``kind`` then, in the region."""
    check_kind(kind, "residents")
    data = intervals(kind, levels)
    stays: Stays = fetched.get(("stays",), _fetch_stays)  # type: ignore[assignment]
    slot = np.searchsorted(data.parties, stays.carrier)
    known = slot < len(data.parties)
    known[known] = data.parties[slot[known]] == stays.carrier[known]
    out = []
    for day, carriers in zip(days, holders_on(data, days, region), strict=True):
        d = day.toordinal()
        ok = known & (stays.entered <= d) & (d < stays.left)
        ok[ok] = carriers[slot[ok]]
        flags = np.zeros(stays.residents, dtype=bool)
        flags[stays.resident[ok]] = True
        out.append(int(flags.sum()))
    return out


@dataclass(frozen=True)
class Trainings:
    """Training rows in date order: person, day number, year and month, region."""

    person: np.ndarray
    day: np.ndarray
    year: np.ndarray
    month: np.ndarray
    region: Places


_EPOCH = date(1970, 1, 1).toordinal()


def _year_month(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Year and month of day numbers, vectorised (numpy's calendar is Python's)."""
    months = (days - _EPOCH).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months // 12 + 1970, months % 12 + 1


def _fetch_trainings(levels: tuple[str, ...] | None) -> Trainings:
    level_sql, params = _levels_sql(levels, "level")
    on = _day('"on"')
    rows = _rows(
        f"SELECT person_id, {on}, {_code('region_code')} FROM market_training "
        f"WHERE 1 = 1{level_sql}",
        params,
    )
    read = _ints(rows, 3)
    read = read[np.lexsort((read[:, 0], read[:, 1]))]  # by day, then person
    year, month = _year_month(read[:, 1])
    return Trainings(read[:, 0], read[:, 1], year, month, Places(read[:, 2]))


def _trainings(levels: Sequence[str] | None) -> Trainings:
    key = ("trainings", tuple(sorted(levels)) if levels else None)
    return fetched.get(key, lambda: _fetch_trainings(key[1]))  # type: ignore[return-value]


def trained(
    start: date,
    end: date,
    region: str = ROOT,
    levels: Sequence[str] | None = None,
    *,
    distinct: bool = True,
) -> int:
    """People trained (distinct persons) or training completions (rows) from start to end."""
    data = _trainings(levels)
    ok = (data.day >= start.toordinal()) & (data.day <= end.toordinal())
    ok &= data.region.within(region)
    return int(np.unique(data.person[ok]).size) if distinct else int(ok.sum())


def trained_by_month(
    year: int,
    region: str = ROOT,
    levels: Sequence[str] | None = None,
    *,
    distinct: bool = True,
    through: date | None = None,
) -> dict[int, int]:
    """Month → people trained (each in the month of their first training of the year) or
    completions, for the months of ``year`` through ``through`` (that month up to that day)."""
    data = _trainings(levels)
    last = date(year, 12, 31) if through is None or through.year > year else through
    if last.year < year:
        return {}
    ok = (data.year == year) & (data.day <= last.toordinal()) & data.region.within(region)
    months, persons = data.month[ok], data.person[ok]
    if distinct:  # rows are in date order: the first of each person is their first training
        _, first = np.unique(persons, return_index=True)
        months = months[first]
    counts = np.bincount(months, minlength=13)
    return {m: int(counts[m]) for m in range(1, last.month + 1)}


def count(
    kind: str,
    *,
    on: date,
    region: str = ROOT,
    levels: Sequence[str] | None = None,
    measure: str = "organisations",
    since: date | None = None,
) -> int:
    """One figure: organisations or residents on ``on``; people trained or completions from
    ``since`` (default 1 January of on's year) through ``on``."""
    check_kind(kind, measure)
    check_region(region)
    if measure == "organisations":
        return organisations(kind, [on], region, levels)[0]
    if measure == "residents":
        return residents(kind, [on], region, levels)[0]
    start = since or date(on.year, 1, 1)
    return trained(start, on, region, levels, distinct=measure == "trained_people")
