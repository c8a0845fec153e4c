"""How achievements and demands are laid out on pages: sections, English labels, hints, widgets.

Presentation only: the fields, their Chinese labels and every check are `domain.listings`'
(the parser a file import runs), so a page says what an import's problem report says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from techmarket.codes.lists import Code, code_list
from techmarket.codes.regions import full_name
from techmarket.domain.listings import CODE_LISTS, MODE_LISTS, TABLES, Kind
from techmarket.domain.problems import Problem

LABELS_EN: dict[str, str] = {
    "external_id": "Your reference",
    "title": "Title",
    "summary": "Summary",
    "indicators": "Technical indicators",
    "conditions": "Existing conditions",
    "tech_field": "Technology field",
    "industry": "Industry",
    "maturity": "Maturity",
    "trl": "Technology readiness level (TRL)",
    "ip_type": "Intellectual property",
    "patent_numbers": "Patent numbers",
    "transfer_modes": "Transfer modes",
    "price": "Price (yuan)",
    "budget": "Budget (yuan)",
    "stage_needed": "Maturity needed",
    "cooperation_modes": "Cooperation modes",
    "holder_name": "Holder",
    "holder_id": "Holder's credit code",
    "holder_type": "Holder type",
    "company_name": "Company",
    "company_id": "Company's credit code",
    "company_type": "Company type",
    "region": "Region",
    "contact": "Contact",
    "valid_until": "Valid until",
    "deadline": "Deadline",
}

HINTS: dict[str, tuple[str, str]] = {
    "external_id": (
        "本单位自己的编号，如 CG-2025-001；再次导入同一编号即更新",
        "your own reference, e.g. CG-2025-001; importing it again updates the listing",
    ),
    "title": ("2–200 个字", "2–200 characters"),
    "summary": (
        "技术内容、创新点、应用场景，不超过 4000 字",
        "what it is, what is new, where it applies",
    ),
    "indicators": (
        "关键性能指标，如 150℃热收缩率小于 2%",
        "key figures, e.g. shrinkage below 2 % at 150 ℃",
    ),
    "trl": ("1–9 的整数（GB/T 22900）", "a whole number from 1 to 9 (GB/T 22900)"),
    "patent_numbers": (
        "申请号含校验位，如 ZL 2021 1 0921116.9；多个用分号隔开",
        "application numbers with the check character; separate several with ;",
    ),
    "price": ("金额（元），或填写“面议”", "an amount in yuan, or 面议 (to be agreed)"),
    "budget": (
        "一个金额、一个范围（如 300000-800000），或“面议”",
        "an amount, a range (e.g. 300000-800000), or 面议",
    ),
    "holder_id": ("18 位统一社会信用代码，可不填", "18-character credit code; optional"),
    "company_id": ("18 位统一社会信用代码，可不填", "18-character credit code; optional"),
    "region": (
        "6 位行政区划代码，如 440106；决定由哪个登记机构审核",
        "6-digit GB/T 2260 code, e.g. 440106; it decides which agency reviews the listing",
    ),
    "valid_until": ("YYYY-MM-DD；到期后自动下架", "YYYY-MM-DD; the listing expires after it"),
    "deadline": ("YYYY-MM-DD；到期后自动下架", "YYYY-MM-DD; the listing expires after it"),
}

SECTIONS: dict[str, tuple[tuple[str, tuple[str, str], tuple[str, ...]], ...]] = {
    "achievement": (
        (
            "basics",
            ("成果信息", "The achievement"),
            ("title", "external_id", "summary", "indicators", "tech_field", "industry"),
        ),
        (
            "maturity",
            ("成熟度与知识产权", "Maturity and intellectual property"),
            ("maturity", "trl", "ip_type", "patent_numbers"),
        ),
        (
            "transfer",
            ("转化方式与价格", "Transfer and price"),
            ("transfer_modes", "price", "valid_until"),
        ),
        (
            "holder",
            ("持有单位与联系方式", "Holder and contact"),
            ("holder_name", "holder_id", "holder_type", "region", "contact"),
        ),
    ),
    "demand": (
        (
            "basics",
            ("需求信息", "The need"),
            (
                "title",
                "external_id",
                "summary",
                "indicators",
                "conditions",
                "tech_field",
                "industry",
            ),
        ),
        (
            "cooperation",
            ("合作方式与预算", "Cooperation and budget"),
            ("cooperation_modes", "budget", "stage_needed", "deadline"),
        ),
        (
            "company",
            ("需求单位与联系方式", "Company and contact"),
            ("company_name", "company_id", "company_type", "region", "contact"),
        ),
    ),
}

LONG_TEXTS = frozenset({"summary", "indicators", "conditions"})
MONOSPACED = frozenset({"external_id", "holder_id", "company_id", "patent_numbers"})


@dataclass(frozen=True)
class ListingFieldView:
    """One field as a page shows or asks for it."""

    key: str
    label: tuple[str, str]
    required: bool
    hint: tuple[str, str] | None
    value: str
    shown: str
    widget: str  # text, textarea, select, checks
    options: tuple[Code, ...] = ()
    chosen: frozenset[str] = field(default_factory=frozenset)
    error: str = ""
    error_en: str = ""
    warning: str = ""
    warning_en: str = ""

    @property
    def css(self) -> str:
        if self.key in ("price", "budget"):
            return "num"
        return "mono" if self.key in MONOSPACED else ""


def _widget(key: str) -> str:
    if key in LONG_TEXTS:
        return "textarea"
    if key in MODE_LISTS:
        return "checks"
    return "select" if key in CODE_LISTS else "text"


def _options(key: str) -> tuple[Code, ...]:
    name = CODE_LISTS.get(key) or MODE_LISTS.get(key)
    return tuple(code_list(name)) if name else ()


def _codes(value: str) -> list[str]:
    return [part for part in value.split(";") if part]


def shown_value(key: str, value: str, english: bool = False) -> str:
    """A stored value as a reader reads it: codes by name, a region by its full name."""
    if not value:
        return ""
    name = CODE_LISTS.get(key) or MODE_LISTS.get(key)
    if name:
        names = []
        for code in _codes(value):
            found = code_list(name).get(code)
            names.append((found.name_en if english else found.name) if found else code)
        return ", ".join(names) if english else "、".join(names)
    if key in ("price", "budget"):  # 1,200,000.00; a range 300,000.00 – 800,000.00; 面议
        try:
            return " – ".join(f"{Decimal(part):,.2f}" for part in value.split("-"))
        except ArithmeticError:
            return value
    if key == "region":
        region = full_name(value)
        return f"{value} {region}" if region and region != value else value
    return value


def sections(
    kind: Kind,
    values: Mapping[str, str],
    problems: Mapping[str, list[Problem]] | None = None,
    *,
    english: bool = False,
) -> list[tuple[str, tuple[str, str], list[ListingFieldView]]]:
    """The kind's fields section by section, with their problems (errors, then warnings)."""
    problems = problems or {}
    table = TABLES[kind]
    out = []
    for slug, title, keys in SECTIONS[kind]:
        views = []
        for key in keys:
            found = problems.get(key, [])
            errors = [p for p in found if p.severity == "error"]
            warnings = [p for p in found if p.severity != "error"]
            value = values.get(key, "") or ""
            widget = _widget(key)
            views.append(
                ListingFieldView(
                    key=key,
                    label=(table.by_key[key].label_zh, LABELS_EN[key]),
                    required=table.by_key[key].required,
                    hint=HINTS.get(key),
                    value=value,
                    shown=shown_value(key, value, english),
                    widget=widget,
                    options=_options(key) if widget in ("select", "checks") else (),
                    chosen=frozenset(_codes(value)) if widget == "checks" else frozenset(),
                    error="；".join(p.message for p in errors),
                    error_en="; ".join(p.message_en for p in errors),
                    warning="；".join(p.message for p in warnings),
                    warning_en="; ".join(p.message_en for p in warnings),
                )
            )
        out.append((slug, title, views))
    return out


def keys_of(kind: Kind) -> list[str]:
    """Every field a form sends, in order."""
    return [key for _, _, keys in SECTIONS[kind] for key in keys]
