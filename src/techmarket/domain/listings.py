"""Achievement and demand listings (科技成果 / 技术需求, domain.md §6): their fields and the one
parser that turns raw input (a file row, a form, JSON) into a checked listing record.

Imports and services both call `parse_listing`, so a file and a page report the same problems in
the same words (the shape of contract problems: row, field, code, Chinese and English message).
Only `external_id`, `title` and `summary` are required; every other field is checked when given.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from techmarket.codes.lists import code_list
from techmarket.codes.regions import get_region
from techmarket.domain.dates import DateError, parse_date
from techmarket.domain.fields import Field, FieldTable
from techmarket.domain.identifiers import (
    check_patent_number,
    check_uscc,
    normalise_party_id,
    normalise_patent_number,
    split_patent_numbers,
)
from techmarket.domain.money import AmountError, format_yuan, parse_amount
from techmarket.domain.problems import Problem
from techmarket.domain.record import cell_text

Kind = Literal["achievement", "demand"]
KINDS: tuple[Kind, ...] = ("achievement", "demand")
KIND_LABELS: dict[str, tuple[str, str]] = {
    "achievement": ("科技成果", "achievement"),
    "demand": ("技术需求", "demand"),
}
NEGOTIABLE = "面议"
_NEGOTIABLE_SPELLINGS = frozenset({"面议", "议价", "negotiable"})
TITLE_MIN, TITLE_MAX = 2, 200
LONG_TEXT_MAX = 4000
TRL_MIN, TRL_MAX = 1, 9

STATUS_FIELD = Field("status", "状态", "text")

ACHIEVEMENT_FIELDS: tuple[Field, ...] = (
    Field("external_id", "成果编号", "text", required=True),
    Field("title", "成果名称", "text", required=True),
    Field("summary", "摘要", "text", required=True),
    Field("indicators", "技术指标", "text"),
    Field("tech_field", "技术领域", "code"),
    Field("industry", "应用行业", "text"),
    Field("maturity", "成熟度", "code"),
    Field("trl", "技术就绪度", "code"),
    Field("ip_type", "知识产权类型", "code"),
    Field("patent_numbers", "专利号", "list"),
    Field("transfer_modes", "转化方式", "list"),
    Field("price", "价格(元)", "amount"),
    Field("holder_name", "持有单位", "text"),
    Field("holder_id", "持有单位证件号", "text"),
    Field("holder_type", "持有人类型", "code"),
    Field("region", "所在地区", "code"),
    Field("contact", "联系方式", "text"),
    Field("valid_until", "有效期至", "date"),
)

DEMAND_FIELDS: tuple[Field, ...] = (
    Field("external_id", "需求编号", "text", required=True),
    Field("title", "需求名称", "text", required=True),
    Field("summary", "摘要", "text", required=True),
    Field("indicators", "目标指标", "text"),
    Field("conditions", "现有条件", "text"),
    Field("tech_field", "技术领域", "code"),
    Field("industry", "所属行业", "text"),
    # The least mature achievement the company can take up (a maturity code): matching leaves
    # out achievements at an earlier stage.
    Field("stage_needed", "所需成熟度", "code"),
    Field("budget", "预算(元)", "amount"),
    Field("cooperation_modes", "合作方式", "list"),
    Field("company_name", "需求单位", "text"),
    Field("company_id", "需求单位证件号", "text"),
    Field("company_type", "企业类型", "code"),
    Field("region", "所在地区", "code"),
    Field("contact", "联系方式", "text"),
    Field("deadline", "截止日期", "date"),
)

_COMMON_ALIASES = {
    "编号": "external_id",
    "外部编号": "external_id",
    "标题": "title",
    "名称": "title",
    "简介": "summary",
    "地区": "region",
    "行政区划代码": "region",
    "联系人": "contact",
    "行业": "industry",
}
TABLES: dict[str, FieldTable] = {
    "achievement": FieldTable(
        "achievements",
        (*ACHIEVEMENT_FIELDS, STATUS_FIELD),
        ("成果", "achievements"),
        aliases={
            **_COMMON_ALIASES,
            "成果简介": "summary",
            "TRL": "trl",
            "交易方式": "transfer_modes",
            "合作方式": "transfer_modes",
            "价格": "price",
            "持有人": "holder_name",
            "成果持有人": "holder_name",
            "有效期": "valid_until",
        },
        listed_keys=tuple(f.key for f in ACHIEVEMENT_FIELDS),
    ),
    "demand": FieldTable(
        "demands",
        (*DEMAND_FIELDS, STATUS_FIELD),
        ("需求", "demands"),
        aliases={
            **_COMMON_ALIASES,
            "需求描述": "summary",
            "问题描述": "summary",
            "技术指标": "indicators",
            "现有基础": "conditions",
            "应用行业": "industry",
            "预算": "budget",
            "预算金额": "budget",
            "企业名称": "company_name",
            "截止时间": "deadline",
            "成熟度要求": "stage_needed",
            "所需阶段": "stage_needed",
        },
        listed_keys=tuple(f.key for f in DEMAND_FIELDS),
    ),
}
FIELDS: dict[str, tuple[Field, ...]] = {"achievement": ACHIEVEMENT_FIELDS, "demand": DEMAND_FIELDS}
# What exports write and imports read back: the record and the listing's status.
EXPORT_KEYS: dict[str, tuple[str, ...]] = {
    kind: (*(f.key for f in fields), "status") for kind, fields in FIELDS.items()
}

# Code fields and the code list each resolves against (codes/data).
CODE_LISTS: dict[str, str] = {
    "tech_field": "tech_fields",
    "maturity": "listing_maturities",
    "stage_needed": "listing_maturities",
    "ip_type": "ip_types",
    "holder_type": "listing_holder_types",
    "company_type": "listing_company_types",
}
# List fields of codes (several may be given, separated like patent numbers).
MODE_LISTS: dict[str, str] = {
    "transfer_modes": "listing_transfer_modes",
    "cooperation_modes": "listing_cooperation_modes",
}
_REGION_SHAPE = re.compile(r"\d{6}", re.ASCII)
_RANGE_SEPARATORS = re.compile(r"\s*(?:~|～|至|到|—|–|-)\s*")
_CANONICAL_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def kind_of(name: str) -> Kind:
    """ "achievements" or "demands" (a file or a command's word) as a kind; ValueError if neither."""
    singular = name.strip().lower().removesuffix("s")
    if singular not in KINDS:
        raise ValueError(name)
    return singular  # type: ignore[return-value]


@dataclass(frozen=True)
class ListingRecord:
    """A checked listing in canonical form: codes, dates, exact amounts, tuples of codes.

    `values` holds every field of the kind (None or () where not given), plus, for an
    achievement, `price_negotiable` and, for a demand, `budget_min`, `budget_max` and
    `budget_negotiable` in place of the `price` / `budget` cell.
    """

    kind: Kind
    values: Mapping[str, object]

    def __getitem__(self, key: str) -> object:
        return self.values[key]

    @property
    def external_id(self) -> str:
        return str(self.values["external_id"])

    def to_row(self) -> dict[str, str]:
        """Canonical strings under the file keys ("" where absent): what an export writes."""
        return canonical_row(self.kind, self.values)

    def fingerprint(self) -> str:
        """sha256 of the canonical row: a re-imported listing with this value changed nothing."""
        text = _CANONICAL_JSON.encode(self.to_row())
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_row(kind: Kind, values: Mapping[str, object]) -> dict[str, str]:
    """The file texts of a listing's typed values (a record's, or a stored listing's)."""
    row: dict[str, str] = {}
    for field in FIELDS[kind]:
        value = values.get(field.key)
        if field.key == "price":
            row["price"] = _price_text(values.get("price"), bool(values.get("price_negotiable")))
        elif field.key == "budget":
            row["budget"] = _budget_text(
                values.get("budget_min"),
                values.get("budget_max"),
                bool(values.get("budget_negotiable")),
            )
        elif value is None:
            row[field.key] = ""
        elif isinstance(value, tuple | list):
            row[field.key] = ";".join(str(v) for v in value)
        elif isinstance(value, Decimal):
            row[field.key] = format_yuan(value)
        elif isinstance(value, date):
            row[field.key] = value.isoformat()
        else:
            row[field.key] = str(value)
    return row


def _price_text(amount: object, negotiable: bool) -> str:
    if negotiable:
        return NEGOTIABLE
    return format_yuan(amount) if isinstance(amount, Decimal) else ""


def _budget_text(low: object, high: object, negotiable: bool) -> str:
    if negotiable:
        return NEGOTIABLE
    if not isinstance(low, Decimal) or not isinstance(high, Decimal):
        return ""
    if low == high:
        return format_yuan(low)
    return f"{format_yuan(low)}-{format_yuan(high)}"


def parse_listing(
    kind: Kind,
    raw: Mapping[str, object],
    row: int,
    *,
    wan_yuan_fields: frozenset[str] = frozenset(),
) -> tuple[ListingRecord | None, list[Problem]]:
    """Check one raw listing (keyed by file keys; values text or xlsx cells); the record comes
    back only when no problem is an error. Every problem of the row is reported, not the first."""
    parser = _ListingParser(kind, raw, wan_yuan_fields)
    values = parser.parse()
    problems = [p.at_row(row) for p in parser.problems]
    if any(p.severity == "error" for p in problems):
        return None, problems
    return ListingRecord(kind, values), problems


class _ListingParser:
    """Reads one raw mapping field by field, collecting problems as it goes."""

    def __init__(self, kind: Kind, raw: Mapping[str, object], wan_yuan: frozenset[str]) -> None:
        self.kind = kind
        self.table = TABLES[kind]
        self.wan_yuan = wan_yuan
        self.cells = {f.key: raw.get(f.key) for f in FIELDS[kind]}
        self.texts = {key: cell_text(value) for key, value in self.cells.items()}
        self.problems: list[Problem] = []
        self.values: dict[str, object] = {}

    def label(self, key: str) -> str:
        return self.table.by_key[key].label_zh

    def add(self, key: str, code: str, message: str, message_en: str) -> None:
        self.problems.append(Problem(0, key, code, message, message_en))

    def parse(self) -> dict[str, object]:
        self.values = default_values(self.kind)
        for field in FIELDS[self.kind]:
            key, text = field.key, self.texts[field.key]
            if text is None:
                if field.required:
                    self.add(
                        key, "required", f"{field.label_zh}为必填项，不能为空", f"{key} is required"
                    )
            elif key == "price":
                self.price(text)
            elif key == "budget":
                self.budget(text)
            else:
                self.values[key] = self.parse_field(field, text)
        self.check_patents_required()
        return self.values

    def parse_field(self, field: Field, text: str) -> object:
        key = field.key
        if key == "external_id":
            return self.text(key, text, 100)
        if key == "title":
            if not TITLE_MIN <= len(text) <= TITLE_MAX:
                self.add(
                    key,
                    "title_length",
                    f"{field.label_zh}应为 {TITLE_MIN}–{TITLE_MAX} 个字符，实际 {len(text)} 个",
                    f"the title must have {TITLE_MIN}–{TITLE_MAX} characters, found {len(text)}",
                )
            return text
        if key in ("summary", "indicators", "conditions"):
            return self.text(key, text, LONG_TEXT_MAX)
        if key in ("industry",):
            return self.text(key, text, 100)
        if key in ("contact", "holder_name", "company_name"):
            return self.text(key, text, 200)
        if key in CODE_LISTS:
            return self.code(key, text, CODE_LISTS[key])
        if key in MODE_LISTS:
            return self.modes(key, text, MODE_LISTS[key])
        if key == "trl":
            return self.trl(text)
        if key == "patent_numbers":
            return self.patents(text)
        if key in ("holder_id", "company_id"):
            return self.organisation_id(key, text)
        if key == "region":
            return self.region(text)
        if field.kind == "date":
            return self.date(key, text)
        return text  # pragma: no cover - every field is handled above

    # -- kinds of value --

    def text(self, key: str, text: str, limit: int) -> str:
        if len(text) > limit:
            self.add(
                key,
                "text_too_long",
                f"{self.label(key)}超过 {limit} 个字符（实际 {len(text)} 个）",
                f"{key} is longer than {limit} characters ({len(text)})",
            )
        return text

    def code(self, key: str, text: str, list_name: str) -> str | None:
        codes = code_list(list_name)
        code = codes.resolve(unicodedata.normalize("NFKC", text))
        if code is None:
            shown = "、".join(f"{c.code}（{c.name}）" for c in list(codes)[:6])
            shown_en = ", ".join(f"{c.code} ({c.name_en})" for c in list(codes)[:6])
            self.add(
                key,
                "unknown_code",
                f"{self.label(key)}“{text}”不是有效的代码或名称；可填写如 {shown}",
                f"{key} {text!r} is not a known code or name; use e.g. {shown_en}",
            )
        return code

    def modes(self, key: str, text: str, list_name: str) -> tuple[str, ...]:
        found: list[str] = []
        for part in split_patent_numbers(text):
            code = self.code(key, part, list_name)
            if code is not None and code not in found:
                found.append(code)
        return tuple(found)

    def trl(self, text: str) -> int | None:
        digits = unicodedata.normalize("NFKC", text).upper().removeprefix("TRL").strip()
        if digits.isdecimal() and TRL_MIN <= int(digits) <= TRL_MAX:
            return int(digits)
        self.add(
            "trl",
            "trl_range",
            f"技术就绪度“{text}”应为 {TRL_MIN}–{TRL_MAX} 的整数（GB/T 22900）",
            f"trl {text!r} must be a whole number from {TRL_MIN} to {TRL_MAX} (GB/T 22900)",
        )
        return None

    def patents(self, text: str) -> tuple[str, ...]:
        numbers: list[str] = []
        for part in split_patent_numbers(text):
            problems = check_patent_number(part, "patent_numbers")
            self.problems.extend(problems)
            canonical = normalise_patent_number(part)
            if canonical and not problems and canonical not in numbers:
                numbers.append(canonical)
        return tuple(numbers)

    def check_patents_required(self) -> None:
        ip_type = self.values.get("ip_type")
        ip = code_list("ip_types").get(ip_type) if isinstance(ip_type, str) else None
        if ip and ip.extra.get("patent") == "1" and not self.texts.get("patent_numbers"):
            self.add(
                "patent_numbers",
                "patent_numbers_required",
                f"知识产权类型为“{ip.name}”时必须填写专利号（多个用 ; 分隔）",
                f"ip_type {ip.code} ({ip.name_en}) needs the patent numbers (separate with ;)",
            )

    def organisation_id(self, key: str, text: str) -> str | None:
        problems = check_uscc(text, key)
        self.problems.extend(problems)
        return None if any(p.severity == "error" for p in problems) else normalise_party_id(text)

    def region(self, text: str) -> str | None:
        code = unicodedata.normalize("NFKC", text)
        if not _REGION_SHAPE.fullmatch(code):
            self.add(
                "region",
                "region_format",
                f"所在地区“{text}”应为 6 位行政区划代码（GB/T 2260），如 440106",
                f"region {text!r} must be a 6-digit GB/T 2260 code, e.g. 440106",
            )
            return None
        region = get_region(code)
        if region is None:
            self.add(
                "region",
                "region_unknown",
                f"所在地区 {code} 不是行政区划代码；请按 GB/T 2260 填写县、市或省级代码",
                f"region {code} is not a GB/T 2260 division code",
            )
            return None
        if region.end_year is not None:
            successors = "、".join(region.new_codes) or "现行代码"
            self.add(
                "region",
                "region_abolished",
                f"所在地区 {code}（{region.name}）已于 {region.end_year} 年撤销或变更；"
                f"请改用 {successors}",
                f"region {code} ({region.name}) was abolished in {region.end_year}; use "
                f"{', '.join(region.new_codes) or 'the current code'}",
            )
            return None
        return code

    def date(self, key: str, text: str) -> date | None:
        try:
            return parse_date(self.cells[key] if self.cells[key] is not None else text)
        except DateError as error:
            self.add(key, "date_format", error.message, error.message_en)
            return None

    def amount(self, key: str, text: object) -> Decimal | None:
        try:
            amount = parse_amount(text, wan_yuan=key in self.wan_yuan)
        except AmountError as error:
            self.add(key, f"amount_{error.reason}", error.message, error.message_en)
            return None
        if amount <= 0:
            self.add(
                key,
                "amount_not_positive",
                f"{self.label(key)}应大于零；价格未定时请填写“{NEGOTIABLE}”",
                f"{key} must be more than zero; write {NEGOTIABLE} when it is to be agreed",
            )
            return None
        return amount

    def price(self, text: str) -> None:
        negotiable = text.strip().lower() in _NEGOTIABLE_SPELLINGS
        cell = self.cells["price"]
        self.values["price_negotiable"] = negotiable
        self.values["price"] = None if negotiable else self.amount("price", cell)

    def budget(self, text: str) -> None:
        self.values.update(budget_min=None, budget_max=None, budget_negotiable=False)
        if text.strip().lower() in _NEGOTIABLE_SPELLINGS:
            self.values["budget_negotiable"] = True
            return
        cell = self.cells["budget"]
        parts = _RANGE_SEPARATORS.split(text) if isinstance(cell, str) else [cell]
        if len(parts) > 2 or not all(parts):
            self.add(
                "budget",
                "budget_format",
                f"预算“{text}”应为一个金额、一个范围（如 300000-800000）或“{NEGOTIABLE}”",
                f"budget {text!r} must be an amount, a range (e.g. 300000-800000) or {NEGOTIABLE}",
            )
            return
        amounts = [self.amount("budget", part) for part in parts]
        if any(a is None for a in amounts):
            return
        low, high = amounts[0], amounts[-1]
        assert low is not None and high is not None
        if low > high:
            self.add(
                "budget",
                "budget_range_reversed",
                f"预算范围“{text}”的下限大于上限",
                f"budget range {text!r} has its lower end above its upper end",
            )
            return
        self.values.update(budget_min=low, budget_max=high)


def default_values(kind: Kind) -> dict[str, object]:
    """Every value key of a kind, empty: the shape services fill from a stored listing."""
    values: dict[str, object] = {
        f.key: (() if f.kind == "list" else None)
        for f in FIELDS[kind]
        if f.key not in ("price", "budget")
    }
    if kind == "achievement":
        values.update(price=None, price_negotiable=False)
    else:
        values.update(budget_min=None, budget_max=None, budget_negotiable=False)
    return values
