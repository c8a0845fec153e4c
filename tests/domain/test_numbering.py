"""Registration-number formats: which are allowed, and the per-migration formatter writes what
format_number writes."""

from __future__ import annotations

import pytest

from techmarket.domain.numbering import (
    DEFAULT_FORMAT,
    format_number,
    number_formatter,
    serial_limit,
    validate_format,
)
from techmarket.domain.problems import DomainError

FORMATS = [
    DEFAULT_FORMAT,
    "{agency}-{year}-{serial:05d}",
    "{{{region}}}{serial}",
    "{year}{serial!s:>8}",
    "X{serial:x}",
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("agency", ["C440100", "A{1}"])
def test_number_formatter_matches_format_number(fmt: str, agency: str) -> None:
    number = number_formatter(fmt, year=2024, region="440100", agency=agency)
    for serial in (1, 42, 999_999, 1_000_000):
        expected = format_number(fmt, year=2024, region="440100", agency=agency, serial=serial)
        assert number(serial) == expected


@pytest.mark.parametrize(
    "fmt",
    [
        "{region}{serial:06d}",  # repeats every year
        "{year}{serial:06d}",  # repeats in every region
        "{year}{region}",  # no serial
        "{year}{region}{serial}{color}",  # unknown field
        "{year{serial}",  # malformed
        "{year}{region}{serial:06d}-{}",  # a positional field nothing fills
    ],
)
def test_a_format_that_could_repeat_numbers_is_refused(fmt: str) -> None:
    with pytest.raises(DomainError):
        validate_format(fmt)


def test_the_default_and_agency_formats_are_accepted() -> None:
    validate_format(DEFAULT_FORMAT)
    validate_format("{year}-{agency}-{serial:05d}")
    assert serial_limit(DEFAULT_FORMAT) == 999_999
    assert serial_limit("{year}{agency}{serial}") is None
