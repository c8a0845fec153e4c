"""Synthetic technology contracts as raw records (contract-format.md §1), calibrated to published
technology-market statistics (see calibration.py and CALIBRATION.md).

Why: load tests, demos and statistics development need realistic volumes without real
contracts. Records are streamed and every one passes the validator and the recognition rules:
the seller lies in the agency's area, the contract is in force when registered, names use the
statutory type word, patent sub-types carry valid patent numbers.

Amounts are exact: computed in integer fen (as exact as Decimal, and faster) and written as
yuan strings with two decimals, with total − Σ non-technical items = 技术交易额 to the fen.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right as bisect
from collections.abc import Iterator, Sequence
from datetime import date
from typing import NamedTuple

from techmarket.domain.identifiers import patent_check_char
from techmarket.domain.recognition import (
    EXCLUDED_SERVICE_WORDS,
    NON_TECHNICAL_CONSULTING_WORDS,
)
from techmarket.synth import calibration as cal
from techmarket.synth.dates import IsoDates, contract_dates, registration_days, term_range
from techmarket.synth.parties import (
    Party,
    PartyFactory,
    county_codes,
    domestic_buyers,
    foreign_buyers,
    other_province_counties,
    seller_pools,
)
from techmarket.synth.sampling import Weighted
from techmarket.synth.topics import TOPICS_BY_FIELD

FIRST_YEAR = 2005  # 12-digit patent numbers (2003+) must predate the contracts
PATENT_POOL_SIZE = 400

# The statutory name of each (type, sub-type) (domain.md §1.3; Civil Code arts 851–887).
TYPE_WORDS: dict[tuple[str, str], str] = {
    ("development", "commissioned"): "技术开发合同",
    ("development", "cooperative"): "技术开发合同",
    ("transfer", "patent_right"): "专利权转让合同",
    ("transfer", "patent_application_right"): "专利申请权转让合同",
    ("transfer", "know_how"): "技术秘密转让合同",
    ("transfer", "software_copyright"): "计算机软件著作权转让合同",
    ("transfer", "ic_layout"): "集成电路布图设计专有权转让合同",
    ("transfer", "plant_variety"): "植物新品种权转让合同",
    ("transfer", "other"): "技术转让合同",
    ("license", "patent_exclusive"): "专利实施许可合同",
    ("license", "patent_sole"): "专利实施许可合同",
    ("license", "patent_ordinary"): "专利实施许可合同",
    ("license", "know_how"): "技术秘密使用许可合同",
    ("license", "software"): "计算机软件许可合同",
    ("license", "other"): "技术许可合同",
    ("consulting", ""): "技术咨询合同",
    ("service", "general"): "技术服务合同",
    ("service", "training"): "技术培训合同",
    ("service", "intermediary"): "技术中介合同",
}
PATENT_KIND_BY_IP = {"01": "1", "02": "2", "04": "1"}


def _fen(value: int) -> str:
    """Integer fen as a yuan string with two decimals: 123450 → "1234.50"."""
    return f"{value // 100}.{value % 100:02d}"


def _patent_pools(rnd: random.Random, last_year: int) -> dict[str, list[str]]:
    """Valid CN application numbers of kinds 1 (invention) and 2 (utility model)."""
    pools: dict[str, list[str]] = {}
    for kind in ("1", "2"):
        numbers = []
        for _ in range(PATENT_POOL_SIZE):
            digits = f"{rnd.randint(2008, last_year)}{kind}{rnd.randrange(10**7):07d}"
            number = f"{digits}.{patent_check_char(digits)}"
            numbers.append(f"ZL{number}" if rnd.random() < 0.3 else number)
        pools[kind] = numbers
    return pools


class _Kind(NamedTuple):
    """Everything the hot loop needs about one (type, sub-type), looked up once per run."""

    contract_type: str
    subtype: str
    word: str
    field: str | None  # fixed by the sub-type (software → 01), else drawn
    ips: Weighted[str]
    value_factor: float
    tech_full: float  # probability that the whole amount is technical
    tech_low: float
    tech_span: float
    term: tuple[int, int]
    payments: Weighted[str]
    topics: dict[str, tuple[str, ...]]


def _topics_for(contract_type: str) -> dict[str, tuple[str, ...]]:
    """Topics per field, minus those whose words the recognition check flags for this type."""
    avoid = {
        "service": EXCLUDED_SERVICE_WORDS,
        "consulting": NON_TECHNICAL_CONSULTING_WORDS,
    }.get(contract_type, ())
    result = {}
    for field, topics in TOPICS_BY_FIELD.items():
        kept = tuple(t for t in topics if not any(word in t for word in avoid))
        result[field] = kept or topics
    return result


def _kinds() -> Weighted[_Kind]:
    """The joint distribution of (type, sub-type), with their per-kind parameters."""
    ips = {k: Weighted.of(w) for k, w in {**cal.IP_BY_TYPE, **cal.IP_BY_SUBTYPE}.items()}
    parts: dict[str, tuple[float, Weighted[_Kind]]] = {}
    for contract_type, count_share in cal.TYPE_COUNT_SHARE.items():
        low, high = cal.TECH_RATIO_PARTIAL[contract_type]
        mean = (low + high) / 2
        topics = _topics_for(contract_type)
        payments = Weighted.of(
            cal.LICENSE_PAYMENT_WEIGHTS if contract_type == "license" else cal.PAYMENT_WEIGHTS
        )
        kinds = Weighted.of(cal.SUBTYPE_WEIGHTS[contract_type]).mapped(
            lambda subtype, t=contract_type, lo=low, hi=high, m=mean, tp=topics, pay=payments: (
                _Kind(
                    contract_type=t,
                    subtype=subtype,
                    word=TYPE_WORDS[t, subtype],
                    field=cal.FIELD_BY_SUBTYPE.get(subtype),
                    ips=ips.get(subtype) or ips[t],
                    value_factor=cal.TYPE_VALUE_SHARE[t] / cal.TYPE_COUNT_SHARE[t],
                    tech_full=(cal.TECH_RATIO_TARGET[t] - m) / (1 - m),
                    tech_low=lo,
                    tech_span=hi - lo,
                    term=term_range(t),
                    payments=pay,
                    topics=tp,
                )
            )
        )
        parts[contract_type] = (count_share, kinds)
    return Weighted.mixture(parts)


class _Amounts:
    """Heavy-tailed totals (integer fen)."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd
        self.body_mu = math.log(cal.BODY_MEDIAN_YUAN)
        self.large_mu = math.log(cal.LARGE_MEDIAN_YUAN)

    def total_fen(self, factor: float) -> int:
        """A contract total, rounded as contracts are (to 1,000 / 100 / 1 yuan), some with fen."""
        rnd = self.rnd
        if rnd.random() < cal.LARGE_SHARE:
            yuan = math.exp(self.large_mu + cal.LARGE_SIGMA * rnd.gauss())
        else:
            yuan = math.exp(self.body_mu + cal.BODY_SIGMA * rnd.gauss())
        yuan = min(max(yuan * factor, cal.MIN_TOTAL_YUAN), cal.MAX_TOTAL_YUAN)
        step = 1000 if yuan >= 1_000_000 else 100 if yuan >= 10_000 else 1
        fen = int(yuan / step) * step * 100
        if rnd.random() < 0.1:
            fen += int(100 * rnd.random())
        return fen


def _sellers(
    factory: PartyFactory, region: str, since: int
) -> Weighted[tuple[float, dict[str, str]]]:
    """Sellers in `region` with their amount factor (value share / count share of the group)."""
    group_natures = {
        "enterprise": Weighted.of(cal.ENTERPRISE_NATURES),
        "university": Weighted.of({"022": 1.0}),
        "research_institute": Weighted.of({"021": 1.0}),
        "medical": Weighted.of({"023": 1.0}),
        "association": Weighted.of({"030": 0.6, "024": 0.4}),
    }
    pools = seller_pools(factory, county_codes(region, valid_since=since), group_natures)
    parts = {}
    for group, pool in pools.items():
        count = cal.SELLER_GROUP_COUNT_SHARE[group]
        factor = cal.SELLER_GROUP_VALUE_SHARE[group] / count
        parts[group] = (count, pool.mapped(lambda party, f=factor: (f, _fields("seller", party))))
    return Weighted.mixture(parts)


def _fields(role: str, party: Party) -> dict[str, str]:
    """A party's record fields, built once so each record merges them in one step."""
    return {
        f"{role}_name": party.name,
        f"{role}_id": party.id,
        f"{role}_nature": party.nature,
        f"{role}_region": party.region,
        f"{role}_country": party.country,
    }


def _buyers(factory: PartyFactory, region: str, since: int) -> Weighted[dict[str, str]]:
    """Buyers in the province, other provinces, 港澳台 and abroad, mixed by origin share."""
    sizes, province = cal.BUYER_POOL_SIZE, region[:2] + "0000"
    pools = {
        "same_province": domestic_buyers(
            factory, county_codes(province, valid_since=since), sizes["same_province"]
        ),
        "other_province": domestic_buyers(
            factory, other_province_counties(province, valid_since=since), sizes["other_province"]
        ),
        "hmt": foreign_buyers(factory, cal.HMT_COUNTRIES, sizes["hmt"]),
        "abroad": foreign_buyers(factory, cal.ABROAD_COUNTRIES, sizes["abroad"]),
    }
    mixed = Weighted.mixture({o: (cal.BUYER_ORIGIN_SHARE[o], p) for o, p in pools.items()})
    return mixed.mapped(lambda party: _fields("buyer", party))


def generate(
    count: int,
    *,
    years: Sequence[int],
    region: str = "440100",
    seed: int = 0,
    as_registered: bool = False,
    agency_code: str | None = None,
    today: date | None = None,
) -> Iterator[dict[str, str]]:
    """Yield `count` raw contract records (strings under the contract-format keys).

    Sellers lie in county-level divisions under `region` (a province, city or county code).
    With `as_registered` the records also carry `registered_on` (within `years`, after
    signing) and `agency_code`, and an empty `registration_number` for the platform to
    assign. The same seed (and `today`, default the current date) gives identical output.
    """
    if not years or min(years) < FIRST_YEAR:
        raise ValueError(f"years must be given and not before {FIRST_YEAR}")
    rnd = random.Random(seed)
    today_ord = (today or date.today()).toordinal()
    since = min(years) - 1  # signing may fall in the year before the first registration year

    factory = PartyFactory(rnd)
    sellers, buyers = _sellers(factory, region, since), _buyers(factory, region, since)
    kinds = _kinds()
    fields = Weighted.of(cal.FIELD_WEIGHTS)
    plans = Weighted.of(cal.PLAN_SOURCE_WEIGHTS)
    objectives = Weighted.of(cal.OBJECTIVE_WEIGHTS)
    days = registration_days(years)
    patents = _patent_pools(rnd, max(2008, since))
    total_fen = _Amounts(rnd).total_fen
    iso = IsoDates()
    iso_get = iso.memo.get
    agency = agency_code or ""
    random_ = rnd.random
    guanyu = cal.PREFIX_GUANYU_SHARE
    objective_share = cal.OBJECTIVE_FILLED_SHARE

    for n in range(1, count + 1):
        kind = kinds.items[bisect(kinds.cum, random_())]
        contract_type = kind.contract_type
        field = kind.field or fields.items[bisect(fields.cum, random_())]
        ip_type = kind.ips.items[bisect(kind.ips.cum, random_())]
        patent_numbers = ""
        patent_kind = PATENT_KIND_BY_IP.get(ip_type)
        if patent_kind is not None:
            k = 1 if random_() < 0.7 else 2 if random_() < 0.67 else 3
            patent_numbers = ";".join(rnd.sample(patents[patent_kind], k))

        topics = kind.topics[field]
        topic = topics[int(random_() * len(topics))]
        name = f"关于{topic}的{kind.word}" if random_() < guanyu else topic + kind.word

        factor, seller = sellers.items[bisect(sellers.cum, random_())]
        buyer = buyers.items[bisect(buyers.cum, random_())]

        total = total_fen(kind.value_factor * factor)
        equipment = materials = other = ""
        if random_() < kind.tech_full:
            tech = total
        else:
            tech = max(int(total * (kind.tech_low + kind.tech_span * random_())), 1)
            rest = total - tech
            eq = int(rest * random_())
            mat = int((rest - eq) * random_())
            oth = rest - eq - mat
            equipment = _fen(eq) if eq else ""
            materials = _fen(mat) if mat else ""
            other = _fen(oth) if oth else ""

        signed, valid_from, valid_to, registered = contract_dates(
            days.items[bisect(days.cum, random_())],
            kind.term,
            rnd,
            today=today_ord,
            registered=as_registered,
        )
        record = {
            "external_id": f"S{seed}-{n}",
            "name": name,
            "contract_type": contract_type,
            "subtype": kind.subtype,
            "signed_on": iso_get(signed) or iso(signed),
            "valid_from": iso_get(valid_from) or iso(valid_from),
            "valid_to": iso_get(valid_to) or iso(valid_to),
            "total_amount": _fen(total),
            "tech_amount": _fen(tech),
            "non_tech_equipment": equipment,
            "non_tech_materials": materials,
            "non_tech_other": other,
            "payment_method": kind.payments.items[bisect(kind.payments.cum, random_())],
            "tech_field": field,
            "ip_type": ip_type,
            "patent_numbers": patent_numbers,
            "objective": (
                objectives.items[bisect(objectives.cum, random_())]
                if random_() < objective_share
                else ""
            ),
            "plan_source": plans.items[bisect(plans.cum, random_())],
            **seller,
            **buyer,
        }
        if as_registered:
            record["registration_number"] = ""
            record["registered_on"] = iso(registered)  # type: ignore[arg-type]
            record["agency_code"] = agency
        yield record
