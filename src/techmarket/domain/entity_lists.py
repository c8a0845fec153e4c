"""The lists bureaus receive about innovation entities, as files: their columns and rows.

Five shapes of list (`../shared/domain-entities.md` §1–5), each a `FieldTable` the readers use
for Chinese headers or English keys, and a pure parser from a raw row to typed values with
every problem found, so a file is checked whole before anything is written:

* recognition lists (高企, 科小, incubators … published lists and 备案公告): 序号 | 企业名称 |
  统一社会信用代码 | 证书编号 | 发证日期 | 所在地区 | 批次 — only a name or a credit code is
  needed per row; a 备案公告 carries just 序号, 企业名称, 证书编号 and the issue date in the
  notice (given for the whole file);
* rename notices (更名): 原名称 | 现名称 | 证书编号 | 发证日期;
* revocation notices (取消资格): 企业名称 | 统一社会信用代码 | 证书编号 | 撤销日期 | 原因;
* move notices (完成异地搬迁, or a bureau's own list): 企业名称 | 统一社会信用代码 | 迁入地区 | 迁入日期;
* candidate (培育库) lists, resident-enterprise (在孵企业) lists and training lists.

序号 is accepted and ignored. Codes may be given as codes or Chinese labels (国家级, 已申报, 毕业,
中级技术经纪人 …); regions as a GB/T 2260 code or a name (天河区, 广州市天河区).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

from techmarket.codes.regions import all_regions, full_name, get_region, is_within
from techmarket.domain import entities as rules
from techmarket.domain.dates import DateError, parse_date
from techmarket.domain.fields import Field, FieldTable
from techmarket.domain.identifiers import check_uscc, normalise_party_id
from techmarket.domain.problems import Problem

RESIDENTS, CANDIDATES, TRAINED, RENAMES, REVOCATIONS, MOVES = (
    "incubator_resident",
    "candidate",
    "trained_person",
    "rename",
    "revocation",
    "move",
)
#: Every kind of list an import takes: the recognition kinds, then the six other lists.
LIST_KINDS: tuple[str, ...] = (
    *rules.KINDS,
    RESIDENTS,
    CANDIDATES,
    TRAINED,
    RENAMES,
    REVOCATIONS,
    MOVES,
)
#: The reason a revocation list's row records when it gives none.
DEFAULT_REVOCATION_REASON = "公告撤销"

_SERIAL = Field("serial", "序号", "text")
_NAME = Field("name", "企业名称", "text")
_USCC = Field("uscc", "统一社会信用代码", "text")
_NUMBER = Field("certificate_number", "证书编号", "text")
_GRANTED = Field("granted_on", "发证日期", "date")
_REGION = Field("region", "所在地区", "code")
_BATCH = Field("batch", "批次", "text")

_ORG_ALIASES = {
    "单位名称": "name",
    "机构名称": "name",
    "名称": "name",
    "企业(单位)名称": "name",
    "信用代码": "uscc",
    "社会信用代码": "uscc",
    "统一社会信用代码证号": "uscc",
    "所在区": "region",
    "所属区": "region",
    "所在地市": "region",
    "所在地": "region",
    "地区": "region",
    "区域": "region",
    "行政区划代码": "region",
}

RECOGNITION_TABLE = FieldTable(
    "recognitions",
    (
        _SERIAL,
        _NAME,
        _USCC,
        _NUMBER,
        _GRANTED,
        Field("valid_to", "有效期至", "date"),
        _REGION,
        _BATCH,
        Field("level", "级别", "code"),
        Field("notice", "公告", "text"),
    ),
    ("名单", "recognitions"),
    aliases={
        **_ORG_ALIASES,
        "证书号": "certificate_number",
        "登记编号": "certificate_number",
        "入库登记编号": "certificate_number",
        "入库编号": "certificate_number",
        "备案编号": "certificate_number",
        "发证时间": "granted_on",
        "认定日期": "granted_on",
        "认定时间": "granted_on",
        "入库日期": "granted_on",
        "有效期": "valid_to",
        "认定级别": "level",
        "公告名称": "notice",
        "文号": "notice",
    },
    required_columns=(),
)

RENAME_TABLE = FieldTable(
    "renames",
    (
        _SERIAL,
        Field("old_name", "原名称", "text", required=True),
        Field("new_name", "现名称", "text", required=True),
        _NUMBER,
        _GRANTED,
        _USCC,
        Field("renamed_on", "更名日期", "date"),
    ),
    ("更名", "renames"),
    aliases={
        "原企业名称": "old_name",
        "变更前名称": "old_name",
        "新名称": "new_name",
        "现企业名称": "new_name",
        "变更后名称": "new_name",
        "证书号": "certificate_number",
        "发证时间": "granted_on",
    },
)

REVOCATION_TABLE = FieldTable(
    "revocations",
    (
        _SERIAL,
        _NAME,
        _USCC,
        Field("certificate_number", "证书编号", "text", required=True),
        Field("revoked_on", "撤销日期", "date"),
        Field("reason", "原因", "text"),
    ),
    ("取消资格", "revocations"),
    aliases={
        **{k: v for k, v in _ORG_ALIASES.items() if v != "region"},
        "证书号": "certificate_number",
        "登记编号": "certificate_number",
        "入库登记编号": "certificate_number",
        "取消日期": "revoked_on",
        "撤销时间": "revoked_on",
        "取消资格日期": "revoked_on",
        "生效日期": "revoked_on",
        "撤销原因": "reason",
        "取消原因": "reason",
    },
)

MOVE_TABLE = FieldTable(
    "moves",
    (
        _SERIAL,
        _NAME,
        _USCC,
        Field("region", "迁入地区", "code", required=True),
        Field("moved_on", "迁入日期", "date"),
    ),
    ("搬迁", "moves"),
    aliases={
        **{k: v for k, v in _ORG_ALIASES.items() if v != "region"},
        "迁入地": "region",
        "迁入区": "region",
        "现所在地区": "region",
        "搬迁日期": "moved_on",
        "迁入时间": "moved_on",
    },
)

CANDIDATE_TABLE = FieldTable(
    "candidates",
    (
        _SERIAL,
        _NAME,
        _USCC,
        Field("district", "所属区", "code"),
        Field("round", "培育批次", "text"),
        Field("stage", "阶段", "code"),
        Field("year", "年度", "text"),
        Field("kind", "拟认定类别", "code"),
        Field("note", "备注", "text"),
    ),
    ("培育库", "candidates"),
    aliases={
        **{k: v for k, v in _ORG_ALIASES.items() if v != "region"},
        "所在区": "district",
        "区": "district",
        "地区": "district",
        "批次": "round",
        "培育库批次": "round",
        "状态": "stage",
        "培育阶段": "stage",
        "类别": "kind",
    },
)

RESIDENT_TABLE = FieldTable(
    "residents",
    (
        _SERIAL,
        Field("carrier", "孵化载体", "text", required=True),
        _NAME,
        _USCC,
        Field("entered_on", "入孵日期", "date", required=True),
        Field("left_on", "离孵日期", "date"),
        Field("exit_reason", "离孵原因", "code"),
    ),
    ("在孵企业", "residents"),
    aliases={
        **{k: v for k, v in _ORG_ALIASES.items() if v != "region"},
        "孵化器": "carrier",
        "孵化器名称": "carrier",
        "众创空间": "carrier",
        "载体名称": "carrier",
        "孵化载体名称": "carrier",
        "在孵企业": "name",
        "在孵企业名称": "name",
        "入孵时间": "entered_on",
        "离孵时间": "left_on",
        "毕业日期": "left_on",
        "毕业时间": "left_on",
        "去向": "exit_reason",
    },
)

TRAINED_TABLE = FieldTable(
    "trained",
    (
        _SERIAL,
        Field("name", "姓名", "text", required=True),
        Field("level", "培训等级", "code", required=True),
        Field("base", "培训基地", "text"),
        Field("completed_on", "结业日期", "date", required=True),
        _NUMBER,
        _REGION,
        Field("organisation", "工作单位", "text"),
        Field("course", "课程", "text"),
        Field("hours", "学时", "text"),
    ),
    ("培训", "trained"),
    aliases={
        "等级": "level",
        "级别": "level",
        "培训机构": "base",
        "发证单位": "base",
        "结业时间": "completed_on",
        "培训日期": "completed_on",
        "结业证书编号": "certificate_number",
        "备案编号": "certificate_number",
        "所在单位": "organisation",
        "所在机构": "organisation",
        "单位": "organisation",
        "所属区": "region",
        "地区": "region",
    },
)


def table_for(kind: str) -> FieldTable:
    """The columns of one kind of list (a recognition kind, or one of the four others)."""
    return {
        RESIDENTS: RESIDENT_TABLE,
        CANDIDATES: CANDIDATE_TABLE,
        TRAINED: TRAINED_TABLE,
        RENAMES: RENAME_TABLE,
        REVOCATIONS: REVOCATION_TABLE,
        MOVES: MOVE_TABLE,
    }.get(kind, RECOGNITION_TABLE)


# -- rows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgRef:
    """An organisation as a row names it: by credit code, by name, or both."""

    name: str
    uscc: str
    region: str  # a resolved code, or "" when the row gives none

    @property
    def key(self) -> str:
        return self.uscc or f"name:{rules.normalise_name(self.name)}"


@dataclass(frozen=True)
class RecognitionRow:
    row: int
    org: OrgRef
    number: str
    granted_on: date | None
    valid_to: date | None
    batch: str
    level: str
    notice: str
    region: str  # as the list printed it (resolved to a code)


@dataclass(frozen=True)
class RenameRow:
    row: int
    old_name: str
    new_name: str
    number: str
    uscc: str
    granted_on: date | None
    renamed_on: date | None


@dataclass(frozen=True)
class RevocationRow:
    row: int
    org: OrgRef  # as the notice names it: checked against the certificate's holder
    number: str
    revoked_on: date
    reason: str


@dataclass(frozen=True)
class MoveRow:
    row: int
    org: OrgRef  # `region` is where it moves to
    moved_on: date


@dataclass(frozen=True)
class CandidateRow:
    row: int
    org: OrgRef
    kind: str
    round: str
    year: int
    district: str
    stage: str
    note: str


@dataclass(frozen=True)
class ResidentRow:
    row: int
    carrier: OrgRef
    resident: OrgRef
    entered_on: date
    left_on: date | None
    exit_reason: str


@dataclass(frozen=True)
class TrainedRow:
    row: int
    name: str
    level: str
    base: str
    completed_on: date
    number: str
    region: str
    organisation: str
    course: str
    hours: Decimal


@dataclass(frozen=True)
class Defaults:
    """What the whole file shares, given alongside it: the notice's batch, issue date and level."""

    batch: str = ""
    granted_on: date | None = None
    level: str = ""
    jurisdiction: str = "000000"  # names of regions resolve here first (天河区 → 440106)


class _Row:
    """One raw row being read: typed values out, problems collected."""

    def __init__(self, raw: Mapping[str, object], row: int) -> None:
        self.raw, self.row = raw, row
        self.problems: list[Problem] = []

    def add(self, key: str, code: str, zh: str, en: str) -> None:
        self.problems.append(Problem(self.row, key, code, zh, en))

    def text(self, key: str) -> str:
        value = self.raw.get(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return unicodedata.normalize("NFKC", str(value)).strip()

    def day(self, key: str, default: date | None = None) -> date | None:
        value = self.raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return default
        try:
            return parse_date(value)
        except DateError as error:
            self.add(key, "date_format", error.message, error.message_en)
            return None

    def required(self, key: str, value: object, zh: str) -> None:
        if value in (None, ""):
            self.add(key, "required", f"{zh}不能为空", f"{key} is required")

    def coded(self, key: str, table: Mapping[str, tuple[str, str]], text: str, zh: str) -> str:
        """A code given as itself or as its Chinese label; "" (and a problem) otherwise."""
        code = code_of(table, text)
        if code is None:
            listed = "、".join(f"{c}（{zh_label}）" for c, (zh_label, _) in table.items())
            self.add(
                key,
                f"unknown_{key}",
                f"无法识别的{zh}：{text}（可用：{listed}）",
                f"unknown {key}: {text} (use one of {', '.join(table)})",
            )
            return ""
        return code

    def region(self, key: str, defaults: Defaults) -> str:
        text = self.text(key)
        if not text:
            return ""
        code, problem = resolve_region(text, defaults.jurisdiction)
        if problem == "region_ambiguous":
            self.add(
                key,
                problem,
                f"地区名称“{text}”对应多个行政区划，请填写 6 位代码",
                f"the region name {text!r} names several divisions; give the 6-digit code",
            )
        elif code is None:
            self.add(
                key,
                "region_unknown",
                f"无法识别的地区：{text}（请填写 GB/T 2260 代码或名称）",
                f"unknown region {text!r}: give a GB/T 2260 code or name",
            )
        return code or ""

    def org(self, name_key: str, uscc_key: str, defaults: Defaults, region_key: str = "") -> OrgRef:
        name, uscc = self.text(name_key), normalise_party_id(self.text(uscc_key))
        if uscc:
            problems = [p for p in check_uscc(uscc, uscc_key) if p.severity == "error"]
            self.problems.extend(p.at_row(self.row) for p in problems)
        if not name and not uscc:
            self.add(
                name_key,
                "name_or_uscc_required",
                "企业名称与统一社会信用代码至少填写一项",
                f"give {name_key} or {uscc_key}",
            )
        region = self.region(region_key, defaults) if region_key else ""
        return OrgRef(name[:200], uscc, region)


_ALSO = {
    # Short spellings seen on lists, beside the labels of `domain.entities`.
    "注销": "failed",
    "失败": "failed",
    "注销或失败": "failed",
    "初级": "junior_broker",
    "中级": "intermediate_broker",
    "高级": "senior_manager",
    "初级技术经理人": "junior_broker",
    "中级技术经理人": "intermediate_broker",
    "高级技术经纪人": "senior_manager",
    "国家": "national",
    "省级": "provincial",
    "省": "provincial",
    "市级": "municipal",
    "市": "municipal",
    "区级": "district",
    "区": "district",
    "入库": "candidate",
    "培育": "candidate",
    "申报": "applied",
    "认定": "recognised",
    "退出": "dropped",
}


def code_of(table: Mapping[str, tuple[str, str]], text: str) -> str | None:
    """The code `text` stands for in one of the register's small tables: the code, its Chinese
    or English label, or a short spelling lists use (中级, 毕业, 国家级)."""
    value = text.strip()
    if value in table:
        return value
    for code, (zh, en) in table.items():
        if value in (zh, en):
            return code
    also = _ALSO.get(value)
    return also if also in table else None


@cache
def _regions_by_name() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for region in all_regions():
        full = full_name(region.code)
        province = get_region(region.code[:2] + "0000")
        shorter = full.removeprefix(province.name) if province else full
        for spelling in {region.name, full, shorter}:  # 天河区, 广东省广州市天河区, 广州市天河区
            if spelling:
                index.setdefault(spelling, []).append(region.code)
    return {name: tuple(codes) for name, codes in index.items()}


@lru_cache(maxsize=4096)
def resolve_region(text: str, within: str = "000000") -> tuple[str | None, str]:
    """A GB/T 2260 code from a code or a current name; a name several divisions share
    (鼓楼区) resolves when exactly one lies within `within`. (code, "") or (None, reason)."""
    value = unicodedata.normalize("NFKC", text).strip()
    if re.fullmatch(r"\d{6}", value):
        return (value, "") if get_region(value) is not None else (None, "region_unknown")
    codes = _regions_by_name().get(value, ())
    if len(codes) > 1:
        codes = tuple(c for c in codes if is_within(c, within))
    if len(codes) == 1:
        return codes[0], ""
    return None, "region_ambiguous" if codes else "region_unknown"


def region_of_uscc(uscc: str) -> str:
    """The registering authority's division (USCC positions 3–8) when it is a known code,
    else its city (440101, a 市辖区 code, gives 440100); "" when neither is known."""
    code = uscc[2:8]
    for candidate in (code, code[:4] + "00"):
        if re.fullmatch(r"\d{6}", candidate) and get_region(candidate) is not None:
            return candidate
    return ""


def parse_recognition(
    kind: str, raw: Mapping[str, object], row: int, defaults: Defaults
) -> tuple[RecognitionRow | None, list[Problem]]:
    """A recognition list's row: organisation, number (format checked), dates, batch, level."""
    r = _Row(raw, row)
    region = r.region("region", defaults)
    org = r.org("name", "uscc", defaults)
    org = OrgRef(org.name, org.uscc, region)
    number = rules.normalise_number(r.text("certificate_number"))
    r.problems.extend(p.at_row(row) for p in rules.check_number(kind, number))
    granted_on = r.day("granted_on", defaults.granted_on)
    valid_to = r.day("valid_to")
    if granted_on and valid_to and valid_to < granted_on:
        r.add(
            "valid_to",
            "recognition_dates_reversed",
            "有效期至早于发证日期",
            "valid_to is before granted_on",
        )
    batch = r.text("batch") or defaults.batch
    if not number and not batch:
        r.add(
            "certificate_number",
            "recognition_needs_number_or_batch",
            "没有证书编号的认定须注明批次",
            "a recognition without a number must name its batch",
        )
    level_text = r.text("level")
    level = r.coded("level", rules.LEVELS, level_text, "级别") if level_text else defaults.level
    if r.problems:
        return None, r.problems
    notice = r.text("notice")
    return (
        RecognitionRow(
            row, org, number, granted_on, valid_to, batch[:200], level or "national", notice, region
        ),
        [],
    )


def parse_rename(
    raw: Mapping[str, object], row: int, defaults: Defaults
) -> tuple[RenameRow | None, list[Problem]]:
    """A rename notice's row: the old and new names, and the certificate that keeps its number."""
    r = _Row(raw, row)
    old, new = r.text("old_name")[:200], r.text("new_name")[:200]
    r.required("old_name", old, "原名称")
    r.required("new_name", new, "现名称")
    number = rules.normalise_number(r.text("certificate_number"))
    uscc = normalise_party_id(r.text("uscc"))
    if uscc:
        r.problems.extend(p.at_row(row) for p in check_uscc(uscc, "uscc") if p.severity == "error")
    granted_on = r.day("granted_on")
    renamed_on = r.day("renamed_on", defaults.granted_on)
    if r.problems:
        return None, r.problems
    return RenameRow(row, old, new, number, uscc, granted_on, renamed_on), []


def parse_revocation(
    raw: Mapping[str, object], row: int, defaults: Defaults
) -> tuple[RevocationRow | None, list[Problem]]:
    """A revocation notice's row: the certificate (which identifies the recognition), the
    holder as printed, the day it takes effect (the notice's date when the row gives none)."""
    r = _Row(raw, row)
    name, uscc = r.text("name")[:200], normalise_party_id(r.text("uscc"))
    if uscc:
        r.problems.extend(p.at_row(row) for p in check_uscc(uscc, "uscc") if p.severity == "error")
    number = rules.normalise_number(r.text("certificate_number"))
    r.required("certificate_number", number, "证书编号")
    revoked_on = r.day("revoked_on", defaults.granted_on)
    if revoked_on is None and not any(p.field == "revoked_on" for p in r.problems):
        r.add(
            "revoked_on",
            "required",
            "撤销日期不能为空（或为整份公告给出日期）",
            "revoked_on is required (or give the notice's date for the whole file)",
        )
    if r.problems or revoked_on is None:
        return None, r.problems
    reason = (r.text("reason") or DEFAULT_REVOCATION_REASON)[:300]
    return RevocationRow(row, OrgRef(name, uscc, ""), number, revoked_on, reason), []


def parse_move(
    raw: Mapping[str, object], row: int, defaults: Defaults
) -> tuple[MoveRow | None, list[Problem]]:
    """A move notice's row: the organisation, the district it moves to, the day (the notice's
    date when the row gives none)."""
    r = _Row(raw, row)
    org = r.org("name", "uscc", defaults, region_key="region")
    if not r.text("region"):
        r.required("region", "", "迁入地区")
    moved_on = r.day("moved_on", defaults.granted_on)
    if moved_on is None and not any(p.field == "moved_on" for p in r.problems):
        r.add(
            "moved_on",
            "required",
            "迁入日期不能为空（或为整份公告给出日期）",
            "moved_on is required (or give the notice's date for the whole file)",
        )
    if r.problems or moved_on is None:
        return None, r.problems
    return MoveRow(row, org, moved_on), []


_YEAR = re.compile(r"(19|20)\d{2}")


def parse_candidate(
    raw: Mapping[str, object], row: int, defaults: Defaults
) -> tuple[CandidateRow | None, list[Problem]]:
    """A potential list's row: organisation, district, round (its year), stage."""
    r = _Row(raw, row)
    org = r.org("name", "uscc", defaults)
    district = r.region("district", defaults)
    round_name = (r.text("round") or defaults.batch)[:100]
    r.required("round", round_name, "培育批次")
    in_round = _YEAR.search(round_name)
    year_text = r.text("year") or (in_round.group() if in_round else "")
    if not year_text and defaults.granted_on:
        year_text = str(defaults.granted_on.year)
    year = int(year_text) if year_text.isdecimal() and len(year_text) == 4 else 0
    if round_name and not year:
        r.add(
            "year",
            "candidate_year_required",
            "无法确定培育年度：请填写年度，或在培育批次中写明年份",
            "no year: give the year, or name it in the round",
        )
    stage_text = r.text("stage")
    stage = (
        r.coded("stage", rules.CANDIDATE_STAGES, stage_text, "阶段") if stage_text else "candidate"
    )
    kind_text = r.text("kind")
    kind = (
        r.coded("kind", {k: (v.zh, v.en) for k, v in rules.KINDS.items()}, kind_text, "拟认定类别")
        if kind_text
        else "high_tech_enterprise"
    )
    if r.problems:
        return None, r.problems
    return CandidateRow(row, org, kind, round_name, year, district, stage, r.text("note")[:300]), []


def parse_resident(
    raw: Mapping[str, object], row: int, defaults: Defaults
) -> tuple[ResidentRow | None, list[Problem]]:
    """A resident list's row: the carrier (its name or credit code), the resident, the dates."""
    r = _Row(raw, row)
    carrier_text = r.text("carrier")
    r.required("carrier", carrier_text, "孵化载体")
    as_uscc = normalise_party_id(carrier_text)
    is_code = len(as_uscc) == 18 and not any(
        p.severity == "error" for p in check_uscc(as_uscc, "carrier")
    )
    carrier = OrgRef("" if is_code else carrier_text[:200], as_uscc if is_code else "", "")
    resident = r.org("name", "uscc", defaults)
    entered_on = r.day("entered_on")
    r.required("entered_on", entered_on or r.text("entered_on"), "入孵日期")
    left_on = r.day("left_on")
    reason_text = r.text("exit_reason")
    reason = (
        r.coded("exit_reason", rules.EXIT_REASONS, reason_text, "离孵原因") if reason_text else ""
    )
    if left_on and not reason_text:
        r.add(
            "exit_reason",
            "exit_reason_required",
            "填写了离孵日期的企业须注明离孵原因（毕业、迁出、注销或失败）",
            "a resident that left needs an exit_reason (graduated, left or failed)",
        )
    if reason and not left_on:
        r.add(
            "left_on",
            "left_on_required",
            "注明离孵原因的企业须填写离孵日期",
            "an exit_reason needs the day the resident left (left_on)",
        )
    if entered_on and left_on and left_on < entered_on:
        r.add(
            "left_on",
            "residency_dates_reversed",
            "离孵日期早于入孵日期",
            "left_on is before entered_on",
        )
    if r.problems or entered_on is None:
        return None, r.problems
    return ResidentRow(row, carrier, resident, entered_on, left_on, reason), []


def parse_trained(
    raw: Mapping[str, object], row: int, defaults: Defaults
) -> tuple[TrainedRow | None, list[Problem]]:
    """A training list's row: the person, the level of the national outline, the base, the day."""
    r = _Row(raw, row)
    name = r.text("name")[:100]
    r.required("name", name, "姓名")
    level_text = r.text("level")
    r.required("level", level_text, "培训等级")
    level = r.coded("level", rules.TRAINING_LEVELS, level_text, "培训等级") if level_text else ""
    completed_on = r.day("completed_on", defaults.granted_on)
    if completed_on is None and not any(p.field == "completed_on" for p in r.problems):
        r.add("completed_on", "required", "结业日期不能为空", "completed_on is required")
    region = r.region("region", defaults)
    hours_text = r.text("hours") or "0"
    try:
        hours = Decimal(hours_text)
        if not hours.is_finite() or hours < 0 or hours >= 100_000:
            raise InvalidOperation
    except InvalidOperation:
        hours = Decimal(0)
        r.add("hours", "hours_format", f"学时应为非负数：{hours_text}", f"hours: {hours_text}")
    if r.problems or completed_on is None:
        return None, r.problems
    course = r.text("course") or rules.label(rules.TRAINING_LEVELS, level) + "培训"
    return (
        TrainedRow(
            row,
            name,
            level,
            r.text("base")[:200],
            completed_on,
            rules.normalise_number(r.text("certificate_number"))[:50],
            region,
            r.text("organisation")[:200],
            course[:200],
            hours.quantize(Decimal("0.1")),
        ),
        [],
    )
