"""The public contract record's fields (contract-format.md §1): keys, Chinese headers, kinds.

One table, used by the validator, the file readers/writers and the template, so a header
is spelled in exactly one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

FieldKind = Literal["text", "code", "date", "amount", "list"]


@dataclass(frozen=True)
class Field:
    key: str
    label_zh: str
    kind: FieldKind
    required: bool = False


RECORD_FIELDS: tuple[Field, ...] = (
    Field("external_id", "卖方合同编号", "text"),
    Field("name", "合同名称", "text", required=True),
    Field("contract_type", "合同类型", "code", required=True),
    Field("subtype", "合同子类", "code"),
    Field("signed_on", "签订日期", "date", required=True),
    Field("valid_from", "有效期起", "date", required=True),
    Field("valid_to", "有效期止", "date", required=True),
    Field("total_amount", "合同成交额(元)", "amount", required=True),
    Field("tech_amount", "技术交易额(元)", "amount", required=True),
    Field("non_tech_equipment", "非技术性费用-设备仪器", "amount"),
    Field("non_tech_materials", "非技术性费用-材料", "amount"),
    Field("non_tech_other", "非技术性费用-其他", "amount"),
    Field("payment_method", "支付方式", "code", required=True),
    Field("tech_field", "技术领域", "code", required=True),
    Field("ip_type", "知识产权类型", "code", required=True),
    Field("patent_numbers", "专利号", "list"),
    Field("objective", "社会经济目标", "code"),
    Field("plan_source", "计划来源", "code"),
    Field("seller_name", "卖方名称", "text", required=True),
    Field("seller_id", "卖方证件号", "text"),
    Field("seller_nature", "卖方性质", "code", required=True),
    Field("seller_region", "卖方所在地区", "code"),
    Field("seller_country", "卖方国别", "code"),
    Field("buyer_name", "买方名称", "text", required=True),
    Field("buyer_id", "买方证件号", "text"),
    Field("buyer_nature", "买方性质", "code", required=True),
    Field("buyer_region", "买方所在地区", "code"),
    Field("buyer_country", "买方国别", "code"),
)

# Extra keys for migrating already registered contracts (`--as-registered`) and for export.
REGISTRATION_FIELDS: tuple[Field, ...] = (
    Field("registration_number", "登记编号", "text"),
    Field("registered_on", "登记日期", "date"),
    Field("agency_code", "登记机构代码", "text"),
)
EXPORT_ONLY_FIELDS: tuple[Field, ...] = (Field("status", "状态", "text"),)

ALL_FIELDS: tuple[Field, ...] = RECORD_FIELDS + REGISTRATION_FIELDS + EXPORT_ONLY_FIELDS
FIELDS_BY_KEY: dict[str, Field] = {f.key: f for f in ALL_FIELDS}
KEY_BY_LABEL: dict[str, str] = {f.label_zh: f.key for f in ALL_FIELDS}

# A unit an amount header may end in (after `_normalise`); only the Chinese labels take one,
# since contract-format.md defines no unit suffix for the English keys.
_YUAN, _WAN_YUAN = "(元)", "(万元)"


def _normalise(header: str) -> str:
    """Full-width brackets as ASCII, spaces dropped: "合同成交额 （万元）" → "合同成交额(万元)"."""
    return header.replace("（", "(").replace("）", ")").replace(" ", "")


def header_to_key(header: str) -> str | None:
    """Map an English key or a Chinese label to a key; whitespace and full-width brackets are
    tolerated, and an amount label may end in (元), (万元) or neither."""
    return CONTRACTS.header_to_key(header)


def _without_unit(normalised: str) -> str:
    """A header less one trailing (万元) or (元): "合同成交额(元)(万元)" is no amount label."""
    for unit in (_WAN_YUAN, _YUAN):
        if normalised.endswith(unit):
            return normalised[: -len(unit)]
    return normalised


def header_is_wan_yuan(header: str) -> bool:
    """True when a column header states its amounts in 万元 (converted to yuan exactly on import)."""
    return _normalise(header.strip()).endswith(_WAN_YUAN)


@dataclass(frozen=True)
class FieldTable:
    """The fields of one kind of record file (contracts, achievements, demands): what the
    readers accept as headers, which columns a file must have, and where an xlsx keeps them.

    `aliases` are further Chinese headers accepted on import (a label → key map); the label of
    each field is what exports write.
    """

    name: str
    fields: tuple[Field, ...]
    sheet_names: tuple[str, ...]
    aliases: Mapping[str, str] = field(default_factory=dict)
    # The fields a file must have as columns; None: those marked required.
    required_columns: tuple[str, ...] | None = None
    # The keys a message about unknown headers lists as accepted; None: every field.
    listed_keys: tuple[str, ...] | None = None

    @cached_property
    def by_key(self) -> dict[str, Field]:
        return {f.key: f for f in self.fields}

    @cached_property
    def _key_by_label(self) -> dict[str, str]:
        labels = {_normalise(alias): key for alias, key in self.aliases.items()}
        labels.update({f.label_zh: f.key for f in self.fields})
        labels.update({_normalise(f.label_zh): f.key for f in self.fields})
        return labels

    @cached_property
    def _amount_key_by_stem(self) -> dict[str, str]:
        # Amount labels without their unit ("合同成交额"), so that every amount column accepts
        # (元), (万元) or no unit, whether or not its label names one.
        stems = {
            _normalise(label).removesuffix(_YUAN): key
            for label, key in self._key_by_label.items()
            if self.by_key[key].kind == "amount"
        }
        return stems

    @property
    def required(self) -> tuple[Field, ...]:
        if self.required_columns is None:
            return tuple(f for f in self.fields if f.required)
        return tuple(self.by_key[key] for key in self.required_columns)

    @property
    def listed(self) -> tuple[Field, ...]:
        if self.listed_keys is None:
            return self.fields
        return tuple(self.by_key[key] for key in self.listed_keys)

    def header_to_key(self, header: str) -> str | None:
        """An English key or a Chinese label (or alias) as a key; whitespace and full-width
        brackets are tolerated, and an amount label may end in (元), (万元) or neither."""
        text = header.strip().lstrip("\ufeff").strip()
        if text in self.by_key:
            return text
        labels = self._key_by_label
        if text in labels:
            return labels[text]
        normalised = _normalise(text)
        if normalised in labels:
            return labels[normalised]
        return self._amount_key_by_stem.get(_without_unit(normalised))


# Contract files: only RECORD_FIELDS may be required columns (registration keys are checked by
# the validator when migrating registered contracts).
CONTRACTS = FieldTable(
    "contracts",
    ALL_FIELDS,
    ("合同", "contracts"),
    required_columns=tuple(f.key for f in RECORD_FIELDS if f.required),
    listed_keys=tuple(f.key for f in RECORD_FIELDS),
)
