"""Bulk import of contract records: all-or-nothing per file, idempotent, streamed in batches.

A file is read once. Rows are validated and written batch by batch inside one transaction; the
first error stops the writing but not the checking, so every problem is reported, and the
transaction is rolled back at the end. Re-running the same file skips what is already there, by
(seller, external_id) or, without an external_id, by the content fingerprint.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO, NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from techmarket.accounts.models import Agency
from techmarket.codes.regions import is_within
from techmarket.domain.audit import import_payload
from techmarket.domain.canonical_rows import CanonicalRows
from techmarket.domain.numbering import format_number, serial_pattern
from techmarket.domain.problems import DomainError, PermissionDenied, Problem, has_errors
from techmarket.domain.recognition import recognise
from techmarket.domain.record import CleanRow, parse_record
from techmarket.domain.rulesets import RULE_SETS
from techmarket.domain.workflow import REGISTRAR_ROLES, STATUS_LABELS, Role, Status
from techmarket.interchange.readers import RecordSource, open_records
from techmarket.registry import audit, bulk, numbers, rules
from techmarket.registry.actors import Actor
from techmarket.registry.bulk import db_json
from techmarket.registry.models import AuditEvent, Contract
from techmarket.registry.parties import PartyCache, PartyKey, PartyRow, party_row, row_key
from techmarket.registry.pipeline import in_child_processes, share
from techmarket.registry.records import RECORD_KEYS

BATCH_SIZE = 2000
ANALYZE_FIRST = 10_000  # rows written before PostgreSQL's statistics are first refreshed
CHUNK = 500  # rows a checking process hands over at a time
FIRST_RULES_FROM = RULE_SETS[0].effective_from
# SQLite: once an import has written as many rows as the table held before it, and at least
# this many, its non-unique indexes are dropped and rebuilt before commit (`SecondaryIndexes`):
# the rebuild then costs less than inserting the rest of the file into them would. Below this,
# both are too cheap to matter, and small imports stay free of DDL.
DEFER_INDEXES_AFTER = 10_000


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)

    def as_dict(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "created": self.created,
            "skipped": self.skipped,
            "committed": self.committed,
            "problems": [p.as_dict() for p in self.problems],
        }


# Record columns that are NULL, not "", when absent.
_NULLABLE = frozenset({"non_tech_equipment", "non_tech_materials", "non_tech_other"})
_RECORD_VALUES = itemgetter(*RECORD_KEYS)
_NULLABLE_AT = tuple(i for i, key in enumerate(RECORD_KEYS) if key in _NULLABLE)


_FIRST, _SECOND, _THIRD = _NULLABLE_AT


def _has_empty_nullable(values: tuple[str, ...]) -> bool:
    return not (values[_FIRST] and values[_SECOND] and values[_THIRD])


def _nulled(values: tuple[str, ...]) -> tuple[str | None, ...]:
    """The record's columns with NULL, not "", where a nullable one is empty."""
    columns: list[str | None] = list(values)
    for i in _NULLABLE_AT:
        columns[i] = columns[i] or None
    return tuple(columns)


@lru_cache(maxsize=256)
def _flags_json(flags: frozenset[str]) -> str:
    """Risk flags as the JSON list stored with the contract (a handful of combinations)."""
    return db_json(sorted(flags))


class _Checked(NamedTuple):
    """One row after the pure checks, reduced to what the writer needs.

    A named tuple of plain strings, numbers and tuples, so it pickles small and fast when the
    checks run in a second process. `columns` already holds every contract column the writer
    does not fill in itself (id, agency, parties, number: `_WRITER_COLUMNS`), in the order of
    `_CHECKED_COLUMNS`, as the databases accept them.
    """

    row: int
    problems: list[Problem]
    ok: bool = False
    identity: bytes = b""
    agency_code: str = ""
    seller: PartyRow | None = None
    buyer: PartyRow | None = None
    seller_key: PartyKey = ("", "")
    buyer_key: PartyKey = ("", "")
    external_id: str = ""
    fingerprint: str = ""
    registration_number: str = ""
    registered_on: str = ""
    columns: tuple[object, ...] = ()


@dataclass(frozen=True)
class RowContext:
    """What checking a row needs to know about the import beyond the row itself."""

    agency_regions: Mapping[str, str] | None  # None: no agency list (a dry run without one)
    default_agency: str
    today: date
    as_registered: bool = False
    wan_yuan_fields: frozenset[str] = frozenset()
    agencies: Mapping[str, rules.ThresholdHolder] = field(default_factory=dict)  # by code
    jurisdiction: str | None = None  # a region every row's agency must lie in; None: any
    status: str = ""
    now: object = None  # created_at / updated_at, as the database takes it


def _problem(row: int, field_key: str, code: str, zh: str, en: str) -> Problem:
    return Problem(row, field_key, code, zh, en)


def _identity(seller: PartyRow, external_id: str, fingerprint: str) -> bytes:
    """The contract's duplicate identity (`rules.duplicate_identity`) with its seller's, hashed
    small: a file's identities are kept in memory to find a contract repeated in it."""
    who = seller[0] or f"{seller[4]}:{seller[1]}"
    column, value = rules.duplicate_identity(external_id, fingerprint)
    return hashlib.blake2b(f"{column}|{who}|{value}".encode(), digest_size=12).digest()


# What an import makes of a row, by the status an export wrote in it: migrated contracts are
# registered, everything else arrives as a new application. Any other status would be changed
# without a word, so such a row is refused.
_IMPORTED_AS = {True: Status.REGISTERED, False: Status.SUBMITTED}
_STATUSES = frozenset(str(status) for status in Status)


def _registration_problems(
    raw: Mapping[str, object], row: int, as_registered: bool
) -> list[Problem]:
    """Rows whose registration an import would silently drop or change (an export's rows
    carry their status, number and date)."""
    problems: list[Problem] = []
    status = str(raw.get("status") or "").strip()
    target = _IMPORTED_AS[as_registered]
    if status and status not in (target, STATUS_LABELS[target][0]):
        label = STATUS_LABELS[Status(status)][0] if status in _STATUSES else status
        problems.append(
            _problem(
                row,
                "status",
                "status_not_importable",
                f"状态为“{label}”的合同不能这样导入：本次导入只接收"
                f"{'已登记合同的迁移（--as-registered）' if as_registered else '新申请'}；"
                "请删去该行或该列",
                f"a contract whose status is {status} cannot be imported as "
                f"{'a migrated registration' if as_registered else 'a new application'}; "
                "remove the row or the status column",
            )
        )
    if not as_registered and (raw.get("registration_number") or raw.get("registered_on")):
        problems.append(
            _problem(
                row,
                "registration_number" if raw.get("registration_number") else "registered_on",
                "registered_without_migration",
                "该行带有登记编号或登记日期，合同已登记：迁移已登记的合同请使用 --as-registered，"
                "否则登记信息会丢失",
                "this row carries a registration number or date, so it is registered already: "
                "migrate it with --as-registered, or its registration would be lost",
            )
        )
    return problems


def check_rows(
    rows: Iterable[tuple[int, Mapping[str, object]]], context: RowContext
) -> Iterator[_Checked]:
    """Parse and recognise each row against its agency's region; pure, so it can run anywhere.

    Without an agency list (`context.agency_regions` None) every row is checked against the
    whole country.
    """
    as_registered, wan_yuan_fields = context.as_registered, context.wan_yuan_fields
    agency_regions, agencies = context.agency_regions, context.agencies
    jurisdiction = context.jurisdiction
    applied_today = context.today.isoformat()
    # Only clean text in plain yuan can be compared with its canonical form.
    known = None if wan_yuan_fields else CanonicalRows(as_registered=as_registered)
    for row, raw in rows:
        record = known.accept(raw) if known and type(raw) is CleanRow else None
        if record is not None:
            problems: list[Problem] = []
        else:
            record, problems = parse_record(
                raw, row, wan_yuan_fields=wan_yuan_fields, as_registered=as_registered
            )
            if known and record is not None and not problems and type(raw) is CleanRow:
                known.learn(raw, record)
        if raw.get("status") or (
            not as_registered and (raw.get("registration_number") or raw.get("registered_on"))
        ):
            problems += _registration_problems(raw, row, as_registered)
        if record is None:
            yield _Checked(row, problems)
            continue
        code = record.agency_code or context.default_agency
        region = "000000" if agency_regions is None else agency_regions.get(code)
        if region is None:
            problems.append(
                _problem(
                    row,
                    "agency_code",
                    "unknown_agency",
                    f"登记机构代码 {code} 不存在",
                    f"no agency with code {code}",
                )
            )
            yield _Checked(row, problems)
            continue
        if jurisdiction is not None and not is_within(region, jurisdiction):
            problems.append(
                _problem(
                    row,
                    "agency_code",
                    "agency_not_in_jurisdiction",
                    f"登记机构 {code} 不在本登记机构的管辖范围内，不能为其导入合同",
                    f"agency {code} is outside your agency's jurisdiction; "
                    "its contracts cannot be imported here",
                )
            )
            yield _Checked(row, problems)
            continue
        applied_on = record.registered_on if as_registered and record.registered_on else None
        if applied_on and applied_on < FIRST_RULES_FROM:
            problems.append(
                _problem(
                    row,
                    "registered_on",
                    "registered_before_rules",
                    f"登记日期 {applied_on} 早于 {FIRST_RULES_FROM} 施行的《技术合同认定登记管理办法》，"
                    "平台没有更早的认定规则，无法迁移",
                    f"registered_on {applied_on} is before {FIRST_RULES_FROM}, when the first "
                    "recognition rules the platform knows took effect; it cannot be migrated",
                )
            )
            yield _Checked(row, problems)
            continue
        recognition = recognise(
            record, agency_region=region, applied_on=applied_on or context.today
        )
        found = [p.at_row(row) for p in recognition.problems]
        if as_registered:
            # Legacy contracts have long expired; that is no reason to refuse their migration.
            found = [p for p in found if p.code != "contract_expired"]
            if applied_on and applied_on > context.today:
                found.append(
                    _problem(
                        row,
                        "registered_on",
                        "registered_on_in_future",
                        f"登记日期 {applied_on} 晚于今天 {context.today}；迁移的合同须是已登记的",
                        f"registered_on {applied_on} is after today ({context.today}); "
                        "a migrated contract must already be registered",
                    )
                )
        problems += found
        text = record.to_row()
        seller, buyer = party_row(record, "seller"), party_row(record, "buyer")
        values = _RECORD_VALUES(text)
        fingerprint = record.fingerprint()
        flags = frozenset((*recognition.risk_flags, *(p.code for p in found)))
        rule_set = recognition.rule_set
        registered_on = text["registered_on"] or None
        yield _Checked(  # by position: a million keyword calls cost a second
            row,
            problems,
            not has_errors(problems),  # ok
            _identity(seller, record.external_id or "", fingerprint),
            code,
            seller,
            buyer,
            row_key(seller),
            row_key(buyer),
            record.external_id or "",
            fingerprint,
            record.registration_number or "",
            text["registered_on"],
            (
                *(_nulled(values) if _has_empty_nullable(values) else values),
                context.status,
                rule_set.version,
                registered_on or applied_today,  # applied_on
                None,  # accepted_on
                None,  # clock_started_on
                None,  # deadline
                registered_on,  # decided_on
                registered_on,
                rules.is_large(agencies.get(code), record.tech_amount, rule_set),  # is_large
                recognition.vat_exempt,
                recognition.income_tax_transfer,
                _flags_json(flags),  # risk_flags
                "",  # refusal_reason
                "",  # note
                fingerprint,
                1,  # version
                "",  # reviewed_by
                context.now,  # created_at
                context.now,  # updated_at
            ),
        )


def _parties_of(item: _Checked) -> tuple[tuple[PartyKey, PartyRow], ...]:
    if item.seller is None or item.buyer is None:
        return ()
    return ((item.seller_key, item.seller), (item.buyer_key, item.buyer))


class _Repeats:
    """The same contract (seller and external_id or content) or registration number twice in
    one file: a check on the whole file, for imports and dry runs alike."""

    def __init__(self) -> None:
        self.seen: set[bytes] = set()
        self.numbers: set[str] = set()

    def problems(self, item: _Checked) -> list[Problem]:
        if item.identity in self.seen:
            return [
                _problem(
                    item.row,
                    "external_id" if item.external_id else "name",
                    "duplicate_in_file",
                    "文件中重复的合同记录（与前面某行的卖方和合同编号或内容相同）",
                    "duplicate record in this file (same seller and external_id or content)",
                )
            ]
        self.seen.add(item.identity)
        number = item.registration_number
        if number:
            if number in self.numbers:
                return [
                    _problem(
                        item.row,
                        "registration_number",
                        "duplicate_registration_number",
                        f"登记编号 {number} 在文件中重复",
                        f"registration number {number} repeats",
                    )
                ]
            self.numbers.add(number)
        return []


class _Importer:
    def __init__(
        self,
        *,
        agency: Agency,
        actor: Actor,
        now: datetime,
        as_registered: bool,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.default_agency = agency
        self.actor = actor
        self.now = now
        self.today = timezone.localdate(now)
        self.as_registered = as_registered
        self.progress = progress
        self.result = ImportResult()
        self.agencies = {a.code: a for a in Agency.objects.all()}
        self.parties = PartyCache()
        self.repeats = _Repeats()
        self.number_patterns: dict[tuple[str, str], re.Pattern[str]] = {}
        # (agency, year) → serial ranges this import issued, to explain a later collision
        self.issued: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        self.batch: list[_Checked] = []
        self.failed = False  # whether any error was reported: then nothing more is written
        self.written = 0
        self.analyze_at = ANALYZE_FIRST
        self.indexes = bulk.SecondaryIndexes(Contract, AuditEvent)
        self.defer_indexes_at = (
            max(DEFER_INDEXES_AFTER, Contract.objects.count())
            if connection.vendor == "sqlite"
            else None
        )
        self.status = str(Status.REGISTERED if as_registered else Status.SUBMITTED)

    def context(
        self,
        *,
        default_agency: str,
        wan_yuan_fields: frozenset[str] = frozenset(),
        jurisdiction: str | None = None,
    ) -> RowContext:
        """What the checks need to know of this import and its agencies."""
        return RowContext(
            agency_regions={code: a.region_code for code, a in self.agencies.items()},
            default_agency=default_agency,
            today=self.today,
            as_registered=self.as_registered,
            wan_yuan_fields=wan_yuan_fields,
            agencies=self.agencies,
            jurisdiction=jurisdiction,
            status=self.status,
            now=bulk.db_datetime(self.now),
        )

    def report(self, problems: list[Problem]) -> None:
        self.result.problems.extend(problems)
        if not self.failed and has_errors(problems):
            self.failed = True

    def run(self, checked: Iterable[_Checked]) -> None:
        result, progress = self.result, self.progress
        for item in checked:
            result.rows += 1
            if item.problems:
                self.report(item.problems)
            if self._admit(item) and not self.failed:
                self.batch.append(item)
                if len(self.batch) >= BATCH_SIZE:
                    self._flush()
            if progress and result.rows % 1000 == 0:
                progress(1000)
        if not self.failed:
            self._flush()
        if progress:
            progress(result.rows % 1000)

    def _admit(self, item: _Checked) -> bool:
        """Checks that need the whole file or the agency: the same contract or number twice,
        a migrated number its agency would not have issued."""
        if item.seller is None:
            return False
        repeated = self.repeats.problems(item)
        if repeated:
            self.report(repeated)
            return False
        if item.registration_number and not self._number_fits(item):
            self.report([self._misfit_number(item)])
            return False
        return item.ok

    def _misfit_number(self, item: _Checked) -> Problem:
        agency = self.agencies[item.agency_code]
        year = int(item.registered_on[:4])
        example = format_number(
            agency.number_format, year=year, region=agency.region_code, agency=agency.code, serial=1
        )
        number = item.registration_number
        return _problem(
            item.row,
            "registration_number",
            "registration_number_format",
            f"登记编号 {number} 不符合登记机构 {agency.code} {year} 年"
            f"（登记日期所在年份）的编号格式，应形如 {example}",
            f"registration number {number} does not follow agency {agency.code}'s format "
            f"for {year}, the year of registered_on (like {example})",
        )

    def _pattern(self, code: str, year: str) -> re.Pattern[str]:
        """The numbers agency `code` issues in `year`, capturing the serial."""
        pattern = self.number_patterns.get((code, year))
        if pattern is None:
            agency = self.agencies[code]
            pattern = self.number_patterns[(code, year)] = serial_pattern(
                agency.number_format, year=int(year), region=agency.region_code, agency=code
            )
        return pattern

    def _number_fits(self, item: _Checked) -> bool:
        """Whether a migrated number is one its agency would issue in its registration year:
        only then does moving that year's counter past it keep new numbers from colliding."""
        pattern = self._pattern(item.agency_code, item.registered_on[:4])
        return pattern.match(item.registration_number) is not None

    def _issued_here(self, item: _Checked) -> bool:
        """Whether this import itself gave the item's migrated number to an earlier row."""
        key = (item.agency_code, item.registered_on[:4])
        found = self._pattern(*key).match(item.registration_number)
        serial = int(found["serial"]) if found else -1
        return any(first <= serial <= last for first, last in self.issued.get(key, ()))

    def _taken(self, item: _Checked) -> Problem:
        number = item.registration_number
        if self._issued_here(item):
            return _problem(
                item.row,
                "registration_number",
                "registration_number_taken",
                f"登记编号 {number} 已由本次导入分配给前面一条未带编号的合同：请把带编号的行"
                "放在文件前面，或先导入带编号的合同",
                f"registration number {number} was given by this import to an earlier row "
                "without a number: put the numbered rows first, or import them first",
            )
        return _problem(
            item.row,
            "registration_number",
            "registration_number_taken",
            f"登记编号 {number} 已被其他合同使用",
            f"registration number {number} is taken",
        )

    def _flush(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        self.parties.resolve([(key, party) for item in batch for key, party in _parties_of(item)])
        party_ids = self.parties.ids
        sellers = [party_ids[item.seller_key] for item in batch]
        fresh, fresh_sellers = self._drop_existing(batch, sellers)
        if self.failed or not fresh:
            return
        ids = bulk.reserve_ids(Contract, len(fresh))
        numbers_ = self._numbers(fresh) if self.as_registered else [None] * len(fresh)
        agency_ids = {code: agency.pk for code, agency in self.agencies.items()}
        bulk.insert(
            Contract,
            _CONTRACT_COLUMNS,
            [
                (
                    pk,
                    agency_ids[item.agency_code],
                    seller,
                    party_ids[item.buyer_key],
                    number,
                    *item.columns,
                )
                for item, pk, number, seller in zip(
                    fresh, ids, numbers_, fresh_sellers, strict=True
                )
            ],
        )
        audit.append_run(
            [
                (pk, import_payload(item.row, number))
                for item, pk, number in zip(fresh, ids, numbers_, strict=True)
            ],
            actor=self.actor.username,
            action="import",
            from_status="",
            to_status=self.status,
            at=self.now,
        )
        self.result.created += len(fresh)
        self.written += len(fresh)
        if self.written >= self.analyze_at:
            self._refresh_statistics()
        if self.defer_indexes_at is not None and self.written >= self.defer_indexes_at:
            self.defer_indexes_at = None
            self.indexes.drop()

    def _refresh_statistics(self) -> None:
        """Let PostgreSQL's planner see the rows this import has added so far.

        The probe for already-imported rows must use the (seller, external_id) index. Planned
        from statistics taken before the import (or by autovacuum during it, which cannot see
        uncommitted rows), a seller looks like it has two contracts, the plain seller index
        wins, and each probe reads all of a large seller's contracts: measured, three seconds
        per batch a third of the way into a million rows. ANALYZE in this transaction counts
        its own rows; it runs at each doubling, a handful of times per import.
        """
        self.analyze_at = 2 * self.written
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'ANALYZE "{Contract._meta.db_table}"')

    def _existing_keys(
        self, batch: list[_Checked], sellers: list[int]
    ) -> set[tuple[int, str, str]]:
        """(seller, column, value) duplicate identities of this batch that are already stored.

        The pairs join against the table, so each is one probe of the partial unique index
        (whose condition the WHERE repeats word for word, or SQLite will not use it); an `IN`
        on each column separately made SQLite probe every seller × every id.
        """
        found: set[tuple[int, str, str]] = set()
        keys: dict[str, list[tuple[int, str]]] = {column: [] for column in _UNIQUE_WHERE}
        for item, seller in zip(batch, sellers, strict=True):
            column, value = rules.duplicate_identity(item.external_id, item.fingerprint)
            keys[column].append((seller, value))
        for column, condition in _UNIQUE_WHERE.items():
            for start in range(0, len(keys[column]), 500):
                chunk = keys[column][start : start + 500]
                pairs: list[object] = [value for key in chunk for value in key]
                marks = ", ".join(["(CAST(%s AS BIGINT), %s)"] * len(chunk))
                with connection.cursor() as cursor, connection.wrap_database_errors:
                    cursor.cursor.execute(  # the driver's: no query log of 1,000 values
                        f"WITH k(s, v) AS (VALUES {marks}) "
                        f"SELECT c.seller_party_id, c.{column} FROM k JOIN registry_contract c "
                        f"ON c.seller_party_id = k.s AND c.{column} = k.v WHERE {condition}",
                        pairs,
                    )
                    found.update((int(a), column, str(b)) for a, b in cursor.fetchall())
        return found

    def _drop_existing(
        self, batch: list[_Checked], sellers: list[int]
    ) -> tuple[list[_Checked], list[int]]:
        """Skip what an earlier run imported; refuse migrated numbers already in use."""
        existing = self._existing_keys(batch, sellers)
        fresh, fresh_sellers = [], []
        for item, seller in zip(batch, sellers, strict=True):
            if (seller, *rules.duplicate_identity(item.external_id, item.fingerprint)) in existing:
                self.result.skipped += 1
            else:
                fresh.append(item)
                fresh_sellers.append(seller)
        given = [item.registration_number for item in fresh if item.registration_number]
        if given:
            taken = set(
                Contract.objects.filter(registration_number__in=given).values_list(
                    "registration_number", flat=True
                )
            )
            self.report([self._taken(item) for item in fresh if item.registration_number in taken])
        return fresh, fresh_sellers

    def _numbers(self, fresh: list[_Checked]) -> list[str]:
        """Keep migrated numbers (moving the counter past them); number the rest in blocks."""
        result: list[str] = [item.registration_number for item in fresh]
        given: dict[tuple[str, int], list[str]] = defaultdict(list)
        missing: dict[tuple[str, int], list[int]] = defaultdict(list)
        for index, item in enumerate(fresh):
            key = (item.agency_code, int(item.registered_on[:4]))
            if item.registration_number:
                given[key].append(item.registration_number)
            else:
                missing[key].append(index)
        for (code, year), taken in given.items():
            numbers.reserve_migrated(self.agencies[code], year, taken)
        for (code, year), indexes in missing.items():
            issued = numbers.issue_many(self.agencies[code], year, len(indexes))
            for index, number in zip(indexes, issued, strict=True):
                result[index] = number
            pattern = self._pattern(code, str(year))
            first, last = (pattern.match(issued[i]) for i in (0, -1))
            if first and last:
                self.issued[(code, str(year))].append((int(first["serial"]), int(last["serial"])))
        return result


# The SQL conditions of the partial unique indexes on each duplicate-identity column
# (`rules.WITH_EXTERNAL_ID`, `rules.WITHOUT_EXTERNAL_ID`), as a probe must repeat them.
_UNIQUE_WHERE = {"external_id": "NOT (c.external_id = '')", "fingerprint": "c.external_id = ''"}

# The contract columns: those the writer fills in, then those the checks prepared (`columns`).
_WRITER_COLUMNS = ("id", "agency_id", "seller_party_id", "buyer_party_id", "registration_number")
_CHECKED_COLUMNS: tuple[str, ...] = (
    *RECORD_KEYS,
    "status",
    "rule_set",
    "applied_on",
    "accepted_on",
    "clock_started_on",
    "deadline",
    "decided_on",
    "registered_on",
    "is_large",
    "vat_exempt",
    "income_tax_transfer",
    "risk_flags",
    "refusal_reason",
    "note",
    "fingerprint",
    "version",
    "reviewed_by",
    "created_at",
    "updated_at",
)
_CONTRACT_COLUMNS = (*_WRITER_COLUMNS, *_CHECKED_COLUMNS)


def check_columns(
    writer: tuple[str, ...], checked: tuple[str, ...], model: tuple[str, ...]
) -> None:
    """Refuse to run when the columns the checks prepare are not the model's, in its order.

    The checks hand over each row's values by position: two swapped names here (say
    `vat_exempt` and `income_tax_transfer`, both booleans) would store every contract's flags
    the wrong way round without an error. Comparing the order, not just the names, with the
    model's fields catches that; the differential test catches a value put in the wrong place.
    """
    if (
        len(set(writer)) != len(writer)
        or set(writer) - set(model)
        or checked != tuple(c for c in model if c not in writer)
    ):
        raise RuntimeError(
            "the importer's contract columns no longer match the Contract model's fields, "
            "in name or in order"
        )


check_columns(
    _WRITER_COLUMNS, _CHECKED_COLUMNS, tuple(f.column for f in Contract._meta.concrete_fields)
)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: an import makes millions of acyclic temporaries."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


Rows = Iterable[tuple[int, Mapping[str, object]]]
Source = Path | BinaryIO | Rows


def _ensure_importer(actor: Actor) -> None:
    """Refuse anyone but the operator and an agency's registrar or administrator."""
    if actor.role is not Role.OPERATOR and (
        actor.role not in REGISTRAR_ROLES or actor.agency is None
    ):
        raise PermissionDenied(
            "只有登记机构的登记员或机构管理员可以导入合同",
            "only an agency's registrar or administrator may import contracts",
            code="import_not_allowed",
            role=str(actor.role),
        )


def _may_import(actor: Actor, agency: Agency) -> str | None:
    """Refuse an actor who may not import into `agency`; the region every row's agency must
    lie in (None: anywhere, for the operator)."""
    if actor.role is Role.OPERATOR:
        return None
    _ensure_importer(actor)
    assert actor.agency is not None
    if agency.pk != actor.agency.pk:
        raise PermissionDenied(
            f"只能向本登记机构导入合同，不能向 {agency.code} 导入",
            f"you may import only into your own agency, not into {agency.code}",
            code="import_not_own_agency",
            agency=agency.code,
        )
    return actor.agency.region_code


def _target(actor: Actor, agency: Agency | None) -> Agency:
    """The agency an import registers with: the one named, else the actor's own."""
    target = agency or actor.agency
    if target is None:
        raise DomainError(
            "没有指定导入合同的登记机构",
            "no registering agency was given for the import",
            code="import_agency_required",
        )
    return target


def import_target(actor: Actor, agency: Agency | None = None) -> Agency:
    """The agency `actor` would import into (the one named, else their own), refused exactly
    as `import_records` refuses it: for a check before the import itself runs (a queued job)."""
    _ensure_importer(actor)  # first: a seller has no agency to name, and is told why
    target = _target(actor, agency)
    _may_import(actor, target)
    return target


@contextmanager
def _rows_of(source: Source, name: str | None) -> Iterator[Rows]:
    """The rows of a path, of an uploaded binary file (read as a file named `name`), or rows
    given as they are. The readers take an upload as it is (`interchange.sources`), so it is
    neither copied nor read into memory here."""
    if isinstance(source, str | os.PathLike):
        yield open_records(Path(source))
    elif hasattr(source, "read"):
        yield open_records(source, name=name or getattr(source, "name", None))  # type: ignore[arg-type]
    else:
        yield source


def _wan_yuan(rows: Rows, given: frozenset[str] | None) -> frozenset[str]:
    """The columns given in 万元: as the caller says, else as the file's headers say."""
    if given is not None:
        return given
    return rows.wan_yuan_fields if isinstance(rows, RecordSource) else frozenset()


def import_records(
    source: Source,
    *,
    name: str | None = None,
    agency: Agency | None = None,
    actor: Actor,
    now: datetime,
    wan_yuan_fields: frozenset[str] | None = None,
    as_registered: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    parallel: bool = False,
) -> ImportResult:
    """Import a file (a path, or a binary file object named `name`) or rows (row number, raw
    record) for `agency` (default: the actor's); nothing is written if any row fails.

    The operator imports into any agency; an agency's registrar or administrator only into
    their own, and, migrating registered contracts, only rows whose agency lies in their
    jurisdiction. With `parallel`, rows are checked in two forked processes while this one
    writes.
    """
    agency = _target(actor, agency)
    jurisdiction = _may_import(actor, agency)  # `import_target` refuses the same way
    with _rows_of(source, name) as rows:
        return _import(
            rows,
            agency=agency,
            actor=actor,
            now=now,
            jurisdiction=jurisdiction,
            wan_yuan_fields=_wan_yuan(rows, wan_yuan_fields),
            as_registered=as_registered,
            dry_run=dry_run,
            progress=progress,
            parallel=parallel,
        )


def _import(
    rows: Rows,
    *,
    agency: Agency,
    actor: Actor,
    now: datetime,
    jurisdiction: str | None,
    wan_yuan_fields: frozenset[str],
    as_registered: bool,
    dry_run: bool,
    progress: Callable[[int], None] | None,
    parallel: bool,
) -> ImportResult:
    importer = _Importer(
        agency=agency, actor=actor, now=now, as_registered=as_registered, progress=progress
    )
    context = importer.context(
        default_agency=agency.code, wan_yuan_fields=wan_yuan_fields, jurisdiction=jurisdiction
    )

    def checked(rows: Rows) -> Iterator[_Checked]:
        return check_rows(rows, context)

    def checked_share(worker: int, workers: int) -> Iterator[_Checked]:
        if isinstance(rows, RecordSource):  # the reader can skip other workers' rows
            return checked(rows.share(worker, workers, CHUNK))
        return checked(share(rows, worker, workers, CHUNK))

    with (
        bulk.large_write_cache(),
        _collector_paused(),
        bulk.references_checked_per_statement(),
        transaction.atomic(),
    ):
        bulk.check_references_now()
        importer.run(in_child_processes(checked_share, chunk=CHUNK) if parallel else checked(rows))
        result = importer.result
        if not result.ok:
            result.created = 0
            transaction.set_rollback(True)
        elif dry_run:
            transaction.set_rollback(True)
        else:
            importer.indexes.restore()  # a rollback brings them back by itself
            if importer.written >= ANALYZE_FIRST:
                bulk.analyze_on_sqlite(Contract)
            result.committed = True
    return result


def validate_records(
    source: Source,
    *,
    name: str | None = None,
    wan_yuan_fields: frozenset[str] | None = None,
    today: date,
    as_registered: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Check a file (or rows) without a database: the record rules and recognition, nothing
    written. No agency, so no jurisdiction either: checking a file for an agency, as someone,
    is `import_records(..., dry_run=True)`."""
    result = ImportResult()
    with _rows_of(source, name) as rows:
        context = RowContext(
            agency_regions=None,
            default_agency="",
            today=today,
            as_registered=as_registered,
            wan_yuan_fields=_wan_yuan(rows, wan_yuan_fields),
        )
        repeats = _Repeats()
        for item in check_rows(rows, context):
            result.rows += 1
            result.problems.extend(item.problems)
            if item.seller is not None:
                result.problems.extend(repeats.problems(item))
            if progress and result.rows % 1000 == 0:
                progress(1000)
    if progress:
        progress(result.rows % 1000)
    return result
