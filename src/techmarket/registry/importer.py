"""Bulk import of contract records: all-or-nothing per file, idempotent, streamed in batches.

A file is read once. Rows are validated and written batch by batch inside one transaction; the
first error stops the writing but not the checking, so every problem is reported, and the
transaction is rolled back at the end. Re-running the same file skips what is already there, by
(seller, external_id) or, without an external_id, by the content fingerprint.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from techmarket.accounts.models import Agency
from techmarket.domain.problems import Problem, has_errors
from techmarket.domain.recognition import recognise
from techmarket.domain.record import ContractRecord, parse_record
from techmarket.domain.workflow import Status
from techmarket.registry import audit, bulk, numbers
from techmarket.registry.actors import Actor
from techmarket.registry.bulk import db_json
from techmarket.registry.models import Contract
from techmarket.registry.parties import PartyCache
from techmarket.registry.pipeline import in_child_process
from techmarket.registry.records import contract_fields

BATCH_SIZE = 2000


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


@dataclass
class _Pending:
    row: int
    record: ContractRecord
    agency: Agency
    rule_set: str
    is_large: bool
    vat_exempt: bool
    income_tax_transfer: bool
    risk_flags: list[str]


def _problem(row: int, field_key: str, code: str, zh: str, en: str) -> Problem:
    return Problem(row, field_key, code, zh, en)


def _identity(record: ContractRecord) -> bytes:
    seller = record.seller_id or f"{record.seller_country}:{record.seller_name}"
    key = (
        f"x|{seller}|{record.external_id}"
        if record.external_id
        else (f"f|{seller}|{record.fingerprint()}")
    )
    return hashlib.blake2b(key.encode(), digest_size=12).digest()


@dataclass(frozen=True)
class _Checked:
    """One row after the pure checks (record rules and recognition): picklable, no database."""

    row: int
    record: ContractRecord | None
    problems: list[Problem]
    agency_code: str | None = None
    rule_set: str = ""
    rule_threshold: Decimal = Decimal(0)
    vat_exempt: bool = False
    income_tax_transfer: bool = False
    risk_flags: tuple[str, ...] = ()


def check_rows(
    rows: Iterable[tuple[int, Mapping[str, object]]],
    *,
    wan_yuan_fields: frozenset[str],
    as_registered: bool,
    agency_regions: Mapping[str, str] | None,
    default_agency: str,
    today: date,
) -> Iterator[_Checked]:
    """Parse and recognise each row against its agency's region; pure, so it can run anywhere.

    `agency_regions` None: no agency list to check against (a dry run without a database);
    every row is then checked against the default agency's region.
    """
    for row, raw in rows:
        record, problems = parse_record(
            raw, row, wan_yuan_fields=wan_yuan_fields, as_registered=as_registered
        )
        if record is None:
            yield _Checked(row, None, problems)
            continue
        record.fingerprint()  # computed here (maybe in the parsing process) and cached on it
        code = record.agency_code or default_agency
        if agency_regions is None:
            code, agency_regions = default_agency, {default_agency: "000000"}
        if code not in agency_regions:
            problems.append(
                _problem(
                    row,
                    "agency_code",
                    "unknown_agency",
                    f"登记机构代码 {code} 不存在",
                    f"no agency with code {code}",
                )
            )
            yield _Checked(row, record, problems)
            continue
        applied_on = record.registered_on if as_registered and record.registered_on else today
        recognition = recognise(record, agency_region=agency_regions[code], applied_on=applied_on)
        found = [p.at_row(row) for p in recognition.problems]
        if as_registered:
            # Legacy contracts have long expired; that is no reason to refuse their migration.
            found = [p for p in found if p.code != "contract_expired"]
        yield _Checked(
            row,
            record,
            problems + found,
            code,
            recognition.rule_set.version,
            recognition.rule_set.large_threshold,
            recognition.vat_exempt,
            recognition.income_tax_transfer,
            tuple(sorted({*recognition.risk_flags, *(p.code for p in found)})),
        )


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
        self.seen: set[bytes] = set()
        self.seen_numbers: set[str] = set()
        self.batch: list[_Pending] = []
        self.db_now = bulk.db_datetime(now)

    def run(self, checked: Iterable[_Checked]) -> None:
        for item in checked:
            self.result.rows += 1
            self.result.problems.extend(item.problems)
            pending = self._admit(item)
            if pending is not None and self.result.ok:
                self.batch.append(pending)
                if len(self.batch) >= BATCH_SIZE:
                    self._flush()
            if self.progress and self.result.rows % 1000 == 0:
                self.progress(1000)
        if self.result.ok:
            self._flush()
        if self.progress:
            self.progress(self.result.rows % 1000)

    def _admit(self, item: _Checked) -> _Pending | None:
        """Checks that need the whole file or the database: duplicates and the agency."""
        record, row = item.record, item.row
        if record is None:
            return None
        identity = _identity(record)
        if identity in self.seen:
            self.result.problems.append(
                _problem(
                    row,
                    "external_id" if record.external_id else "name",
                    "duplicate_in_file",
                    "文件中重复的合同记录（与前面某行的卖方和合同编号或内容相同）",
                    "duplicate record in this file (same seller and external_id or content)",
                )
            )
            return None
        self.seen.add(identity)
        number = record.registration_number
        if number:
            if number in self.seen_numbers:
                self.result.problems.append(
                    _problem(
                        row,
                        "registration_number",
                        "duplicate_registration_number",
                        f"登记编号 {number} 在文件中重复",
                        f"registration number {number} repeats",
                    )
                )
                return None
            self.seen_numbers.add(number)
        if item.agency_code is None or has_errors(item.problems):
            return None
        agency = self.agencies[item.agency_code]
        return _Pending(
            row,
            record,
            agency,
            item.rule_set,
            record.tech_amount >= agency.threshold(item.rule_threshold),
            item.vat_exempt,
            item.income_tax_transfer,
            list(item.risk_flags),
        )

    def _flush(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        self.parties.resolve([p.record for p in batch])
        fresh = self._drop_existing(batch)
        if not self.result.ok or not fresh:
            return
        ids = bulk.reserve_ids(Contract, len(fresh))
        contracts = [self._contract(p, pk) for p, pk in zip(fresh, ids, strict=True)]
        if self.as_registered:
            self._number(contracts, fresh)
        insert_contracts(contracts)
        audit.append(
            audit.PendingEvent(
                int(c["id"]),
                self.actor.username,
                "import",
                "",
                str(c["status"]),
                self.now,
                {"row": str(p.row), "registration_number": str(c["registration_number"])}
                if c["registration_number"]
                else {"row": str(p.row)},
            )
            for c, p in zip(contracts, fresh, strict=True)
        )
        self.result.created += len(contracts)

    def _drop_existing(self, batch: list[_Pending]) -> list[_Pending]:
        seller_ids = {self.parties.id_for(p.record, "seller") for p in batch}
        existing_ext = set(
            Contract.objects.filter(
                seller_party_id__in=seller_ids,
                external_id__in={p.record.external_id for p in batch if p.record.external_id},
            ).values_list("seller_party_id", "external_id")
        )
        existing_fp = set(
            Contract.objects.filter(
                seller_party_id__in=seller_ids,
                external_id="",
                fingerprint__in={p.record.fingerprint() for p in batch if not p.record.external_id},
            ).values_list("seller_party_id", "fingerprint")
        )
        fresh = []
        for pending in batch:
            seller = self.parties.id_for(pending.record, "seller")
            record = pending.record
            key = (
                (seller, record.external_id)
                if record.external_id
                else (seller, record.fingerprint())
            )
            if key in (existing_ext if record.external_id else existing_fp):
                self.result.skipped += 1
            else:
                fresh.append(pending)
        numbers_given = [
            p.record.registration_number for p in fresh if p.record.registration_number
        ]
        if numbers_given:
            taken = set(
                Contract.objects.filter(registration_number__in=numbers_given).values_list(
                    "registration_number", flat=True
                )
            )
            for pending in fresh:
                if pending.record.registration_number in taken:
                    self.result.problems.append(
                        _problem(
                            pending.row,
                            "registration_number",
                            "registration_number_taken",
                            f"登记编号 {pending.record.registration_number} 已被其他合同使用",
                            f"registration number {pending.record.registration_number} is taken",
                        )
                    )
        return fresh

    def _contract(self, pending: _Pending, pk: int) -> dict[str, object]:
        """The new contract's column values, database-ready, for one executemany."""
        record = pending.record
        registered = self.as_registered
        values: dict[str, object] = {
            "id": pk,
            "agency_id": pending.agency.pk,
            "seller_party_id": self.parties.id_for(record, "seller"),
            "buyer_party_id": self.parties.id_for(record, "buyer"),
            "fingerprint": record.fingerprint(),
            "status": str(Status.REGISTERED if registered else Status.SUBMITTED),
            "rule_set": pending.rule_set,
            "applied_on": record.registered_on if registered else self.today,
            "accepted_on": None,
            "clock_started_on": None,
            "deadline": None,
            "registration_number": record.registration_number or None,
            "registered_on": record.registered_on if registered else None,
            "decided_on": record.registered_on if registered else None,
            "is_large": pending.is_large,
            "vat_exempt": pending.vat_exempt,
            "income_tax_transfer": pending.income_tax_transfer,
            "risk_flags": db_json(pending.risk_flags),
            "refusal_reason": "",
            "note": "",
            "version": 1,
            "reviewed_by": "",
            "created_at": self.db_now,
            "updated_at": self.db_now,
        }
        values.update(contract_fields(record))
        return values

    def _number(self, contracts: list[dict[str, object]], pending: list[_Pending]) -> None:
        """Keep migrated numbers (moving the counter past them); number the rest in blocks."""
        given: dict[tuple[str, int], list[str]] = defaultdict(list)
        missing: dict[tuple[str, int], list[dict[str, object]]] = defaultdict(list)
        agencies = {p.agency.code: p.agency for p in pending}
        for values, item in zip(contracts, pending, strict=True):
            key = (item.agency.code, (item.record.registered_on or self.today).year)
            if values["registration_number"]:
                given[key].append(str(values["registration_number"]))
            else:
                missing[key].append(values)
        for (code, year), taken in given.items():
            numbers.reserve_migrated(agencies[code], year, taken)
        for (code, year), group in missing.items():
            issued = numbers.issue_many(agencies[code], year, len(group))
            for values, number in zip(group, issued, strict=True):
                values["registration_number"] = number


def import_records(
    rows: Iterable[tuple[int, Mapping[str, object]]],
    *,
    agency: Agency,
    actor: Actor,
    now: datetime,
    wan_yuan_fields: frozenset[str] = frozenset(),
    as_registered: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    parallel: bool = False,
) -> ImportResult:
    """Import rows (row number, raw record) for `agency`; nothing is written if any row fails.

    With `parallel`, rows are parsed and checked in a forked process while this one writes.
    """
    importer = _Importer(
        agency=agency, actor=actor, now=now, as_registered=as_registered, progress=progress
    )
    regions = {code: a.region_code for code, a in importer.agencies.items()}

    def checked() -> Iterator[_Checked]:
        return check_rows(
            rows,
            wan_yuan_fields=wan_yuan_fields,
            as_registered=as_registered,
            agency_regions=regions,
            default_agency=agency.code,
            today=importer.today,
        )

    with transaction.atomic():
        importer.run(in_child_process(checked) if parallel else checked())
        result = importer.result
        if not result.ok:
            result.created = 0
            transaction.set_rollback(True)
        elif dry_run:
            transaction.set_rollback(True)
        else:
            result.committed = True
    return result


def validate_records(
    rows: Iterable[tuple[int, Mapping[str, object]]],
    *,
    wan_yuan_fields: frozenset[str] = frozenset(),
    today: date,
    as_registered: bool = False,
) -> ImportResult:
    """Check a file without a database: the record rules and recognition, nothing written."""
    result = ImportResult()
    for item in check_rows(
        rows,
        wan_yuan_fields=wan_yuan_fields,
        as_registered=as_registered,
        agency_regions=None,
        default_agency="",
        today=today,
    ):
        result.rows += 1
        result.problems.extend(item.problems)
    return result


_CONTRACT_COLUMNS: tuple[str, ...] = tuple(f.column for f in Contract._meta.concrete_fields)


def insert_contracts(contracts: list[dict[str, object]]) -> None:
    bulk.insert(
        Contract,
        _CONTRACT_COLUMNS,
        [tuple(values[c] for c in _CONTRACT_COLUMNS) for values in contracts],
    )
