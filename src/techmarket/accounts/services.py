"""Writes for agencies and users, with their checks."""

from __future__ import annotations

from django.db import transaction

from techmarket.accounts.models import Agency
from techmarket.codes.regions import get_region, is_within
from techmarket.domain.numbering import DEFAULT_FORMAT, validate_format
from techmarket.domain.problems import DomainError, NotFound

_LEVELS = {
    "province": Agency.Level.PROVINCE,
    "city": Agency.Level.CITY,
    "county": Agency.Level.DISTRICT,
}


def save_agency(
    code: str,
    *,
    name: str,
    region: str,
    parent_code: str | None = None,
    number_format: str | None = None,
) -> tuple[Agency, bool]:
    """Create or update an agency; its region must be a real code inside its parent's."""
    found = get_region(region)
    if found is None or found.end_year is not None:
        raise DomainError(f"行政区划代码 {region} 无效或已停用", f"region {region} is not in use")
    parent = None
    if parent_code:
        parent = Agency.objects.filter(code=parent_code).first()
        if parent is None:
            raise NotFound(f"上级机构 {parent_code} 不存在", f"no parent agency {parent_code}")
        if not is_within(region, parent.region_code):
            raise DomainError(
                f"辖区 {region} 不在上级机构辖区 {parent.region_code} 内",
                f"region {region} lies outside the parent's {parent.region_code}",
            )
    if number_format:
        validate_format(number_format)
    _refuse_clashing_numbers(code, region, number_format or DEFAULT_FORMAT)
    values: dict[str, object] = {
        "name": name,
        "region_code": region,
        "parent": parent,
        "level": _LEVELS[found.level],
    }
    if number_format:
        values["number_format"] = number_format
    with transaction.atomic():
        return Agency.objects.update_or_create(code=code, defaults=values)


def _refuse_clashing_numbers(code: str, region: str, number_format: str) -> None:
    """Two agencies of one region must not both number without {agency}: numbers would repeat."""
    if "{agency" in number_format:
        return
    clash = (
        Agency.objects.filter(region_code=region, number_format=number_format)
        .exclude(code=code)
        .first()
    )
    if clash is not None:
        raise DomainError(
            f"机构 {clash.code} 与本机构辖区相同且编号格式相同，登记编号会重复；"
            "请用含 {agency} 的编号格式（--number-format）",
            f"agency {clash.code} has the same region and number format, so numbers would "
            "repeat; use a format containing {agency}",
        )
