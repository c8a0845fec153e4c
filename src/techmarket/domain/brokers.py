"""A broker's (技术经纪人) profile as entered: name, fields, regions, certificate, training.

One checker for the command line, pages and the API: every problem is reported at once, each
naming its field, in the shape imports use. Fields are contract-format technology-field codes
(or their names); regions are current GB/T 2260 codes. The track record is not entered here:
it is computed from the broker's leads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from techmarket.codes.lists import code_list
from techmarket.codes.regions import get_region
from techmarket.domain.problems import Problem

NAME_MAX = 100
CERTIFICATE_MAX = 50
COURSE_MAX = 200
ISSUER_MAX = 200
HOURS_MAX = Decimal(2000)
_REGION_SHAPE = re.compile(r"\d{6}")


@dataclass(frozen=True)
class Training:
    """One course a person attended: when, what, how many hours, who issued the record."""

    on: date
    course: str
    hours: Decimal
    issuer: str


@dataclass(frozen=True)
class BrokerRecord:
    name: str
    fields: tuple[str, ...]
    regions: tuple[str, ...]
    certificate_number: str
    organisation: str
    trainings: tuple[Training, ...]


class _Checks:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, field: str, code: str, zh: str, en: str) -> None:
        self.problems.append(Problem(0, field, code, zh, en))

    def text(self, field: str, value: str, limit: int, label_zh: str) -> str:
        value = value.strip()
        if len(value) > limit:
            self.add(
                field,
                f"{field}_too_long",
                f"{label_zh}最长 {limit} 个字符",
                f"{field} is at most {limit} characters long",
            )
        return value

    def fields(self, values: Sequence[str]) -> tuple[str, ...]:
        known = code_list("tech_fields")
        codes: list[str] = []
        for value in values:
            code = known.resolve(value.strip())
            if code is None:
                self.add(
                    "fields",
                    "tech_field_unknown",
                    f"技术领域“{value}”不在代码表中（01–11 或其名称）",
                    f"technology field {value!r} is not in the code list (01–11 or a name)",
                )
            elif code not in codes:
                codes.append(code)
        return tuple(codes)

    def regions(self, values: Sequence[str]) -> tuple[str, ...]:
        codes: list[str] = []
        for value in values:
            code = value.strip()
            region = get_region(code) if _REGION_SHAPE.fullmatch(code) else None
            if region is None:
                self.add(
                    "regions",
                    "region_unknown",
                    f"服务地区“{value}”不是 GB/T 2260 行政区划代码",
                    f"region {value!r} is not a GB/T 2260 division code",
                )
            elif region.end_year is not None:
                successors = "、".join(region.new_codes) or "现行代码"
                self.add(
                    "regions",
                    "region_abolished",
                    f"服务地区 {code}（{region.name}）已于 {region.end_year} 年撤销或变更；"
                    f"请改用 {successors}",
                    f"region {code} ({region.name}) was abolished in {region.end_year}; use "
                    f"{', '.join(region.new_codes) or 'the current code'}",
                )
            elif code not in codes:
                codes.append(code)
        return tuple(codes)

    def training(
        self, index: int, on: str, course: str, hours: str, issuer: str
    ) -> Training | None:
        field = f"trainings[{index}]"
        before = len(self.problems)
        try:
            day = date.fromisoformat(on.strip())
        except ValueError:
            day = None
            self.add(
                field,
                "training_date_invalid",
                f"第 {index + 1} 条培训记录的日期“{on}”应为 YYYY-MM-DD",
                f"training {index + 1}: the date {on!r} must be YYYY-MM-DD",
            )
        try:
            amount = Decimal(hours.strip())
        except InvalidOperation:
            amount = Decimal(-1)
        if not (amount.is_finite() and 0 < amount <= HOURS_MAX):
            self.add(
                field,
                "training_hours_invalid",
                f"第 {index + 1} 条培训记录的学时“{hours}”应为大于 0、不超过 {HOURS_MAX} 的数",
                f"training {index + 1}: hours {hours!r} must be a number above 0 and at most "
                f"{HOURS_MAX}",
            )
        if not course.strip():
            self.add(
                field,
                "training_course_blank",
                f"第 {index + 1} 条培训记录须写明课程名称",
                f"training {index + 1}: the course must be named",
            )
        course = self.text(field, course, COURSE_MAX, "课程名称")
        issuer = self.text(field, issuer, ISSUER_MAX, "发证或培训单位")
        if len(self.problems) > before or day is None:
            return None
        return Training(day, course, amount.quantize(Decimal("0.1")), issuer)


def check_broker(
    *,
    name: str,
    fields: Sequence[str],
    regions: Sequence[str],
    certificate_number: str = "",
    organisation: str = "",
    trainings: Sequence[tuple[str, str, str, str]] = (),
) -> tuple[BrokerRecord | None, list[Problem]]:
    """The checked profile, or None with every problem. A training is (date, course, hours,
    issuer) as written."""
    checks = _Checks()
    if not name.strip():
        checks.add(
            "name", "name_blank", "经纪人姓名不能为空", "the broker's name must not be blank"
        )
    record = BrokerRecord(
        name=checks.text("name", name, NAME_MAX, "姓名"),
        fields=checks.fields(fields),
        regions=checks.regions(regions),
        certificate_number=checks.text(
            "certificate_number", certificate_number, CERTIFICATE_MAX, "证书编号"
        ),
        organisation=checks.text("organisation", organisation, NAME_MAX * 2, "所在机构"),
        trainings=tuple(
            t
            for i, values in enumerate(trainings)
            if (t := checks.training(i, *values)) is not None
        ),
    )
    if checks.problems:
        return None, checks.problems
    return record, []


def parse_training(text: str) -> tuple[str, str, str, str]:
    """`2024-05-10|技术经理人初级培训|32|广东省技术市场协会` as written on a command line or in a
    cell: date, course, hours, issuer (the issuer may be left out)."""
    parts = [part.strip() for part in text.split("|")]
    while len(parts) < 4:
        parts.append("")
    return parts[0], parts[1], parts[2], "|".join(parts[3:])
