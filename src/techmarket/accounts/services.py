"""Writes for agencies and users, with their checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from techmarket.accounts.models import Agency
from techmarket.codes.regions import get_region, is_within
from techmarket.domain.money import FEN, AmountError, parse_amount
from techmarket.domain.numbering import DEFAULT_FORMAT, validate_format
from techmarket.domain.problems import (
    Conflict,
    DomainError,
    NotFound,
    Problem,
    ValidationFailed,
)

_LEVELS = {
    "province": Agency.Level.PROVINCE,
    "city": Agency.Level.CITY,
    "county": Agency.Level.DISTRICT,
}
# The code goes into registration numbers through {agency}: keep it to plain ASCII.
_CODE = re.compile(r"[A-Za-z0-9_-]+")


def save_agency(
    code: str,
    *,
    name: str,
    region: str,
    parent_code: str | None = None,
    number_format: str | None = None,
) -> tuple[Agency, bool]:
    """Create or update an agency; its region must be a real code inside its parent's.

    An update changes only what is passed: without `parent_code` (None) the agency keeps its
    parent ("" makes it top-level), without `number_format` it keeps its format.
    """
    _check_code(code)
    name = _checked_name(name)
    found = get_region(region)
    if found is None:
        raise DomainError(
            f"行政区划代码 {region} 不存在",
            f"{region} is not a GB/T 2260 division code",
            code="region_unknown",
            region=region,
        )
    if found.end_year is not None:
        raise DomainError(
            f"行政区划代码 {region}（{found.name}）已于 {found.end_year} 年停用",
            f"region {region} ({found.name}) is no longer in use since {found.end_year}",
            code="region_abolished",
            region=region,
        )
    if number_format:
        validate_format(number_format)
    with transaction.atomic():
        existing = Agency.objects.select_for_update().filter(code=code).first()
        if existing is not None and region != existing.region_code:
            _refuse_moving(existing, region)
        if parent_code is None:
            parent = existing.parent if existing is not None else None
        else:
            parent = _parent(code, parent_code)
        if parent is not None and not is_within(region, parent.region_code):
            raise DomainError(
                f"辖区 {region} 不在上级机构辖区 {parent.region_code} 内",
                f"region {region} lies outside the parent's {parent.region_code}",
                code="region_outside_parent",
                region=region,
                parent_region=parent.region_code,
            )
        kept_format = existing.number_format if existing is not None else DEFAULT_FORMAT
        number_format = number_format or kept_format
        _refuse_clashing_numbers(code, region, number_format)
        agency = existing if existing is not None else Agency(code=code)
        agency.name = name
        agency.region_code = region
        agency.parent = parent
        agency.level = _LEVELS[found.level]
        agency.number_format = number_format
        agency.save()
    return agency, existing is None


def _check_code(code: str) -> None:
    limit = Agency._meta.get_field("code").max_length
    if not code.strip():
        raise DomainError(
            "机构代码不能为空", "the agency code must not be blank", code="agency_code_blank"
        )
    if not _CODE.fullmatch(code) or len(code) > limit:
        raise DomainError(
            f"机构代码 {code!r} 无效：只能含字母、数字、- 和 _，最长 {limit} 个字符"
            "（代码会通过 {agency} 写进登记编号）",
            f"agency code {code!r} is invalid: use only letters, digits, '-' and '_', at most "
            f"{limit} characters (the code goes into registration numbers through {{agency}})",
            code="agency_code_invalid",
        )


def _checked_name(name: str) -> str:
    limit = Agency._meta.get_field("name").max_length
    name = name.strip()
    if not name:
        raise DomainError(
            "机构名称不能为空", "the agency name must not be blank", code="agency_name_blank"
        )
    if len(name) > limit:
        raise DomainError(
            f"机构名称最长 {limit} 个字符",
            f"the agency name is at most {limit} characters long",
            code="agency_name_too_long",
        )
    return name


def _parent(code: str, parent_code: str) -> Agency | None:
    """The parent named by the caller ("" for none); an agency cannot sit below itself."""
    if not parent_code:
        return None
    parent = Agency.objects.filter(code=parent_code).select_related("parent").first()
    if parent is None:
        raise NotFound(
            f"上级机构 {parent_code} 不存在",
            f"no parent agency {parent_code}",
            code="parent_agency_not_found",
            agency=parent_code,
        )
    ancestor: Agency | None = parent
    seen: set[str] = set()
    while ancestor is not None and ancestor.code not in seen:  # a stored cycle ends the walk
        seen.add(ancestor.code)
        if ancestor.code == code:
            raise DomainError(
                f"机构 {parent_code} 是 {code} 本身或其下级，不能作为它的上级机构",
                f"agency {parent_code} is {code} itself or below it, so it cannot be its parent",
                code="agency_parent_cycle",
            )
        ancestor = ancestor.parent
    return parent


def _refuse_moving(agency: Agency, region: str) -> None:
    """A region holds the agency's children and its contracts' statistics: it cannot move them."""
    # Contracts belong to the registry, a layer above: asked through the reverse relation.
    has_contracts = Agency.objects.filter(pk=agency.pk, contracts__isnull=False).exists()
    has_children = agency.children.exists()
    if not (has_contracts or has_children):
        return
    held = "、".join(w for w, h in (("下级机构", has_children), ("合同", has_contracts)) if h)
    held_en = " and ".join(
        w for w, h in (("child agencies", has_children), ("contracts", has_contracts)) if h
    )
    raise Conflict(
        f"机构 {agency.code} 已有{held}，不能把辖区从 {agency.region_code} 改为 {region}："
        "下级机构会落到上级辖区之外，统计也会随之移动；新辖区请新建一个机构",
        f"agency {agency.code} has {held_en}, so its region cannot change from "
        f"{agency.region_code} to {region}: child agencies would fall outside it and statistics "
        "would move; create a new agency for the new region",
        code="agency_region_in_use",
        agency=agency.code,
    )


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
        raise Conflict(
            f"机构 {clash.code} 与本机构辖区相同且编号格式相同，登记编号会重复；"
            "两个机构须至少有一个使用含 {agency} 的编号格式",
            f"agency {clash.code} has the same region and number format, so numbers would "
            "repeat; one of the two needs a format containing {agency}",
            code="number_format_clash",
            agency=clash.code,
        )


# A review limit longer than a year is a typing mistake, not a policy.
LIMIT_DAYS_MAX = 365
_THRESHOLD = Agency._meta.get_field("large_threshold")
THRESHOLD_MAX = Decimal(10) ** (_THRESHOLD.max_digits - _THRESHOLD.decimal_places) - FEN  # type: ignore[operator]


@dataclass(frozen=True)
class Deadlines:
    """An agency's own review limits and large-contract threshold; None: the rule set's."""

    review_limit_days: int | None
    large_review_limit_days: int | None
    large_threshold: Decimal | None


def parse_deadlines(
    review_limit_days: str, large_review_limit_days: str, large_threshold: str
) -> Deadlines:
    """The limits as a form or a file writes them (blank: the rule set's default); every
    problem is reported at once, each naming its field."""
    problems: list[Problem] = []
    days = [
        _limit_days(text, name, problems)
        for name, text in (
            ("review_limit_days", review_limit_days),
            ("large_review_limit_days", large_review_limit_days),
        )
    ]
    threshold = _threshold(large_threshold, problems)
    if problems:
        raise ValidationFailed(problems)
    return Deadlines(days[0], days[1], threshold)


def _limit_days(text: str, name: str, problems: list[Problem]) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdecimal() or not 1 <= int(text) <= LIMIT_DAYS_MAX:
        problems.append(
            Problem(
                0,
                name,
                "limit_days_invalid",
                f"审查时限应为 1 到 {LIMIT_DAYS_MAX} 之间的整数天数，而不是 {text!r}；"
                "留空则采用认定规则的规定",
                f"a review limit is a whole number of days from 1 to {LIMIT_DAYS_MAX}, not "
                f"{text!r}; leave it blank for the rules' default",
            )
        )
        return None
    return int(text)


def _threshold(text: str, problems: list[Problem]) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    try:
        amount = parse_amount(text)
    except AmountError as error:
        problems.append(
            Problem(
                0, "large_threshold", "large_threshold_invalid", error.message, error.message_en
            )
        )
        return None
    if not 0 < amount <= THRESHOLD_MAX:
        problems.append(
            Problem(
                0,
                "large_threshold",
                "large_threshold_out_of_range",
                f"大额合同标准应大于 0 元、不超过 {THRESHOLD_MAX:,} 元",
                f"the large-contract threshold must be above 0 and at most {THRESHOLD_MAX:,} yuan",
            )
        )
        return None
    return amount


def save_deadlines(code: str, deadlines: Deadlines) -> tuple[Agency, dict[str, tuple[str, str]]]:
    """Set an agency's review limits and threshold; returns it with what changed, as
    field -> (old, new) texts ("" for the rule set's default)."""
    with transaction.atomic():
        agency = Agency.objects.select_for_update().filter(code=code).first()
        if agency is None:
            raise NotFound(
                f"登记机构 {code} 不存在", f"no agency {code}", code="agency_not_found", agency=code
            )
        changed: dict[str, tuple[str, str]] = {}
        for name in ("review_limit_days", "large_review_limit_days", "large_threshold"):
            old, new = getattr(agency, name), getattr(deadlines, name)
            if old != new:
                changed[name] = ("" if old is None else str(old), "" if new is None else str(new))
                setattr(agency, name, new)
        if changed:
            agency.save(update_fields=list(changed))
    return agency, changed
