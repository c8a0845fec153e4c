"""Registration-number formats: the per-migration formatter writes what format_number writes."""

from __future__ import annotations

import pytest

from techmarket.domain.numbering import DEFAULT_FORMAT, format_number, number_formatter

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
