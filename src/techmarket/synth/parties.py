"""Pools of synthetic contract parties with valid identifiers, built once per generator run.

Check characters are computed here, per party, not per record: a run of a million records
reuses a few thousand sellers and buyers, as real registries see repeat sellers.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import date
from typing import NamedTuple

from techmarket.codes.regions import Region, all_regions, get_region, is_within
from techmarket.domain.identifiers import (
    org_code_check_char,
    resident_id_check_char,
    uscc_check_char,
)
from techmarket.synth import calibration as cal
from techmarket.synth.sampling import Weighted

NATURAL_PERSON = "400"
EXCLUDED_PROVINCES = frozenset({"71", "81", "82"})  # 台湾, 香港, 澳门: buyers there are 港澳台


class Party(NamedTuple):
    """One side of a contract as the record writes it ("" where a field does not apply)."""

    name: str
    id: str
    nature: str
    region: str
    country: str


# USCC positions 1–2: registering authority and kind (GB 32100: 9 1 enterprise, 1 1 organ,
# 1 2 public institution, 5 1 association, Y 1 other).
_USCC_PREFIX = {"01": "11", "02": "12", "03": "51", "90": "Y1"}
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
    "工程技术",
    "半导体",
    "数据科技",
)
_ENTERPRISE_SUFFIX = {"160": "股份有限公司", "110": "集团有限公司", "330": "（中国）有限公司"}
_UNIVERSITY_KINDS = (
    "大学",
    "理工大学",
    "工业大学",
    "科技大学",
    "医科大学",
    "农业大学",
    "师范大学",
    "职业技术学院",
    "工程学院",
    "信息工程学院",
)
_INSTITUTE_SUBJECTS = (
    "电子技术",
    "信息技术",
    "自动化",
    "机械科学",
    "材料科学",
    "生物技术",
    "药物",
    "环境科学",
    "能源",
    "农业科学",
    "建筑科学",
    "交通科学",
    "化工",
    "计量测试",
    "软件",
    "光电技术",
)
_HOSPITAL_KINDS = (
    "人民医院",
    "中医院",
    "妇幼保健院",
    "疾病预防控制中心",
    "第一人民医院",
    "口腔医院",
)
_ASSOCIATION_KINDS = ("科学技术协会", "生产力促进中心", "软件行业协会", "电子学会", "机械工程学会")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红文斌宁浩然宇轩"
_FOREIGN_WORDS = (
    "Northbridge",
    "Bluewave",
    "Helix",
    "Quantum",
    "Vertex",
    "Summit",
    "Aurora",
    "Nordwind",
    "Sakura",
    "Orion",
    "Pacific",
    "Crestline",
)
_FOREIGN_SUFFIX = {
    "USA": "Technologies Inc.",
    "DEU": "Technik GmbH",
    "JPN": "Co., Ltd.",
    "KOR": "Co., Ltd.",
    "SGP": "Pte. Ltd.",
    "GBR": "Systems Ltd",
    "FRA": "SAS",
    "NLD": "B.V.",
    "ITA": "S.p.A.",
    "AUS": "Pty Ltd",
    "CAN": "Corp.",
    "ISR": "Ltd.",
}
_HMT_PLACE = {"HKG": "香港", "MAC": "澳门", "TWN": "台湾"}


def county_codes(within: str, *, valid_since: int) -> list[str]:
    """County-level codes in use now under `within` that already existed in `valid_since`.

    `within` may be a province, city or county code (a county stands for itself).
    """
    found = [
        r.code
        for r in all_regions()
        if r.level == "county"
        and r.name != "市辖区"
        and r.start_year <= valid_since
        and is_within(r.code, within)
        and r.code[:2] not in EXCLUDED_PROVINCES
    ]
    if found:
        return found
    region = get_region(within)
    if region is not None and region.end_year is None and region.start_year <= valid_since:
        return [within]
    raise ValueError(f"no county-level division in use under {within} since {valid_since}")


def other_province_counties(province: str, *, valid_since: int) -> list[str]:
    """County-level codes of every other mainland province."""
    return [c for c in county_codes("000000", valid_since=valid_since) if c[:2] != province[:2]]


def _short(name: str) -> str:
    """广州市 → 广州; long minority-area names cut to two characters."""
    for suffix in ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            name = name[: -len(suffix)]
            break
    return name if len(name) <= 3 else name[:2]


class _Places:
    """Place words for party names (city and province), cached per county code."""

    def __init__(self) -> None:
        self._city: dict[str, str] = {}
        self._province: dict[str, str] = {}

    def city(self, county: str) -> str:
        if county not in self._city:
            prefecture = get_region(county[:4] + "00")
            if prefecture is not None and prefecture.level == "city":
                word = _short(prefecture.name)
            else:  # municipality district or county directly under its province
                province = get_region(county[:2] + "0000")
                municipal = province is not None and province.name.endswith("市")
                own = get_region(county)
                word = _short(province.name if municipal and province else _name(own, county))
            self._city[county] = word
        return self._city[county]

    def province(self, county: str) -> str:
        if county not in self._province:
            region = get_region(county[:2] + "0000")
            self._province[county] = _name(region, county)
        return self._province[county]


def _name(region: Region | None, fallback: str) -> str:
    return region.name if region is not None else fallback


class PartyFactory:
    """Makes parties with unique names and identifiers; one instance per generator run."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd
        self.places = _Places()
        self.names: set[str] = set()
        self.ids: set[str] = set()

    def _unique_name(self, make: Callable[[], str], tries: int = 50) -> str | None:
        for _ in range(tries):
            name = make()
            if name not in self.names:
                self.names.add(name)
                return name
        return None

    def uscc(self, nature: str, county: str) -> str:
        """A unified social credit code issued in `county`, with a valid embedded org code."""
        prefix = "91" if nature[0] in "123" else _USCC_PREFIX.get(nature[:2], "Y1")
        while True:
            org8 = f"{self.rnd.randrange(10**8):08d}"
            first17 = prefix + county + org8 + org_code_check_char(org8)
            code = first17 + uscc_check_char(first17)
            if code not in self.ids:
                self.ids.add(code)
                return code

    def resident_id(self, county: str) -> str:
        """An 18-digit resident ID of someone born 1960–1995 with a registered `county`."""
        rnd = self.rnd
        while True:
            born = date.fromordinal(
                rnd.randrange(date(1960, 1, 1).toordinal(), date(1995, 12, 31).toordinal())
            )
            first17 = f"{county}{born:%Y%m%d}{rnd.randrange(1000):03d}"
            number = first17 + resident_id_check_char(first17)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def organisation(self, group: str, nature: str, county: str) -> Party | None:
        """A domestic organisation of a statistics group, or None when names run out."""
        rnd, city = self.rnd, self.places.city(county)
        if group == "enterprise":

            def make() -> str:
                brand = rnd.choice(_BRAND) + rnd.choice(_BRAND)
                suffix = _ENTERPRISE_SUFFIX.get(nature, "有限公司")
                return f"{city}{brand}{rnd.choice(_INDUSTRY)}{suffix}"

        elif group == "university":

            def make() -> str:
                return f"{city}{rnd.choice(_UNIVERSITY_KINDS)}"

        elif group == "research_institute":

            def make() -> str:
                place = rnd.choice((city, self.places.province(county)))
                return f"{place}{rnd.choice(_INSTITUTE_SUBJECTS)}{rnd.choice(('研究所', '研究院'))}"

        elif group == "medical":

            def make() -> str:
                return f"{city}{rnd.choice(_HOSPITAL_KINDS)}"

        elif group == "government":

            def make() -> str:
                return f"{city}{rnd.choice(('科学技术局', '工业和信息化局', '农业农村局'))}"

        else:  # association, other public bodies, other organisations

            def make() -> str:
                return f"{city}{rnd.choice(_ASSOCIATION_KINDS)}"

        name = self._unique_name(make)
        if name is None:
            return None
        return Party(name, self.uscc(nature, county), nature, county, "CHN")

    def person(self, county: str) -> Party:
        """A natural person (nature 400) identified by a resident ID."""
        rnd = self.rnd

        def make() -> str:
            given = "".join(rnd.choice(_GIVEN) for _ in range(rnd.choice((1, 2))))
            return rnd.choice(_SURNAMES) + given

        name = self._unique_name(make, tries=1000) or f"{make()}{len(self.names)}"
        self.names.add(name)
        return Party(name, self.resident_id(county), NATURAL_PERSON, county, "CHN")

    def foreign(self, country: str) -> Party:
        """A buyer in 港澳台 or abroad: no USCC and no GB/T 2260 region."""
        rnd = self.rnd
        if country in _HMT_PLACE:

            def make() -> str:
                brand = rnd.choice(_BRAND) + rnd.choice(_BRAND)
                kind = "股份有限公司" if country == "TWN" else "有限公司"
                return f"{_HMT_PLACE[country]}{brand}{rnd.choice(_INDUSTRY)}{kind}"

        else:

            def make() -> str:
                words = rnd.sample(_FOREIGN_WORDS, 2)
                return f"{words[0]} {words[1]} {_FOREIGN_SUFFIX.get(country, 'Ltd.')}"

        name = self._unique_name(make) or f"{make()} {len(self.names)}"
        self.names.add(name)
        return Party(name, "", cal.FOREIGN_BUYER_NATURE, "", country)


def _zipf(items: list[Party], exponent: float = 0.8) -> Weighted[Party]:
    """A few parties sign many contracts, most sign few."""
    return Weighted(items, [1.0 / (rank + 1) ** exponent for rank in range(len(items))])


def seller_pools(
    factory: PartyFactory, counties: list[str], group_natures: Mapping[str, Weighted[str]]
) -> dict[str, Weighted[Party]]:
    """Sellers per statistics group, all located in `counties` (the agency's area)."""
    rnd = factory.rnd
    pools: dict[str, Weighted[Party]] = {}
    for group, size in cal.SELLER_POOL_SIZE.items():
        members: list[Party] = []
        for _ in range(size):
            county = rnd.choice(counties)
            if group == "individual":
                members.append(factory.person(county))
                continue
            party = factory.organisation(group, group_natures[group].pick(rnd), county)
            if party is not None:
                members.append(party)
        if members:
            pools[group] = _zipf(members)
    return pools


def domestic_buyers(factory: PartyFactory, counties: list[str], size: int) -> Weighted[Party]:
    """Buyers of mixed natures spread over `counties`."""
    rnd = factory.rnd
    natures = Weighted.of(cal.BUYER_NATURES)
    members: list[Party] = []
    for _ in range(size):
        nature = natures.pick(rnd)
        party = factory.organisation(_group_of(nature), nature, rnd.choice(counties))
        if party is not None:
            members.append(party)
    return _zipf(members, exponent=0.5)


def foreign_buyers(
    factory: PartyFactory, countries: Mapping[str, float], size: int
) -> Weighted[Party]:
    """Buyers in 港澳台 or abroad, countries drawn by weight."""
    pick = Weighted.of(countries)
    return _zipf([factory.foreign(pick.pick(factory.rnd)) for _ in range(size)], exponent=0.5)


_PUBLIC = {"021": "research_institute", "022": "university", "023": "medical"}


def _group_of(nature: str) -> str:
    """The statistics group of a nature code (contract-format.md §5), to choose a name."""
    if nature[0] in "123":
        return "enterprise"
    if nature.startswith("01"):
        return "government"
    return _PUBLIC.get(nature, "association")
