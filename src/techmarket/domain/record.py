"""The contract record (contract-format.md §1–§6): a typed value and the validator that builds it.

`parse_record` is the one place raw input (CSV text, xlsx cells, JSON) becomes a record, so
every front end reports the same problems in the same words. It collects every problem of a
row instead of stopping at the first, because a seller fixing a file wants the whole list.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property, lru_cache
from operator import itemgetter
from typing import Any, Literal

from techmarket.codes.lists import CodeList, code_list, subtypes_for
from techmarket.codes.regions import get_region, is_valid_in, is_within, province_code
from techmarket.domain.dates import DateError, parse_date
from techmarket.domain.fields import FIELDS_BY_KEY, RECORD_FIELDS, REGISTRATION_FIELDS
from techmarket.domain.identifiers import (
    NATURAL_PERSON,
    USCC_CENTRAL_REGION,
    check_party_id,
    check_patent_number,
    normalise_party_id,
    normalise_patent_number,
    resident_id_birth_date,
    split_patent_numbers,
    uscc_region,
)
from techmarket.domain.money import AmountError, format_yuan, parse_amount
from techmarket.domain.problems import Problem, Severity

PartyRole = Literal["seller", "buyer"]

PARTIES: tuple[PartyRole, ...] = ("seller", "buyer")
DOMESTIC = "CHN"
NAME_MIN, NAME_MAX = 2, 200
TYPES_WITHOUT_SUBTYPE = frozenset({"consulting"})
NON_TECH_KEYS = ("non_tech_equipment", "non_tech_materials", "non_tech_other")
REGISTRATION_KEYS = tuple(f.key for f in REGISTRATION_FIELDS)
ROW_KEYS = tuple(f.key for f in RECORD_FIELDS) + REGISTRATION_KEYS
# The fingerprinted content: every row key but the registration, in row order.
CONTENT_KEYS = tuple(key for key in ROW_KEYS if key not in REGISTRATION_KEYS)
_FINGERPRINT_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
# What _FINGERPRINT_JSON writes for content whose values need no escaping (no quote, backslash
# or control character: nearly every record), as a template filled in by position.
_SORTED_CONTENT_KEYS = tuple(sorted(CONTENT_KEYS))
_SORTED_CONTENT = itemgetter(*_SORTED_CONTENT_KEYS)
_CONTENT_TEMPLATE = "{" + ",".join(f'"{key}":"%s"' for key in _SORTED_CONTENT_KEYS) + "}"
_TEMPLATE_QUOTES = _CONTENT_TEMPLATE.count('"')
_JSON_ESCAPED = re.compile(r'["\\\x00-\x1f]')

# Which code list each code field is resolved against (contract-format.md §2–§5).
CODE_LISTS: dict[str, str] = {
    "contract_type": "contract_types",
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
DEFAULTS: dict[str, str] = {
    "plan_source": "none",
    "seller_country": DOMESTIC,
    "buyer_country": DOMESTIC,
}


@dataclass(frozen=True)
class Party:
    """One side of a contract, as a view over the record's flat fields."""

    role: PartyRole
    name: str
    id: str | None
    nature: str
    region: str | None
    country: str

    @property
    def is_domestic(self) -> bool:
        return self.country == DOMESTIC

    @property
    def is_natural_person(self) -> bool:
        return self.nature == NATURAL_PERSON


@dataclass(frozen=True, kw_only=True)
class ContractRecord:
    """A validated contract in canonical form: codes, dates, exact amounts."""

    external_id: str | None = None
    name: str
    contract_type: str
    subtype: str | None = None
    signed_on: date
    valid_from: date
    valid_to: date
    total_amount: Decimal
    tech_amount: Decimal
    non_tech_equipment: Decimal | None = None
    non_tech_materials: Decimal | None = None
    non_tech_other: Decimal | None = None
    payment_method: str
    tech_field: str
    ip_type: str
    patent_numbers: tuple[str, ...] = ()
    objective: str | None = None
    plan_source: str = "none"
    seller_name: str
    seller_id: str | None = None
    seller_nature: str
    seller_region: str | None = None
    seller_country: str = DOMESTIC
    buyer_name: str
    buyer_id: str | None = None
    buyer_nature: str
    buyer_region: str | None = None
    buyer_country: str = DOMESTIC
    registration_number: str | None = None
    registered_on: date | None = None
    agency_code: str | None = None

    @classmethod
    def _from_values(cls, values: dict[str, object]) -> ContractRecord:
        """The record of parse_record's checked values, which name every field exactly once.

        Fills the instance dict directly instead of calling the generated frozen __init__ (one
        object.__setattr__ per field, about a tenth of the validation time); equivalent, as the
        class has no __post_init__. Any other set of keys goes through __init__ as usual.
        """
        if values.keys() != _FIELD_NAMES:
            return cls(**values)  # type: ignore[arg-type]
        record = cls.__new__(cls)
        record.__dict__.update(values)
        # The canonical row too, from the value types parse_record gives each key, instead of
        # dispatching on every value's type later (what the cached_property `_row` would do).
        row: dict[str, Any] = {key: values[key] for key in ROW_KEYS}
        for key in _TEXT_KEYS:
            if row[key] is None:
                row[key] = ""
        for key in _DATE_KEYS:
            row[key] = "" if row[key] is None else row[key].isoformat()
        for key in _AMOUNT_KEYS:
            row[key] = "" if row[key] is None else format_yuan(row[key])
        row["patent_numbers"] = ";".join(row["patent_numbers"])
        record.__dict__["_row"] = row
        return record

    @classmethod
    def _from_canonical(cls, values: dict[str, object], row: dict[str, str]) -> ContractRecord:
        """A record from checked values and the canonical texts they were read from (the
        canonical-row fast path, where the texts need no formatting)."""
        record = cls.__new__(cls)
        record.__dict__.update(values)
        record.__dict__["_row"] = row
        return record

    def party(self, role: PartyRole) -> Party:
        """The seller or the buyer as one object."""
        return Party(
            role,
            getattr(self, f"{role}_name"),
            getattr(self, f"{role}_id"),
            getattr(self, f"{role}_nature"),
            getattr(self, f"{role}_region"),
            getattr(self, f"{role}_country"),
        )

    @property
    def seller(self) -> Party:
        return self.party("seller")

    @property
    def buyer(self) -> Party:
        return self.party("buyer")

    def is_domestic(self, role: PartyRole) -> bool:
        """Domestic means country CHN; Hong Kong, Macao and Taiwan count as abroad here."""
        return getattr(self, f"{role}_country") == DOMESTIC

    @property
    def non_tech_total(self) -> Decimal | None:
        """Sum of the non-technical cost items, or None when none was given."""
        items = [getattr(self, key) for key in NON_TECH_KEYS]
        given = [item for item in items if item is not None]
        return sum(given, Decimal("0.00")) if given else None

    def to_row(self) -> dict[str, str]:
        """Canonical strings under the contract-format keys ("" for absent values)."""
        return dict(self._row)

    @cached_property
    def _row(self) -> dict[str, str]:
        return {key: _canonical(getattr(self, key)) for key in ROW_KEYS}

    def fingerprint(self) -> str:
        """sha256 of the content (not the registration), to recognise a re-imported record."""
        # Computed once per record, kept in the instance dict (not a field): the importer asks
        # several times, and the record is frozen, so the value can never go stale. (Not a
        # cached_property: before Python 3.12 that takes a lock on every first access.)
        cached = self.__dict__.get("_fingerprint")
        if cached is None:
            cached = self.__dict__["_fingerprint"] = _content_hash(self._row)
        return cached


def _content_hash(row: Mapping[str, str]) -> str:
    """sha256 of the canonical JSON of the content texts (sorted keys, no spaces, UTF-8)."""
    texts = _SORTED_CONTENT(row)
    text = _CONTENT_TEMPLATE % texts
    # A value with a quote, backslash or control character needs JSON escapes the template
    # does not write; printable text with no backslash and only the template's quotes has none.
    if not (
        text.isprintable() and "\\" not in text and text.count('"') == _TEMPLATE_QUOTES
    ) and _JSON_ESCAPED.search("".join(texts)):
        text = _FINGERPRINT_JSON.encode(dict(zip(_SORTED_CONTENT_KEYS, texts, strict=True)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_FIELD_NAMES = frozenset(f.name for f in fields(ContractRecord))
_DATE_KEYS = tuple(f.key for f in RECORD_FIELDS + REGISTRATION_FIELDS if f.kind == "date")
_AMOUNT_KEYS = tuple(f.key for f in RECORD_FIELDS if f.kind == "amount")
# Keys parse_record fills with a str or None (text and codes).
_TEXT_KEYS = tuple(f.key for f in RECORD_FIELDS + REGISTRATION_FIELDS if f.kind in ("text", "code"))
_CANONICAL_BY_TYPE: dict[type, Callable[[Any], str]] = {
    str: str,
    type(None): lambda _: "",
    Decimal: format_yuan,
    date: date.isoformat,
    tuple: ";".join,
}


def _canonical(value: object) -> str:
    convert = _CANONICAL_BY_TYPE.get(type(value))
    if convert is not None:  # the value types of a record, looked up instead of tested in turn
        return convert(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, Decimal):
        return format_yuan(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ";".join(value)
    return str(value)


def parse_record(
    raw: Mapping[str, object],
    row: int,
    *,
    wan_yuan_fields: frozenset[str] = frozenset(),
    as_registered: bool = False,
) -> tuple[ContractRecord | None, list[Problem]]:
    """Validate one raw record; the record comes back only when no problem is an error.

    `raw` may be keyed by the English keys or the Chinese labels; values are strings or xlsx
    cells. `wan_yuan_fields` names amount keys whose column was in 万元. With `as_registered`
    (migration of registered contracts) the registration number and date are required;
    otherwise registration keys are ignored, since only an agency assigns them.
    """
    parser = _RecordParser(raw, wan_yuan_fields)
    values = parser.parse(as_registered)
    problems = [p.at_row(row) for p in parser.problems]
    if problems and any(p.severity == "error" for p in problems):
        return None, problems
    return ContractRecord._from_values(values), problems


# --- the parser -------------------------------------------------------------------------------


_LABELS: dict[str, str] = {key: field.label_zh for key, field in FIELDS_BY_KEY.items()}
_RECORD_LABELS = tuple((f.key, f.label_zh) for f in RECORD_FIELDS)
_REGISTRATION_LABELS = tuple((f.key, f.label_zh) for f in REGISTRATION_FIELDS)
_PARTY_KEYS: dict[str, tuple[str, str, str, str, str]] = {
    role: (f"{role}_name", f"{role}_id", f"{role}_nature", f"{role}_country", f"{role}_region")
    for role in PARTIES
}
# The values parse_party sets, in the order it sets them.
_PARTY_OUTPUTS: dict[str, tuple[str, ...]] = {
    role: (f"{role}_name", f"{role}_nature", f"{role}_country", f"{role}_id", f"{role}_region")
    for role in PARTIES
}
_REGION_SHAPE = re.compile(r"\d{6}", re.ASCII)

# What a memoised part of a record yields: its values (in `outputs` order) and its problems.
_Outcome = tuple[tuple[object, ...], tuple[Problem, ...]]
_MEMO_SIZE = 65536
_TYPES_SEEN: dict[tuple[object, ...], _Outcome] = {}
_PARTIES_SEEN: dict[tuple[object, ...], _Outcome] = {}
# Problems whose messages quote the full signing date: never memoised by year.
_DATED_CODES = frozenset({"region_not_yet_valid", "region_abolished"})


class CleanRow(dict[str, str]):
    """A raw record keyed by record keys whose values are already clean text: stripped, with
    ideographic spaces made plain (what the CSV reader hands out). The parser takes them as
    they are instead of cleaning every cell again, a sixth of its time on a large import."""


def _label(key: str) -> str:
    return _LABELS[key]


def cell_text(value: object) -> str | None:
    """A raw cell as stripped text, None when empty; integral floats lose their `.0`."""
    if type(value) is str:  # the common case (CSV, JSON): skip the cell-type checks
        return value.replace("\u3000", " ").strip() or None
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        value = value.isoformat()
    text = str(value).replace("\u3000", " ").strip()
    return text or None


class _RecordParser:
    """Reads one raw mapping field by field, collecting problems as it goes."""

    def __init__(self, raw: Mapping[str, object], wan_yuan_fields: frozenset[str]) -> None:
        self.raw = raw
        self.wan_yuan_fields = wan_yuan_fields
        self.problems: list[Problem] = []
        self.values: dict[str, object] = {}
        self.cells: dict[str, object] = {}  # raw values by key
        self.texts: dict[str, str | None] = {}  # the same as stripped text, None when empty
        self.read(_RECORD_LABELS)

    # -- plumbing --

    def read(self, fields: tuple[tuple[str, str], ...]) -> None:
        """Look up (key, label) fields once: under the key or, failing that, the Chinese label."""
        raw = self.raw
        if type(raw) is CleanRow:
            get = raw.get
            texts = {key: get(key) or None for key, _ in fields}
            self.cells.update(texts)
            self.texts.update(texts)
            return
        cells = {key: raw[key] if key in raw else raw.get(label) for key, label in fields}
        self.cells.update(cells)
        # _cell_text inlined for plain strings, which most cells are
        self.texts.update(
            {
                key: (value.replace("\u3000", " ").strip() or None)
                if type(value) is str
                else cell_text(value)
                for key, value in cells.items()
            }
        )

    def add(
        self, key: str, code: str, message: str, message_en: str, severity: Severity = "error"
    ) -> None:
        self.problems.append(Problem(0, key, code, message, message_en, severity))

    def require(self, key: str) -> str | None:
        text = self.texts[key]
        if text is None:
            self.add_missing(key)
        return text

    def add_missing(self, key: str) -> None:
        self.add(
            key,
            "required",
            f"{_label(key)}为必填项，不能为空",
            f"{key} is required",
        )

    # -- the whole record --

    def parse(self, as_registered: bool) -> dict[str, object]:
        self.values["external_id"] = self.texts["external_id"]
        self.parse_name()
        self.parse_type_and_subtype()
        self.parse_dates()
        self.parse_amounts()
        for key in ("payment_method", "tech_field", "ip_type"):
            self.values[key] = self.parse_code(key, required=True)
        self.parse_patent_numbers()
        for key in ("objective", "plan_source"):
            self.values[key] = self.parse_code(key, required=False)
        for role in PARTIES:
            self.parse_party(role)
            self.check_born_before_signing(role)
        self.check_parties_differ()
        self.parse_registration(as_registered)
        return self.values

    def parse_name(self) -> None:
        name = self.require("name")
        if name is not None and not NAME_MIN <= len(name) <= NAME_MAX:
            self.add(
                "name",
                "name_length",
                f"合同名称应为 {NAME_MIN}–{NAME_MAX} 个字符，实际 {len(name)} 个；请填写合同全称",
                f"The contract name must have {NAME_MIN}–{NAME_MAX} characters, found "
                f"{len(name)}; use the full title",
            )
        self.values["name"] = name

    # -- codes --

    def parse_code(self, key: str, *, required: bool) -> str | None:
        text = self.texts[key]
        if text is None:
            if required:
                self.add_missing(key)
            return DEFAULTS.get(key)
        code = _resolve_code(CODE_LISTS[key], text)
        if code is None:
            codes = code_list(CODE_LISTS[key])
            self.add(
                key,
                "unknown_code",
                f"{_label(key)}“{text}”不是有效的代码或名称；可填写如 {_examples(codes)}",
                f"{key} {text!r} is not a known code or name; use e.g. "
                f"{_examples(codes, english=True)}",
            )
        return code

    def replay(
        self,
        memo: dict[tuple[object, ...], _Outcome],
        key: tuple[object, ...],
        outputs: tuple[str, ...],
        parse: Callable[[], None],
    ) -> None:
        """Run `parse` (which sets `outputs` and adds problems) or replay its memoised outcome.

        Files repeat the same parties and types on thousands of rows; what `parse` finds depends
        only on `key`. Outcomes whose messages quote the signing date are not kept, since the
        key holds only its year.
        """
        outcome = memo.get(key)
        if outcome is None:
            start = len(self.problems)
            parse()
            found = tuple(self.problems[start:])
            if any(p.code in _DATED_CODES for p in found):
                return
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            memo[key] = (tuple(self.values[k] for k in outputs), found)
            return
        self.values.update(zip(outputs, outcome[0], strict=True))
        self.problems += outcome[1]

    def parse_type_and_subtype(self) -> None:
        texts = self.texts
        key = (texts["contract_type"], texts["subtype"])
        self.replay(_TYPES_SEEN, key, ("contract_type", "subtype"), self._parse_type_and_subtype)

    def _parse_type_and_subtype(self) -> None:
        contract_type = self.parse_code("contract_type", required=True)
        self.values["contract_type"] = contract_type
        self.values["subtype"] = None
        text = self.texts["subtype"]
        if contract_type is None:
            return
        type_name = code_list("contract_types").name_of(contract_type)
        if contract_type in TYPES_WITHOUT_SUBTYPE:
            if text is not None:
                self.add(
                    "subtype",
                    "subtype_not_allowed",
                    f"{type_name}合同没有子类，但填写了“{text}”；请留空",
                    f"A {contract_type} contract has no subtype, but {text!r} was given; "
                    f"leave it empty",
                )
            return
        allowed = subtypes_for(contract_type)
        if text is None:
            self.add(
                "subtype",
                "subtype_required",
                f"{type_name}合同必须填写合同子类：{_examples(allowed, limit=None)}",
                f"A {contract_type} contract needs a subtype: "
                f"{_examples(allowed, limit=None, english=True)}",
            )
            return
        subtype = _resolve_subtype(contract_type, text)
        if subtype is None:
            known = code_list("subtypes").resolve(text) is not None
            self.add(
                "subtype",
                "subtype_mismatch" if known else "unknown_code",
                f"合同子类“{text}”不属于{type_name}合同；{type_name}的子类为："
                f"{_examples(allowed, limit=None)}",
                f"Subtype {text!r} does not belong to {contract_type}; its subtypes are "
                f"{_examples(allowed, limit=None, english=True)}",
            )
        self.values["subtype"] = subtype

    # -- dates --

    def parse_date_field(self, key: str, *, required: bool) -> date | None:
        if self.texts[key] is None:
            if required:
                self.add_missing(key)
            return None
        value = self.cells[key]
        try:
            return parse_date(value)
        except DateError as error:
            self.add(
                key,
                "date_format",
                f"{_label(key)}：{error.message}",
                f"{key}: {error.message_en}",
            )
            return None

    def parse_dates(self) -> None:
        signed_on = self.parse_date_field("signed_on", required=True)
        valid_from = self.parse_date_field("valid_from", required=True)
        valid_to = self.parse_date_field("valid_to", required=True)
        self.values.update(signed_on=signed_on, valid_from=valid_from, valid_to=valid_to)
        if valid_from and valid_to and valid_from > valid_to:
            self.add(
                "valid_to",
                "validity_order",
                f"有效期止 {valid_to} 早于有效期起 {valid_from}；请核对合同有效期",
                f"valid_to {valid_to} is before valid_from {valid_from}; check the term",
            )
        if signed_on and valid_to and signed_on > valid_to:
            self.add(
                "signed_on",
                "signed_after_valid_to",
                f"签订日期 {signed_on} 晚于有效期止 {valid_to}；合同不能在期满后签订",
                f"signed_on {signed_on} is after valid_to {valid_to}; a contract cannot be "
                f"signed after its term ends",
            )

    # -- amounts --

    def parse_amount_field(self, key: str, *, required: bool) -> Decimal | None:
        if self.texts[key] is None:
            if required:
                self.add_missing(key)
            return None
        value = self.cells[key]
        try:
            amount = parse_amount(value, wan_yuan=key in self.wan_yuan_fields)
        except AmountError as error:
            self.add(
                key,
                f"amount_{error.reason}",
                f"{_label(key)}：{error.message}",
                f"{key}: {error.message_en}",
            )
            return None
        if required and amount <= 0:
            self.add(
                key,
                "amount_not_positive",
                f"{_label(key)}必须大于 0，实际为 {format_yuan(amount)} 元",
                f"{key} must be greater than 0, found {format_yuan(amount)}",
            )
        elif amount < 0:
            self.add(
                key,
                "amount_negative",
                f"{_label(key)}不能为负数，实际为 {format_yuan(amount)} 元",
                f"{key} cannot be negative, found {format_yuan(amount)}",
            )
        return amount

    def parse_amounts(self) -> None:
        total = self.parse_amount_field("total_amount", required=True)
        tech = self.parse_amount_field("tech_amount", required=True)
        items = {key: self.parse_amount_field(key, required=False) for key in NON_TECH_KEYS}
        self.values.update(items, total_amount=total, tech_amount=tech)
        if total is None or tech is None:
            return
        if tech > total:
            self.add(
                "tech_amount",
                "tech_exceeds_total",
                f"技术交易额 {format_yuan(tech)} 元大于合同成交额 {format_yuan(total)} 元；"
                f"技术交易额不能超过成交额",
                f"tech_amount {format_yuan(tech)} exceeds total_amount {format_yuan(total)}",
            )
        given = [amount for amount in items.values() if amount is not None]
        if not given or len(given) != sum(1 for k in NON_TECH_KEYS if self.texts[k] is not None):
            return  # no items, or an item was unreadable and is reported already
        expected = total - sum(given, Decimal(0))
        if expected != tech:
            self.add(
                "tech_amount",
                "tech_amount_mismatch",
                f"技术交易额应为 合同成交额 − 非技术性费用合计 = {format_yuan(total)} − "
                f"{format_yuan(sum(given, Decimal('0.00')))} = {format_yuan(expected)} 元，"
                f"实际填写 {format_yuan(tech)} 元；请核对金额",
                f"tech_amount should be total_amount minus the non-technical items = "
                f"{format_yuan(expected)}, found {format_yuan(tech)}",
            )

    # -- patents --

    def parse_patent_numbers(self) -> None:
        numbers: list[str] = []
        written = list(split_patent_numbers(self.texts["patent_numbers"]))
        for text in written:
            problems = check_patent_number(text, "patent_numbers")
            self.problems.extend(problems)
            canonical = normalise_patent_number(text)
            if canonical and not problems and canonical not in numbers:
                numbers.append(canonical)
        self.values["patent_numbers"] = tuple(numbers)
        ip_type = self.values.get("ip_type")
        ip = code_list("ip_types").get(ip_type) if isinstance(ip_type, str) else None
        if ip and ip.extra.get("patent") == "1" and not written:  # ";" alone names none
            self.add(
                "patent_numbers",
                "patent_numbers_required",
                f"知识产权类型为“{ip.name}”时必须填写专利号（多个用 ; 分隔）",
                f"ip_type {ip.code} ({ip.name_en}) needs the patent numbers (separate with ;)",
            )

    # -- parties --

    def parse_party(self, role: PartyRole) -> None:
        keys = _PARTY_KEYS[role]
        texts = self.texts
        signed_on = self.values.get("signed_on")
        year = signed_on.year if isinstance(signed_on, date) else None
        key = (role, year, *(texts[k] for k in keys))
        self.replay(_PARTIES_SEEN, key, _PARTY_OUTPUTS[role], lambda: self._parse_party(role))

    def _parse_party(self, role: PartyRole) -> None:
        name_key, id_key, nature_key, country_key, region_key = _PARTY_KEYS[role]
        name = self.require(name_key)
        if name is not None and len(name) > NAME_MAX:
            self.add(
                name_key,
                "text_too_long",
                f"{_label(name_key)}超过 {NAME_MAX} 个字符",
                f"{name_key} is longer than {NAME_MAX} characters",
            )
        nature = self.parse_code(nature_key, required=True)
        country = self.parse_code(country_key, required=False)
        domestic = country == DOMESTIC
        self.values.update({name_key: name, nature_key: nature, country_key: country})

        id_text = self.require(id_key) if domestic else self.texts[id_key]
        party_id, id_ok = None, False
        if id_text is not None and domestic:
            party_id, id_problems, id_ok = _check_domestic_party_id(id_text, id_key, nature)
            self.problems.extend(id_problems)
        elif id_text is not None:
            # A foreign party's own registration number has no format we could check.
            party_id, id_ok = id_text, True
        self.values[id_key] = party_id

        region_text = self.require(region_key) if domestic else self.texts[region_key]
        region = self.check_region(region_key, region_text) if region_text else None
        self.values[region_key] = region
        if domestic and region and party_id and id_ok and nature not in (None, NATURAL_PERSON):
            self.check_uscc_region(role, party_id, region)

    def check_region(self, key: str, text: str) -> str | None:
        signed_on = self.values.get("signed_on")
        year = signed_on.year if isinstance(signed_on, date) else None
        valid = _valid_region(text, year)
        if valid is not None:
            return valid
        # Something is wrong: find out what, and say so.
        code = unicodedata.normalize("NFKC", text)
        if not _REGION_SHAPE.fullmatch(code):
            self.add(
                key,
                "region_format",
                f"{_label(key)}“{text}”应为 6 位行政区划代码（GB/T 2260），如 440106",
                f"{key} {text!r} must be a 6-digit GB/T 2260 code, e.g. 440106",
            )
            return None
        region = get_region(code)
        if region is None:
            self.add(
                key,
                "region_unknown",
                f"{_label(key)} {code} 不是行政区划代码；请按 GB/T 2260 填写县、市或省级代码",
                f"{key} {code} is not a GB/T 2260 division code",
            )
            return None
        if not isinstance(signed_on, date) or is_valid_in(code, signed_on.year):
            return code
        if region.start_year > signed_on.year:
            self.add(
                key,
                "region_not_yet_valid",
                f"{_label(key)} {code}（{region.name}）自 {region.start_year} 年起才启用，"
                f"签订日期 {signed_on} 时尚不存在；请填写签订时有效的代码",
                f"{key} {code} ({region.name}) only exists from {region.start_year}, after "
                f"signed_on {signed_on}; use the code valid when the contract was signed",
            )
        else:
            successors = "、".join(region.new_codes) or "现行代码"
            self.add(
                key,
                "region_abolished",
                f"{_label(key)} {code}（{region.name}）已于 {region.end_year} 年撤销或变更，"
                f"签订日期 {signed_on} 时已无效；请改用 {successors}",
                f"{key} {code} ({region.name}) was abolished in {region.end_year}, before "
                f"signed_on {signed_on}; use {', '.join(region.new_codes) or 'the current code'}",
            )
        return None

    def check_uscc_region(self, role: PartyRole, uscc: str, region: str) -> None:
        if _uscc_issued_in_province(uscc, region):
            return
        issued_in = uscc_region(uscc)
        self.add(
            f"{role}_id",
            "uscc_region_mismatch",
            f"统一社会信用代码 {uscc} 的登记地 {issued_in} 不在所填所在地区 {region} 的省份内；"
            f"请核对所在地区（迁址的单位可忽略）",
            f"The credit code {uscc} was issued in {issued_in}, outside the province of "
            f"{role}_region {region}; check the region (ignore for a relocated entity)",
            "warning",
        )

    def check_born_before_signing(self, role: PartyRole) -> None:
        """A natural person cannot sign before they are born: the ID or the date is wrong.

        Outside the memoised party check, since it reads the full signing date.
        """
        signed_on, party_id = self.values.get("signed_on"), self.values.get(f"{role}_id")
        values = self.values
        if values.get(f"{role}_nature") != NATURAL_PERSON or not isinstance(signed_on, date):
            return
        if values.get(f"{role}_country") != DOMESTIC:
            return  # a foreign person's number has no birth date we could read
        born = resident_id_birth_date(party_id)
        if born is not None and born > signed_on:
            self.add(
                f"{role}_id",
                "resident_id_born_after_signing",
                f"居民身份证号码中的出生日期 {born} 晚于签订日期 {signed_on}；"
                "请核对证件号和签订日期",
                f"the resident ID's birth date {born} is after signed_on {signed_on}; check the "
                "ID and the signing date",
            )

    def check_parties_differ(self) -> None:
        seller_id, buyer_id = self.values.get("seller_id"), self.values.get("buyer_id")
        if seller_id and seller_id == buyer_id:
            self.add(
                "buyer_id",
                "same_party",
                f"买方证件号与卖方相同（{seller_id}）；技术合同的买卖双方必须是不同主体",
                f"buyer_id equals seller_id ({seller_id}); the parties must differ",
            )
            return
        seller_name, buyer_name = self.values.get("seller_name"), self.values.get("buyer_name")
        if seller_name and seller_name == buyer_name:
            self.add(
                "buyer_name",
                "same_party_name",
                f"买方名称与卖方名称相同（{seller_name}）；请核对买卖双方",
                f"buyer_name equals seller_name ({seller_name}); check the parties",
                "warning",
            )

    # -- registration (migration only) --

    def parse_registration(self, as_registered: bool) -> None:
        if not as_registered:
            self.values.update(registration_number=None, registered_on=None, agency_code=None)
            return
        self.read(_REGISTRATION_LABELS)
        # A migrated contract keeps its number when given; otherwise the agency assigns one.
        self.values["registration_number"] = self.texts["registration_number"]
        registered_on = self.parse_date_field("registered_on", required=True)
        self.values["registered_on"] = registered_on
        self.values["agency_code"] = self.texts["agency_code"]
        signed_on = self.values.get("signed_on")
        if registered_on and isinstance(signed_on, date) and registered_on < signed_on:
            self.add(
                "registered_on",
                "registered_before_signed",
                f"登记日期 {registered_on} 早于签订日期 {signed_on}；请核对日期",
                f"registered_on {registered_on} is before signed_on {signed_on}",
            )


# --- memoised checks ----------------------------------------------------------------------------
# Pure functions of a raw value that recur across a file (the same parties, regions and codes on
# thousands of rows). Results are immutable (problems as tuples of frozen Problems at row 0), so a
# caller cannot corrupt the cache; parse_record re-rows the problems.


@lru_cache(maxsize=4096)
def _resolve_code(list_name: str, text: str) -> str | None:
    """The code that text (a code or a name, NFKC-normalised) stands for in a list, or None."""
    return code_list(list_name).resolve(unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=1024)
def _resolve_subtype(contract_type: str, text: str) -> str | None:
    """The subtype of a contract type that text stands for, or None."""
    return subtypes_for(contract_type).resolve(unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=16384)
def _check_domestic_party_id(
    text: str, key: str, nature: str | None
) -> tuple[str, tuple[Problem, ...], bool]:
    """A domestic party's canonical id, its problems, and whether none of them is an error."""
    problems = tuple(check_party_id(text, key, nature))
    ok = not any(p.severity == "error" for p in problems)
    return normalise_party_id(text), problems, ok


@lru_cache(maxsize=16384)
def _valid_region(text: str, year: int | None) -> str | None:
    """The division code text names if well-formed, known and (given a year) in use then."""
    code = unicodedata.normalize("NFKC", text)
    if not _REGION_SHAPE.fullmatch(code) or get_region(code) is None:
        return None
    return code if year is None or is_valid_in(code, year) else None


@lru_cache(maxsize=16384)
def _uscc_issued_in_province(uscc: str, region: str) -> bool:
    """Whether a credit code was issued centrally or in the province of a (valid) region."""
    issued_in = uscc_region(uscc)
    province = province_code(region)
    if issued_in == USCC_CENTRAL_REGION or issued_in[:2] == province[:2]:
        return True
    return is_within(issued_in, province)


def _examples(codes: CodeList, *, limit: int | None = 4, english: bool = False) -> str:
    """A few valid entries to put in a message, e.g. "development（技术开发）"."""
    items = list(codes)
    shown = items if limit is None else items[:limit]
    if english:
        text = ", ".join(f"{c.code} ({c.name_en})" for c in shown)
    else:
        text = "、".join(f"{c.code}（{c.name}）" for c in shown)
    more = len(items) > len(shown)
    return text + ((", …" if english else "等") if more else "")
