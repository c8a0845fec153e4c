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
    """Refuse a format that could repeat numbers or names unknown fields.

    Serials restart each year and each agency counts its own, so a number must hold the
    serial, the year, and the agency or its region; two agencies of one region are told
    apart by `{agency}` (checked where agencies are saved).
    """
    try:
        fields = [
            (name, spec) for _, name, spec, _ in string.Formatter().parse(fmt) if name is not None
        ]
    except ValueError as error:
        raise DomainError(
            f"登记编号格式无效：{error}",
            f"the number format is malformed: {error}",
            code="number_format_malformed",
        ) from None
    names = {name for name, _ in fields}
    missing = [f"{{{n}}}" for n in ("serial", "year") if n not in names]
    if not names & {"region", "agency"}:
        missing.append("{region} 或 {agency}")
    if missing:
        raise DomainError(
            f"登记编号格式必须包含 {'、'.join(missing)}，否则不同年份或不同机构的编号会重复",
            f"the number format must contain {', '.join(missing).replace(' 或 ', ' or ')}: "
            "otherwise numbers of different years or agencies repeat",
            code="number_format_incomplete",
        )
    unknown = names - _ALLOWED
    if unknown:
        raise DomainError(
            f"登记编号格式含未知字段：{', '.join(sorted(n or '{}' for n in unknown))}",
            f"unknown fields in number format: {', '.join(sorted(n or '{}' for n in unknown))}",
            code="number_format_unknown_field",
        )


def serial_limit(fmt: str) -> int | None:
    """The largest serial the format writes in its fixed width ({serial:06d}: 999999), or
    None when the serial has no width. A longer serial would change the number's layout."""
    for _, name, spec, _ in string.Formatter().parse(fmt):
        if name == "serial":
            width = re.match(r"0?(\d+)d?$", spec or "")
            return 10 ** int(width.group(1)) - 1 if width else None
    return None


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
            limit = serial_limit(fmt)
            digits = f"{{{len(str(limit))}}}" if limit and (spec or "").startswith("0") else "+"
            parts.append(rf"(?P<serial>\d{digits})")
        elif name is not None:
            value = {"year": year, "region": region, "agency": agency}[name]
            parts.append(re.escape(format(value, spec or "")))
    return re.compile("^" + "".join(parts) + "$")
