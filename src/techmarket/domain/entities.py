"""Innovation entities (创新主体): kinds of recognition, their numbers, validity and names.

Plain rules shared by imports, pages and counts (`../shared/domain-entities.md`):

* A **recognition** is one row per organisation, kind, level and number: granted on a printed
  date, valid to a printed or computed date, possibly revoked from an effective date. It is in
  force on day D when granted_on ≤ D ≤ valid_to and no revocation took effect on or before D.
* **Validity.** 高新技术企业: three years from the certificate's issue date. Whether the last day
  is the anniversary itself (2018-11-28 → 2021-11-28, as one official system prints) or the day
  before is not fixed; it is the setting ``TECHMARKET_HIGH_TECH_LAST_DAY`` ("anniversary", the
  default, as printed in the one system seen; or "day_before"). 科技型中小企业: the number is valid
  for the year it names (its first four digits), to 31 December. Kinds without a public rule take
  the validity printed on the list, or none (in force until revoked).
* **Names.** Lists without credit codes are matched on exact names after normalising full-width
  brackets and spaces; near-identical names are different firms until someone says otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

from techmarket.codes.regions import get_region, province_prefixes
from techmarket.domain.problems import Problem

LastDay = Literal["anniversary", "day_before"]
LAST_DAY_CONVENTIONS: tuple[LastDay, ...] = ("anniversary", "day_before")


@dataclass(frozen=True)
class Kind:
    """A kind of recognition: its labels, how long it lasts and what its number looks like."""

    code: str
    zh: str
    en: str
    years_valid: int | None  # None: printed on the list or open-ended
    counts_residents: bool = False  # an incubator or maker space keeps resident enterprises


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind("high_tech_enterprise", "高新技术企业", "High-tech enterprise", 3),
        Kind("tech_sme", "科技型中小企业", "Technology-based SME", None),
        Kind("incubator", "科技企业孵化器", "Technology business incubator", None, True),
        Kind("maker_space", "众创空间", "Maker space", None, True),
        Kind("new_rd_institution", "新型研发机构", "New R&D institution", None),
        Kind("enterprise_tech_centre", "企业技术中心", "Enterprise technology centre", None),
        Kind("tech_transfer_institution", "技术转移机构", "Technology transfer institution", None),
        Kind("specialised_sme", "专精特新中小企业", "Specialised and innovative SME", 3),
    )
}

LEVELS: dict[str, tuple[str, str]] = {
    "national": ("国家级", "national"),
    "provincial": ("省级", "provincial"),
    "municipal": ("市级", "municipal"),
    "district": ("区级", "district"),
}

#: Stored statuses. "expired" is not stored: it follows from valid_to and the reader's date.
STORED_STATUSES = ("recognised", "revoked")
STATUSES: dict[str, tuple[str, str]] = {
    "recognised": ("有效", "in force"),
    "expired": ("已过期", "expired"),
    "revoked": ("已撤销", "revoked"),
    "not_yet": ("未生效", "not yet in force"),
}

#: A candidate's stage in a cultivation round (培育库 → 申报 → 认定), or dropped from it.
CANDIDATE_STAGES: dict[str, tuple[str, str]] = {
    "candidate": ("培育入库", "candidate"),
    "applied": ("已申报", "applied"),
    "recognised": ("已认定", "recognised"),
    "dropped": ("已退出", "dropped"),
}

#: Why a resident enterprise left its incubator.
EXIT_REASONS: dict[str, tuple[str, str]] = {
    "graduated": ("毕业", "graduated"),
    "left": ("迁出", "left"),
    "failed": ("注销或失败", "failed"),
}

#: Training levels of the national outline for transfer professionals (火炬中心, 2020).
TRAINING_LEVELS: dict[str, tuple[str, str]] = {
    "junior_broker": ("初级技术经纪人", "junior technology broker"),
    "intermediate_broker": ("中级技术经纪人", "intermediate technology broker"),
    "senior_manager": ("高级技术经理人", "senior technology transfer manager"),
}

_HIGH_TECH_NUMBER = re.compile(r"^G[RF](\d{4})(\d{2})(\d{6})$")
_SME_NUMBER = re.compile(r"^(\d{4})(\d{6})([0AB])(\d{7})$")


def kind_of(code: str) -> Kind | None:
    return KINDS.get(code)


def normalise_number(text: object) -> str:
    """A certificate number as compared: full-width folded, spaces dropped, upper case."""
    value = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"\s+", "", value).upper()


def check_number(kind: str, number: str, field: str = "certificate_number") -> list[Problem]:
    """Problems with a certificate or registration number whose format is public; other kinds'
    numbers are free text."""
    if not number:
        return []
    if kind == "high_tech_enterprise":
        return _check_high_tech(number, field)
    if kind == "tech_sme":
        return _check_tech_sme(number, field)
    return []


def _check_high_tech(number: str, field: str) -> list[Problem]:
    m = _HIGH_TECH_NUMBER.match(number)
    if m is None:
        return [
            Problem(
                0,
                field,
                "high_tech_number_format",
                f"高新技术企业证书编号应为 GR + 4 位年份 + 2 位省级代码 + 6 位序号（共 14 位）：{number}",
                f"a high-tech enterprise certificate number is GR + 4-digit year + 2-digit "
                f"province code + 6-digit serial (14 characters): {number}",
            )
        ]
    if m.group(2) not in province_prefixes():
        return [
            Problem(
                0,
                field,
                "high_tech_number_province",
                f"证书编号第 7–8 位 {m.group(2)} 不是省级行政区划代码：{number}",
                f"characters 7–8 ({m.group(2)}) name no province: {number}",
            )
        ]
    return []


def _check_tech_sme(number: str, field: str) -> list[Problem]:
    m = _SME_NUMBER.match(number)
    if m is None:
        return [
            Problem(
                0,
                field,
                "tech_sme_number_format",
                "科技型中小企业入库登记编号应为 4 位年份 + 6 位县级行政区划代码 + 0/A/B + 7 位数字"
                f"（共 18 位）：{number}",
                "a tech-SME registration number is a 4-digit year + 6-digit county code + 0, A "
                f"or B + 7 digits (18 characters): {number}",
            )
        ]
    if (
        get_region(m.group(2), date(int(m.group(1)), 12, 31)) is None
        and get_region(m.group(2)) is None
    ):
        return [
            Problem(
                0,
                field,
                "tech_sme_number_region",
                f"登记编号第 5–10 位 {m.group(2)} 不是行政区划代码：{number}",
                f"characters 5–10 ({m.group(2)}) are no GB/T 2260 region code: {number}",
            )
        ]
    return []


def number_year(kind: str, number: str) -> int | None:
    """The year a high-tech certificate or tech-SME number names, or None."""
    pattern = {"high_tech_enterprise": _HIGH_TECH_NUMBER, "tech_sme": _SME_NUMBER}.get(kind)
    m = pattern.match(number) if pattern else None
    return int(m.group(1)) if m else None


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)


def valid_to(
    kind: str,
    granted_on: date | None,
    number: str = "",
    *,
    last_day: LastDay = "anniversary",
) -> date | None:
    """The last day in force when the list prints none: three years for high-tech enterprises
    (by the ``last_day`` convention), the named year for tech SMEs, open-ended otherwise."""
    if kind == "tech_sme":
        year = number_year(kind, number) or (granted_on.year if granted_on else None)
        return date(year, 12, 31) if year else None
    spec = KINDS.get(kind)
    if spec is None or spec.years_valid is None or granted_on is None:
        return None
    end = _add_years(granted_on, spec.years_valid)
    if last_day == "day_before":
        return date.fromordinal(end.toordinal() - 1)
    return end


def status_on(
    day: date, granted_on: date | None, valid_to_day: date | None, revoked_on: date | None
) -> str:
    """What a recognition was on ``day``: in force, not yet, expired or revoked."""
    if revoked_on is not None and revoked_on <= day:
        return "revoked"
    if granted_on is not None and day < granted_on:
        return "not_yet"
    if valid_to_day is not None and day > valid_to_day:
        return "expired"
    return "recognised"


_BRACKETS = str.maketrans({"（": "(", "）": ")", "［": "[", "］": "]", "【": "[", "】": "]"})


def normalise_name(name: object) -> str:
    """An organisation's name as matched: NFKC, brackets half-width, no spaces at all.

    Nothing else is folded: "广州某某科技有限公司" and "广州某某技术有限公司" stay two firms.
    """
    text = unicodedata.normalize("NFKC", str(name or "")).translate(_BRACKETS)
    return re.sub(r"\s+", "", text)


def label(table: dict[str, tuple[str, str]], code: str, language: str = "zh") -> str:
    pair = table.get(code)
    if pair is None:
        return code
    return pair[0] if language == "zh" else pair[1]


def candidate_moves(stage: str) -> tuple[str, ...]:
    """The stages a candidate at ``stage`` may move to (what `entities.services.set_stage`
    accepts): forward along 培育入库 → 已申报 → 已认定, or dropped, until recognised or dropped."""
    order = ("candidate", "applied", "recognised")
    if stage not in order or stage == "recognised":
        return ()
    return (*order[order.index(stage) + 1 :], "dropped")
