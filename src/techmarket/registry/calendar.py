"""The admins' corrections to the working-day calendar: each year's 放假安排 and 调休 days.

`chinesecalendar` knows the holidays only up to the year it was released for; later years count
Monday–Friday until the State Council's arrangement (published around November) is entered here.
Every front end (CLI, admin) writes through these functions.
"""

from __future__ import annotations

import csv
import functools
import io
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from typing import TypedDict

from django.db import transaction
from django.db.models import Q

from techmarket.codes.workdays import WorkingCalendar, covers
from techmarket.domain.problems import DomainError, FileProblem, Problem, ValidationFailed
from techmarket.domain.workflow import Status
from techmarket.interchange.sources import FileInput, Source, source_of
from techmarket.registry.models import CalendarOverride, Contract

NOTE_MAX = CalendarOverride._meta.get_field("note").max_length or 200
FIRST_PACKAGE_YEAR = 2004  # chinesecalendar starts here
WEEKDAYS_ZH = "一二三四五六日"
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_YES = {"1", "true", "yes", "y", "是", "工作日"}
_NO = {"0", "false", "no", "n", "否", "休息日"}
_COLUMNS = {
    "day": "day",
    "日期": "day",
    "is_working_day": "is_working_day",
    "是否工作日": "is_working_day",
    "note": "note",
    "说明": "note",
}
# The review clock runs in these states; a deadline there was computed with the old calendar.
_CLOCK_RUNNING = (Status.ACCEPTED, Status.UNDER_REVIEW, Status.SECOND_REVIEW)


def parse_day(text: str) -> date:
    """A date as written in a notice or a spreadsheet: 2027-01-01, 2027/1/1 or 2027年1月1日."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        raise DomainError(
            f"日期格式无效：{text!r}（应为 YYYY-MM-DD，如 2027-01-01）",
            f"invalid date {text!r}: expected YYYY-MM-DD, e.g. 2027-01-01",
            code="invalid_date",
        )
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise DomainError(
            f"日期不存在：{text.strip()}", f"no such date: {text.strip()}", code="no_such_date"
        ) from None


def checked_note(note: str) -> str:
    """The notice an entry comes from, required so every correction can be traced to its source."""
    note = note.strip()
    if not note:
        raise DomainError(
            "须说明依据（如“国办发明电〔2026〕X号”）",
            "a note is required: the notice the day comes from",
            code="note_required",
        )
    if len(note) > NOTE_MAX:
        raise DomainError(
            f"说明不能超过 {NOTE_MAX} 个字符",
            f"the note is longer than {NOTE_MAX} characters",
            code="note_too_long",
        )
    return note


def rule_says(day: date) -> bool:
    """Whether ``day`` is a working day by the package (or Monday–Friday), ignoring overrides."""
    return WorkingCalendar().is_working_day(day)


def rule_source(day: date) -> str:
    """Which rule decides ``day`` without overrides: the package's table or Monday–Friday."""
    return "chinesecalendar" if covers(day.year) else "weekday"


def set_day(day: date, *, working: bool, note: str) -> CalendarOverride:
    """Make ``day`` a working day or a holiday, replacing an earlier entry for the same day."""
    note = checked_note(note)
    with transaction.atomic():
        return _save(day, working, note)


def _save(day: date, working: bool, note: str) -> CalendarOverride:
    override, _ = CalendarOverride.objects.update_or_create(
        day=day, defaults={"is_working_day": working, "note": note}
    )
    _changed()
    return override


def _changed() -> None:
    """Pages in this process show the change at once, and again after the commit (a page read
    between the two would have kept the old calendar)."""
    from techmarket.registry.services import forget_recent_calendar

    forget_recent_calendar()
    transaction.on_commit(forget_recent_calendar)


def find_day(day: date) -> CalendarOverride | None:
    """The entry for ``day``, if there is one."""
    return CalendarOverride.objects.filter(day=day).first()


def remove_day(day: date) -> bool:
    """Remove the entry for ``day`` (the package or Monday–Friday decides again); False if none."""
    deleted, _ = CalendarOverride.objects.filter(day=day).delete()
    _changed()
    return deleted > 0


def list_days(year: int | None = None) -> list[CalendarOverride]:
    """Entries in date order, of one year or all."""
    days = CalendarOverride.objects.order_by("day")
    if year is not None:
        days = days.filter(day__year=year)
    return list(days)


def deadlines_spanning(days: Iterable[date]) -> int:
    """Contracts under review whose deadline was counted across one of ``days`` (not recounted)."""
    days = sorted(set(days))
    if not days:
        return 0
    running = Contract.objects.filter(status__in=_CLOCK_RUNNING, deadline__isnull=False)
    if len(days) > 50:  # a whole year's file: one range (SQLite caps an expression's depth)
        spans = Q(clock_started_on__lte=days[-1], deadline__gte=days[0])
        return sum(
            any(start < day <= end for day in days)
            for start, end in running.filter(spans).values_list("clock_started_on", "deadline")
        )
    spans = [Q(clock_started_on__lt=day, deadline__gte=day) for day in days]
    return running.filter(functools.reduce(operator.or_, spans)).count()


class YearEntries(TypedDict):
    year: int
    holidays: int
    workdays: int


class Coverage(TypedDict):
    """What decides working days year by year (see `coverage`)."""

    package: str
    package_version: str | None
    package_years: list[int] | None
    override_years: list[YearEntries]
    weekday_only_years: list[int]


def coverage(today: date) -> Coverage:
    """Which years the package knows, which have entries, and which near years have neither.

    ``weekday_only_years``: this year and next, where neither decides, so deadlines count
    Monday–Friday.
    """
    known = [y for y in range(FIRST_PACKAGE_YEAR, today.year + 30) if covers(y)]
    years: dict[int, YearEntries] = {}
    for working in CalendarOverride.objects.values_list("day", "is_working_day"):
        day, is_working = working
        entry = years.setdefault(day.year, {"year": day.year, "holidays": 0, "workdays": 0})
        entry["workdays" if is_working else "holidays"] += 1
    near = (today.year, today.year + 1)
    return {
        "package": "chinesecalendar",
        "package_version": _package_version(),
        "package_years": [known[0], known[-1]] if known else None,
        "override_years": [years[y] for y in sorted(years)],
        "weekday_only_years": [y for y in near if not covers(y) and y not in years],
    }


def _package_version() -> str | None:
    try:
        return metadata.version("chinesecalendar")
    except metadata.PackageNotFoundError:
        return None


@dataclass
class ImportResult:
    """What an import wrote: entries created and updated, and those the rule already says."""

    created: list[date] = field(default_factory=list)
    updated: list[date] = field(default_factory=list)
    same_as_rule: list[date] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "same_as_rule": [d.isoformat() for d in self.same_as_rule],
        }


@dataclass(frozen=True)
class _Entry:
    line: int
    day: date
    working: bool
    note: str


def import_file(file: FileInput, *, name: str | None = None) -> ImportResult:
    """Enter a CSV of days (day,is_working_day,note), from a path or a binary file object (an
    upload, `name` naming it): every line or none, all errors reported."""
    entries = _read_entries(source_of(file, name))
    result = ImportResult()
    with transaction.atomic():
        existing = set(
            CalendarOverride.objects.filter(day__in=[e.day for e in entries]).values_list(
                "day", flat=True
            )
        )
        for entry in entries:
            _save(entry.day, entry.working, entry.note)
            (result.updated if entry.day in existing else result.created).append(entry.day)
            if rule_says(entry.day) == entry.working:
                result.same_as_rule.append(entry.day)
    return result


def _read_entries(source: Source) -> list[_Entry]:
    reader = csv.reader(io.StringIO(_decode(source), newline=""))
    header = next(reader, None)
    if header is None:
        raise FileProblem(
            f"文件为空：{source.name}",
            f"the file is empty: {source.name}",
            code="empty",
            reason="empty",
        )
    columns = _columns(header)
    entries: list[_Entry] = []
    problems: list[Problem] = []
    seen: dict[date, int] = {}
    line = reader.line_num + 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            values = dict(zip(columns, cells, strict=False))
            entry = _entry(line, values, len(cells) > len(columns), seen, problems)
            if entry is not None:
                entries.append(entry)
        line = reader.line_num + 1
    if problems:
        raise ValidationFailed(problems)
    if not entries:
        raise FileProblem(
            f"文件中没有数据行：{source.name}",
            f"the file has no data lines: {source.name}",
            code="no_data_lines",
            reason="no_data_lines",
        )
    return entries


def _decode(source: Source) -> str:
    try:
        data = source.read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        raise FileProblem(
            f"无法读取文件 {source.name}：{reason}",
            f"cannot read {source.name}: {reason}",
            code="unreadable",
            reason="unreadable",
        ) from None
    for codec in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    raise FileProblem(
        f"无法识别文件编码（应为 UTF-8 或 GBK/GB18030）：{source.name}",
        f"unrecognised encoding (expected UTF-8 or GBK/GB18030): {source.name}",
        code="encoding",
        reason="encoding",
    )


def _columns(header: list[str]) -> list[str]:
    names = [cell.strip() for cell in header]
    unknown = [n for n in names if n not in _COLUMNS]
    keys = [_COLUMNS.get(n, n) for n in names]
    missing = [k for k in ("day", "is_working_day", "note") if k not in keys]
    duplicated = sorted({k for k in keys if keys.count(k) > 1})
    if unknown or missing or duplicated:
        raise FileProblem(
            "表头应为 日期,是否工作日,说明（或 day,is_working_day,note）"
            + (f"；未知列：{'、'.join(unknown)}" if unknown else "")
            + (f"；缺少列：{'、'.join(missing)}" if missing else "")
            + (f"；重复列：{'、'.join(duplicated)}" if duplicated else ""),
            "the header must be day,is_working_day,note (or 日期,是否工作日,说明)"
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; repeated: {', '.join(duplicated)}" if duplicated else ""),
            code="bad_header",
            reason="bad_header",
            unknown=unknown,
            missing=missing,
            repeated=duplicated,
        )
    return keys


def _entry(
    line: int,
    values: dict[str, str],
    extra_cells: bool,
    seen: dict[date, int],
    problems: list[Problem],
) -> _Entry | None:
    def problem(name: str, code: str, message: str, message_en: str) -> None:
        problems.append(
            Problem(line, name, code, f"第 {line} 行：{message}", f"line {line}: {message_en}")
        )

    if extra_cells:
        problem("", "extra_cells", "单元格多于表头的列数", "more cells than header columns")
    day: date | None = None
    working: bool | None = None
    note: str | None = None
    try:
        day = parse_day(values.get("day", ""))
    except DomainError as error:
        problem("day", "invalid_date", error.message, error.message_en)
    flag = values.get("is_working_day", "").strip().lower()
    if flag in _YES or flag in _NO:
        working = flag in _YES
    else:
        problem(
            "is_working_day",
            "invalid_flag",
            f"是否工作日应为 1/0、true/false 或 是/否，而不是 {flag!r}",
            f"is_working_day must be 1/0, true/false or 是/否, not {flag!r}",
        )
    text = values.get("note", "")
    try:
        note = checked_note(text)
    except DomainError as error:
        problem("note", error.code, error.message, error.message_en)
    if day is not None and day in seen:
        problem(
            "day",
            "duplicate_day",
            f"{day} 已在第 {seen[day]} 行出现",
            f"{day} already appears on line {seen[day]}",
        )
        return None
    if day is not None:
        seen[day] = line
    if day is None or working is None or note is None or extra_cells:
        return None
    return _Entry(line, day, working, note)


def weekday_zh(day: date) -> str:
    """星期一 … 星期日."""
    return f"星期{WEEKDAYS_ZH[day.weekday()]}"
