"""Registration numbers (合同登记编号): the configurable format, and reading a number back."""

from __future__ import annotations

import re
import string
from collections.abc import Callable

from techmarket.domain.problems import DomainError

# 4-digit year + 6-digit GB/T 2260 code of the agency's region + 6-digit serial = 16 digits.
# The national layout is unconfirmed (domain.md §2.1), so each agency may set its own format.
DEFAULT_FORMAT = "{year:04d}{region}{serial:06d}"
_ALLOWED = {"year", "region", "agency", "serial"}


def validate_format(fmt: str) -> None:
    """Refuse a format that could repeat numbers (no serial) or names unknown fields."""
    names = {name for _, name, _, _ in string.Formatter().parse(fmt) if name is not None}
    if "serial" not in names:
        raise DomainError(
            "登记编号格式必须包含 {serial}", "the number format must contain {serial}"
        )
    unknown = names - _ALLOWED
    if unknown:
        raise DomainError(
            f"登记编号格式含未知字段：{', '.join(sorted(unknown))}",
            f"unknown fields in number format: {', '.join(sorted(unknown))}",
        )


def format_number(fmt: str, *, year: int, region: str, agency: str, serial: int) -> str:
    return fmt.format(year=year, region=region, agency=agency, serial=serial)


class _Serial:
    """Formats as a positional field with the serial's spec, so the rest is filled in once."""

    def __format__(self, spec: str) -> str:
        return "{0:" + spec + "}" if spec else "{0}"


def number_formatter(fmt: str, *, year: int, region: str, agency: str) -> Callable[[int], str]:
    """`format_number` for one agency and year as a function of the serial: a migration
    numbers a million contracts, and the year, region and agency are the same for all."""

    def each(serial: int) -> str:
        return format_number(fmt, year=year, region=region, agency=agency, serial=serial)

    # Braces or conversions would not survive being filled in twice: format each number whole.
    if any(c in fmt for c in ("{{", "}}", "!")) or any(c in region + agency for c in "{}"):
        return each
    return format_number(fmt, year=year, region=region, agency=agency, serial=_Serial()).format


def serial_pattern(fmt: str, *, year: int, region: str, agency: str) -> re.Pattern[str]:
    """A regex that matches this agency-year's numbers and captures the serial (for migration)."""
    parts: list[str] = []
    for literal, name, spec, _ in string.Formatter().parse(fmt):
        parts.append(re.escape(literal))
        if name == "serial":
            parts.append(r"(?P<serial>\d+)")
        elif name is not None:
            value = {"year": year, "region": region, "agency": agency}[name]
            parts.append(re.escape(format(value, spec or "")))
    return re.compile("^" + "".join(parts) + "$")
