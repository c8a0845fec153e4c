"""Synthetic innovation-entity lists for Guangzhou, calibrated to published counts.

Calibration (`../shared/domain-entities.md` §6): high-tech enterprises (高企) in force in
Guangzhou at each year's end — 2015 1,919; 2017 > 8,700; 2019 12,099; 2020 ≈ 12,000;
2022 > 12,300; 2023 ≈ 13,000 [published]; 2016 ≈ 4,700, 2018 ≈ 11,700, 2021 ≈ 12,000 [from
memory]. A certificate lasts three years, so at the end of year Y the certificates of Y−2, Y−1
and Y are in force and each year's grants are the year's figure less the two before
(`high_tech_grants`). About 70 % of expiring firms are re-recognised under a new number
[assumption]; the rest of a year's grants are new firms. 科技型中小企业 ≈ 21,000 in 2023
[published], other years by 12 % a year [assumption]. Three batches a year (Guangdong had 3 in
2022 and 2023), districts weighted as below [assumption, 黄埔 and 天河 largest], renames ~2 % and
district moves ~1 % of firms a year [assumption].

Pure Python: rows are dicts with the import's English keys (`domain.entity_lists`), ready for
`interchange.writers` or `entities.importer`; the same seed gives the same lists.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from techmarket.domain.identifiers import org_code_check_char, uscc_check_char
from techmarket.synth.sampling import Weighted

#: High-tech enterprises in force in Guangzhou at the end of each year.
HIGH_TECH_IN_FORCE = {
    2015: 1919,
    2016: 4700,
    2017: 8700,
    2018: 11700,
    2019: 12099,
    2020: 12000,
    2021: 12000,
    2022: 12300,
    2023: 13000,
}
#: Grants of the two years before the calibration starts (assumed), so 2015 adds up.
_SEED_GRANTS = {2013: 500, 2014: 600}
TECH_SME_2023 = 21_000
TECH_SME_GROWTH = 1.12
RE_RECOGNISED = 0.70
RENAMED_PER_YEAR = 0.02
MOVED_PER_YEAR = 0.01
BATCHES = 3

#: Guangzhou's districts and their (assumed) share of recognised firms.
DISTRICTS = {
    "440112": 0.24,  # 黄埔
    "440106": 0.22,  # 天河
    "440111": 0.10,  # 白云
    "440113": 0.10,  # 番禺
    "440105": 0.07,  # 海珠
    "440104": 0.05,  # 越秀
    "440103": 0.04,  # 荔湾
    "440114": 0.05,  # 花都
    "440115": 0.05,  # 南沙
    "440118": 0.05,  # 增城
    "440117": 0.03,  # 从化
}

_ORG = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # within both alphabets
_BRAND = "华科创智芯联达泰博睿源恒信通远航德瑞讯天海光新启卓峰宇锐昊晟图云数安"
_INDUSTRY = (
    "电子科技",
    "信息技术",
    "智能科技",
    "生物科技",
    "医药科技",
    "新材料科技",
    "能源科技",
    "环保科技",
    "精密机械",
    "自动化科技",
    "软件",
    "网络科技",
    "检测技术",
    "半导体",
    "数据科技",
)
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"


def high_tech_grants() -> dict[int, int]:
    """Certificates granted each year so that three years' grants add up to the year's count."""
    grants = dict(_SEED_GRANTS)
    for year, in_force in sorted(HIGH_TECH_IN_FORCE.items()):
        grants[year] = in_force - grants[year - 1] - grants[year - 2]
    return grants


def batch_day(year: int, batch: int) -> date:
    """The issue date printed for a batch: late in the year, one month apart [assumption]."""
    return date(year, 9 + batch, 28)


def batch_name(year: int, batch: int) -> str:
    return f"{year}年第{'一二三四五'[batch - 1]}批"


@dataclass
class Firm:
    uscc: str
    name: str
    district: str
    founded: int


@dataclass
class Register:
    """The generated history: firms, their certificates by year, renames and moves."""

    firms: list[Firm] = field(default_factory=list)
    high_tech: list[dict[str, str]] = field(default_factory=list)
    renames: list[dict[str, str]] = field(default_factory=list)
    moves: list[tuple[str, str, str, date]] = field(default_factory=list)  # uscc, from, to, on


class _Names:
    def __init__(self, rnd: random.Random) -> None:
        self.rnd, self.used = rnd, set()

    def firm(self) -> str:
        while True:
            brand = "".join(self.rnd.sample(_BRAND, 3))
            name = f"广州{brand}{self.rnd.choice(_INDUSTRY)}有限公司"
            if name not in self.used:
                self.used.add(name)
                return name


def _uscc(rnd: random.Random, region: str) -> str:
    """A credit code with a valid embedded organisation code and check character."""
    org8 = "MA" + "".join(rnd.choice(_ORG) for _ in range(6))
    body = "91" + region + org8 + org_code_check_char(org8)
    return body + uscc_check_char(body)


def generate(*, seed: int = 1, until: int = 2023, scale: float = 1.0) -> Register:
    """Guangzhou's high-tech certificates 2013…`until` (rows of the published lists, in
    batch order), with renames and moves; `scale` shrinks every count (a demo's slice)."""
    rnd = random.Random(seed)
    names = _Names(rnd)
    districts = Weighted.of(DISTRICTS)
    register = Register()
    expiring: dict[int, list[Firm]] = {}
    serials: dict[int, int] = {}
    for year, count in sorted(high_tech_grants().items()):
        if year > until:
            break
        wanted = max(1, round(count * scale))
        renewing = [f for f in expiring.pop(year, []) if rnd.random() < RE_RECOGNISED]
        firms = renewing[:wanted]
        while len(firms) < wanted:
            district = districts.pick(rnd)
            firm = Firm(_uscc(rnd, district), names.firm(), district, year - rnd.randrange(1, 12))
            register.firms.append(firm)
            firms.append(firm)
        rnd.shuffle(firms)
        serial = serials.get(year, rnd.randrange(1, 50))
        for index, firm in enumerate(firms):
            batch = 1 + index * BATCHES // len(firms)
            serial += rnd.randrange(1, 4)  # Guangzhou's share of Guangdong's serials
            register.high_tech.append(
                {
                    "name": firm.name,
                    "uscc": firm.uscc,
                    "certificate_number": f"GR{year}44{serial:06d}",
                    "granted_on": batch_day(year, batch).isoformat(),
                    "region": firm.district,
                    "batch": batch_name(year, batch),
                }
            )
            expiring.setdefault(year + 3, []).append(firm)
        serials[year] = serial
        _renames_and_moves(rnd, register, names, districts, year, firms)
    return register


def _renames_and_moves(
    rnd: random.Random,
    register: Register,
    names: _Names,
    districts: Weighted[str],
    year: int,
    firms: list[Firm],
) -> None:
    for firm in firms:
        if rnd.random() < RENAMED_PER_YEAR:
            old = firm.name
            firm.name = names.firm().replace("有限公司", "股份有限公司")
            register.renames.append(
                {
                    "old_name": old,
                    "new_name": firm.name,
                    "uscc": firm.uscc,
                    "renamed_on": date(year, 12, 31).isoformat(),
                }
            )
        if rnd.random() < MOVED_PER_YEAR:
            to = districts.pick(rnd)
            if to != firm.district:
                register.moves.append((firm.uscc, firm.district, to, date(year, 7, 1)))
                firm.district = to


def in_force(rows: list[dict[str, str]], on: date) -> int:
    """Certificates in force on a day (anniversary convention), to check the calibration."""
    count = 0
    for row in rows:
        granted = date.fromisoformat(row["granted_on"])
        if granted <= on <= granted.replace(year=granted.year + 3):
            count += 1
    return count


def tech_sme_list(year: int, *, seed: int = 1, scale: float = 1.0) -> Iterator[dict[str, str]]:
    """A year's 科技型中小企业 entries: ≈ 21,000 in 2023, 12 % a year either side; 18-character
    numbers (year, county, flag, 7 digits) in monthly batches."""
    rnd = random.Random(seed * 7919 + year)
    names = _Names(rnd)
    districts = Weighted.of(DISTRICTS)
    count = round(TECH_SME_2023 * TECH_SME_GROWTH ** (year - 2023) * scale)
    for serial in range(1, count + 1):
        district = districts.pick(rnd)
        month = 3 + (serial - 1) * 8 // count  # March … October
        flag = rnd.choice("00A" if month < 6 else "0AB")
        yield {
            "name": names.firm(),
            "uscc": _uscc(rnd, district),
            "certificate_number": f"{year}{district}{flag}{serial:07d}",
            "granted_on": date(year, month, 15).isoformat(),
            "region": district,
            "batch": f"{year}年第{month - 2}批",
        }


def incubators(*, seed: int = 1, count: int = 120) -> list[dict[str, str]]:
    """Incubators and their recognitions: about one in ten national, a third provincial, the
    rest municipal [assumption; Guangzhou had 87 c. 2015 and > 100 in its high-tech zone 2022]."""
    rnd = random.Random(seed * 31)
    districts = Weighted.of(DISTRICTS)
    rows = []
    for n in range(1, count + 1):
        district = districts.pick(rnd)
        level = "national" if n % 10 == 0 else "provincial" if n % 3 == 0 else "municipal"
        year = rnd.randrange(2012, 2024)
        rows.append(
            {
                "name": f"广州{''.join(rnd.sample(_BRAND, 2))}科技企业孵化器有限公司{n}",
                "uscc": _uscc(rnd, district),
                "granted_on": date(year, 11, 20).isoformat(),
                "region": district,
                "level": level,
                "batch": f"{year}年{ {'national': '国家级', 'provincial': '省级'}.get(level, '市级') }孵化器",
            }
        )
    return rows


def residents(
    carriers: list[dict[str, str]], *, seed: int = 1, per_carrier: int = 15
) -> list[dict[str, str]]:
    """Resident enterprises of each carrier: entered after it was recognised, most still in,
    some graduated or gone within 48 months."""
    rnd = random.Random(seed * 37)
    names = _Names(rnd)
    rows = []
    for carrier in carriers:
        since = date.fromisoformat(carrier["granted_on"])
        for _ in range(rnd.randrange(per_carrier // 2, per_carrier * 3 // 2 + 1)):
            entered = date.fromordinal(since.toordinal() + rnd.randrange(0, 1500))
            row = {
                "carrier": carrier["uscc"],
                "name": names.firm(),
                "uscc": _uscc(rnd, carrier["region"]),
                "entered_on": entered.isoformat(),
                "left_on": "",
                "exit_reason": "",
            }
            fate = rnd.random()
            if fate < 0.35:
                left = date.fromordinal(entered.toordinal() + rnd.randrange(200, 1460))
                if left < date(2025, 1, 1):
                    reason = "graduated" if fate < 0.25 else "left" if fate < 0.31 else "failed"
                    row.update(left_on=left.isoformat(), exit_reason=reason)
            rows.append(row)
    return rows


def candidates(
    register: Register, year: int, *, seed: int = 1, per_district: int = 40
) -> list[dict[str, str]]:
    """Each district's potential list for `year`'s round: firms not recognised in force then."""
    rnd = random.Random(seed * 41 + year)
    recognised = {
        row["uscc"]
        for row in register.high_tech
        if int(row["granted_on"][:4]) in (year - 1, year - 2)
    }
    pool: dict[str, list[Firm]] = {}
    for firm in register.firms:
        if firm.uscc not in recognised:
            pool.setdefault(firm.district, []).append(firm)
    rows = []
    for district, firms in sorted(pool.items()):
        for firm in rnd.sample(firms, min(per_district, len(firms))):
            stage = rnd.choices(("candidate", "applied", "recognised", "dropped"), (5, 3, 2, 1))[0]
            rows.append(
                {
                    "name": firm.name,
                    "uscc": firm.uscc,
                    "district": district,
                    "round": f"{year}年高企培育库",
                    "stage": stage,
                }
            )
    return rows


def trained_people(*, seed: int = 1, count: int = 300, year: int = 2024) -> list[dict[str, str]]:
    """Brokers trained at national bases: most junior, some intermediate, few senior."""
    rnd = random.Random(seed * 43)
    districts = Weighted.of(DISTRICTS)
    levels = Weighted.of({"junior_broker": 6, "intermediate_broker": 3, "senior_manager": 1})
    rows = []
    for n in range(1, count + 1):
        person = rnd.choice(_SURNAMES) + "".join(rnd.choice(_GIVEN) for _ in range(2))
        rows.append(
            {
                "name": person,
                "level": levels.pick(rnd),
                "base": "华南理工大学国家技术转移人才培养基地",
                "completed_on": date(year, rnd.choice((6, 11)), 30).isoformat(),
                "certificate_number": f"JSJJR{year}{n:05d}",
                "region": districts.pick(rnd),
                "organisation": "",
            }
        )
    return rows
