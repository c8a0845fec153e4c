"""Issuing registration numbers: unique and gap-free per agency and year, under concurrency."""

from __future__ import annotations

from techmarket.accounts.models import Agency
from techmarket.domain.numbering import (
    format_number,
    number_formatter,
    serial_limit,
    serial_pattern,
)
from techmarket.domain.problems import Conflict
from techmarket.registry.models import NumberCounter


def _locked_counter(agency: Agency, year: int) -> NumberCounter:
    # Insert-if-absent first, so two registrars starting a new year cannot both create the row;
    # then lock it. The lock is held until the caller's transaction commits or rolls back, so a
    # rolled-back registration gives its number back and no gap appears.
    NumberCounter.objects.bulk_create(
        [NumberCounter(agency=agency, year=year, last_serial=0)], ignore_conflicts=True
    )
    return NumberCounter.objects.select_for_update().get(agency=agency, year=year)


def _refuse_overflow(agency: Agency, year: int, last_serial: int) -> None:
    """A serial wider than the format's would break the number's fixed layout."""
    limit = serial_limit(agency.number_format)
    if limit is not None and last_serial > limit:
        raise Conflict(
            f"登记机构 {agency.code} {year} 年的登记编号已用尽（流水号上限 {limit}）；"
            "请加宽编号格式中的 {serial}",
            f"agency {agency.code} has used up its {year} numbers (serial limit {limit}); "
            "widen {serial} in its number format",
            code="registration_numbers_exhausted",
            agency=agency.code,
            year=year,
        )


def issue(agency: Agency, year: int) -> str:
    counter = _locked_counter(agency, year)
    counter.last_serial += 1
    _refuse_overflow(agency, year, counter.last_serial)
    NumberCounter.objects.filter(pk=counter.pk).update(last_serial=counter.last_serial)
    return format_number(
        agency.number_format,
        year=year,
        region=agency.region_code,
        agency=agency.code,
        serial=counter.last_serial,
    )


def issue_many(agency: Agency, year: int, count: int) -> list[str]:
    """A block of consecutive numbers for a bulk migration, in one counter update."""
    counter = _locked_counter(agency, year)
    first = counter.last_serial + 1
    counter.last_serial += count
    _refuse_overflow(agency, year, counter.last_serial)
    NumberCounter.objects.filter(pk=counter.pk).update(last_serial=counter.last_serial)
    number = number_formatter(
        agency.number_format, year=year, region=agency.region_code, agency=agency.code
    )
    return [number(serial) for serial in range(first, first + count)]


def reserve_migrated(agency: Agency, year: int, numbers: list[str]) -> None:
    """Move the counter past migrated numbers in this agency's format so new ones never collide."""
    pattern = serial_pattern(
        agency.number_format, year=year, region=agency.region_code, agency=agency.code
    )
    serials = [int(m["serial"]) for n in numbers if (m := pattern.match(n))]
    if not serials:
        return
    counter = _locked_counter(agency, year)
    if max(serials) > counter.last_serial:
        NumberCounter.objects.filter(pk=counter.pk).update(last_serial=max(serials))


def next_serial(agency: Agency, year: int) -> int:
    """The serial the agency's next number of ``year`` will carry (read only, no lock: a
    preview, which a registration at the same moment may take first)."""
    last = (
        NumberCounter.objects.filter(agency=agency, year=year)
        .values_list("last_serial", flat=True)
        .first()
    )
    return (last or 0) + 1
