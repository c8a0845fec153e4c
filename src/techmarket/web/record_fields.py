"""How the contract record is laid out on pages: sections, English labels, hints, code lists.

Presentation only. The fields, their Chinese labels and every check come from
`domain.fields` and `domain.record.parse_record` (the same as an import); this module says in
which section a field sits and how it is asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from techmarket.codes.lists import Code, code_list
from techmarket.codes.regions import full_name
from techmarket.domain.fields import FIELDS_BY_KEY, Field

LABELS_EN: dict[str, str] = {
    "external_id": "Seller's contract number",
    "name": "Contract name",
    "contract_type": "Contract type",
    "subtype": "Sub-type",
    "signed_on": "Signed on",
    "valid_from": "Valid from",
    "valid_to": "Valid to",
    "total_amount": "Turnover (成交额, yuan)",
    "tech_amount": "Technology value (技术交易额, yuan)",
    "non_tech_equipment": "Non-technical: equipment (yuan)",
    "non_tech_materials": "Non-technical: materials (yuan)",
    "non_tech_other": "Non-technical: other (yuan)",
    "payment_method": "Payment method",
    "tech_field": "Technology field",
    "ip_type": "Intellectual property",
    "patent_numbers": "Patent numbers",
    "objective": "Socio-economic objective",
    "plan_source": "Plan source",
    "seller_name": "Seller",
    "seller_id": "Seller's credit code or ID",
    "seller_nature": "Seller's nature",
    "seller_region": "Seller's region",
    "seller_country": "Seller's country",
    "buyer_name": "Buyer",
    "buyer_id": "Buyer's credit code or ID",
    "buyer_nature": "Buyer's nature",
    "buyer_region": "Buyer's region",
    "buyer_country": "Buyer's country",
}

HINTS: dict[str, tuple[str, str]] = {
    "external_id": ("本单位内部的合同编号，可不填", "your own reference; optional"),
    "name": ("与合同文本封面一致", "as on the contract's cover page"),
    "subtype": (
        "技术开发、转让、许可、服务须选子类",
        "development, transfer, licence and service need one",
    ),
    "tech_amount": (
        "成交额减去设备、材料等非技术性费用",
        "the turnover less equipment, materials and other non-technical costs",
    ),
    "total_amount": ("合同约定的总金额，单位：元", "the contract's total price, in yuan"),
    "seller_id": (
        "18 位统一社会信用代码；个人填身份证号",
        "18-character USCC; a person's ID number",
    ),
    "buyer_id": ("18 位统一社会信用代码；境外买方可不填", "18-character USCC; optional abroad"),
    "seller_region": ("6 位行政区划代码，如 440106", "6-digit GB/T 2260 code, e.g. 440106"),
    "buyer_region": ("6 位行政区划代码；境外买方可不填", "6-digit GB/T 2260 code; optional abroad"),
    "patent_numbers": ("多个专利号用分号隔开", "separate several numbers with ;"),
    "signed_on": ("YYYY-MM-DD", "YYYY-MM-DD"),
    "valid_from": ("YYYY-MM-DD", "YYYY-MM-DD"),
    "valid_to": ("YYYY-MM-DD", "YYYY-MM-DD"),
}

CODE_LISTS: dict[str, str] = {
    "contract_type": "contract_types",
    "subtype": "subtypes",
    "payment_method": "payment_methods",
    "tech_field": "tech_fields",
    "ip_type": "ip_types",
    "objective": "objectives",
    "plan_source": "plan_sources",
    "seller_nature": "entity_natures",
    "buyer_nature": "entity_natures",
    "seller_country": "countries",
    "buyer_country": "countries",
}

SECTIONS: tuple[tuple[str, tuple[str, str], tuple[str, ...]], ...] = (
    (
        "basics",
        ("合同基本信息", "The contract"),
        ("name", "external_id", "contract_type", "subtype", "signed_on", "valid_from", "valid_to"),
    ),
    (
        "parties",
        ("当事人", "Parties"),
        (
            "seller_name",
            "seller_id",
            "seller_nature",
            "seller_region",
            "seller_country",
            "buyer_name",
            "buyer_id",
            "buyer_nature",
            "buyer_region",
            "buyer_country",
        ),
    ),
    (
        "amounts",
        ("金额与支付", "Amounts and payment"),
        (
            "total_amount",
            "non_tech_equipment",
            "non_tech_materials",
            "non_tech_other",
            "tech_amount",
            "payment_method",
        ),
    ),
    (
        "field",
        ("技术领域与知识产权", "Field and intellectual property"),
        ("tech_field", "ip_type", "patent_numbers", "objective", "plan_source"),
    ),
)


MONOSPACED = frozenset({"seller_id", "buyer_id", "patent_numbers", "external_id"})


@dataclass(frozen=True)
class FieldView:
    """One field as a page shows or asks for it."""

    key: str
    field: Field
    label_en: str
    hint: tuple[str, str] | None
    value: str
    shown: str  # the value as read: a code with its name, a region with its full name
    options: tuple[Code, ...] = ()
    error: str = ""
    error_en: str = ""
    warning: str = ""
    warning_en: str = ""
    at_fault: bool = False  # named in the registrar's correction request

    @property
    def kind(self) -> str:
        return self.field.kind

    @property
    def required(self) -> bool:
        return self.field.required

    @property
    def label(self) -> tuple[str, str]:
        return (self.field.label_zh, self.label_en)

    @property
    def display(self) -> str:
        """The value as the contract page prints it: amounts 1,234.00, others as read."""
        if self.field.kind == "amount" and self.value:
            try:
                return f"{Decimal(self.value):,.2f}"
            except ArithmeticError:
                return self.value
        return self.shown or "—"

    @property
    def css(self) -> str:
        """Amounts right-aligned, identifiers in the monospace font."""
        if self.field.kind == "amount":
            return "num"
        return "mono" if self.key in MONOSPACED else ""


def shown_value(key: str, value: str) -> str:
    """A stored value as a reader reads it: "01 电子信息", "440106 广东省广州市天河区"."""
    if not value:
        return ""
    if key in CODE_LISTS:
        found = code_list(CODE_LISTS[key]).get(value)
        return f"{found.name}" if found else value
    if key.endswith("_region"):
        name = full_name(value)
        return f"{value} {name}" if name and name != value else value
    return value


def _options(key: str) -> tuple[Code, ...]:
    return tuple(code_list(CODE_LISTS[key])) if key in CODE_LISTS else ()


def sections(
    values: Mapping[str, str],
    problems: Mapping[str, list] | None = None,
    at_fault: frozenset[str] = frozenset(),
    *,
    with_options: bool = False,
) -> list[tuple[str, tuple[str, str], list[FieldView]]]:
    """The record's fields section by section, with their problems (errors, then warnings)."""
    problems = problems or {}
    out = []
    for slug, title, keys in SECTIONS:
        views = []
        for key in keys:
            found = problems.get(key, [])
            errors = [p for p in found if p.severity == "error"]
            warnings = [p for p in found if p.severity != "error"]
            value = values.get(key, "") or ""
            views.append(
                FieldView(
                    key=key,
                    field=FIELDS_BY_KEY[key],
                    label_en=LABELS_EN[key],
                    hint=HINTS.get(key),
                    value=value,
                    shown=shown_value(key, value),
                    options=_options(key) if with_options else (),
                    error="；".join(p.message for p in errors),
                    error_en="; ".join(p.message_en for p in errors),
                    warning="；".join(p.message for p in warnings),
                    warning_en="; ".join(p.message_en for p in warnings),
                    at_fault=key in at_fault,
                )
            )
        out.append((slug, title, views))
    return out
