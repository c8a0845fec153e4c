"""The standard tables, declared as data: what to group by, how to name the groups, what to add.

`techmarket stats tables` lists them; the engine computes any of them for a period, a region
and a regional view. Adding a table is adding an entry here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from techmarket.codes.lists import code_list, subtypes_for
from techmarket.codes.regions import full_name

VIEWS: dict[str, tuple[str, str, str]] = {
    # view: (fact column of the region that decides membership, 中文, English)
    "registered": ("agency_region", "登记（按登记机构所在地）", "registered (by agency)"),
    "output": ("seller_region", "输出（按卖方所在地）", "output (by seller's region)"),
    "absorbed": ("buyer_region", "吸纳（按买方所在地）", "absorbed (by buyer's region)"),
}


def _code_name(list_name: str) -> Callable[[str], str]:
    codes = code_list(list_name)
    return lambda code: codes.name_of(code) if code else "（未填）"


def _subtype_name(key: str) -> str:
    contract_type, _, subtype = key.partition(":")
    type_name = code_list("contract_types").name_of(contract_type)
    if not subtype:
        return type_name
    return f"{type_name}—{subtypes_for(contract_type).name_of(subtype)}"


@functools.lru_cache(maxsize=8192)
def _region_name(code: str) -> str:
    """A region's full name, looked up once per code: a ranking of all counties names thousands."""
    return full_name(code) if code else "（境外或未填）"


# Where a party outside the scope's region is, in the flows between regions: by province in
# China, else one of these.
ELSEWHERE_NAMES = {"hmt": "港澳台", "abroad": "境外"}


def place_name(code: str) -> str:
    """A place of the flows between regions: a region's full name, 港澳台 or 境外."""
    return ELSEWHERE_NAMES.get(code) or _region_name(code)


FLOW_NAMES = {
    "in_region": "本地区内",
    "in_province": "省内其他地区",
    "other_provinces": "外省（区、市）",
    "hmt": "港澳台",
    "abroad": "境外",
}


#: The seller's standing on the registration date, first that applies: a high-tech enterprise
#: (高企) in force, else a tech SME (科小) in force, else its nature group (university, research
#: institute, other enterprises, everything else). One row per contract: shares add up to 100 %.
SELLER_RECOGNITION_NAMES = {
    "high_tech_enterprise": "高新技术企业",
    "tech_sme": "科技型中小企业",
    "university": "高等院校",
    "research_institute": "科研机构",
    "other_enterprise": "其他企业",
    "other": "其他卖方",
}


def _holds(kind: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM seller_recognitions r WHERE r.party = facts.seller_party "
        f"AND r.kind = '{kind}' AND facts.registered_on BETWEEN r.start_on AND r.end_on)"
    )


SELLER_RECOGNITION_SQL = (
    f"CASE WHEN {_holds('high_tech_enterprise')} THEN 'high_tech_enterprise' "
    f"WHEN {_holds('tech_sme')} THEN 'tech_sme' "
    "WHEN seller_group = 'university' THEN 'university' "
    "WHEN seller_group = 'research_institute' THEN 'research_institute' "
    "WHEN seller_group = 'enterprise' THEN 'other_enterprise' ELSE 'other' END"
)


@dataclass(frozen=True)
class TableSpec:
    name: str
    title_zh: str
    title_en: str
    key_sql: str  # SQL over the scoped facts (`b`) giving each row's group key
    namer: Callable[[str], str]
    growth: bool = True
    share_rank: bool = True
    limit: int | None = None
    order_by_key: bool = False
    label_sql: str | None = None  # when the name comes from the data, not a code list
    # 成交额占 GDP 比重: against the scope's region ("scope") or each row's region ("row")
    gdp: Literal["scope", "row"] | None = None
    names_from: str | None = None  # a snapshot table (id, code, name) the keys are ids of


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "overview",
            "技术合同总体情况",
            "Overview",
            "'total'",
            lambda _: "合计",
            share_rank=False,
            gdp="scope",
        ),
        TableSpec(
            "by_type",
            "按合同类型",
            "By contract type",
            "contract_type",
            _code_name("contract_types"),
        ),
        TableSpec(
            "by_subtype",
            "按合同子类",
            "By contract sub-type",
            "contract_type || ':' || COALESCE(subtype, '')",
            _subtype_name,
        ),
        TableSpec(
            "by_field",
            "按技术领域",
            "By technology field",
            "tech_field",
            _code_name("tech_fields"),
        ),
        TableSpec(
            "by_seller_nature",
            "按卖方性质（技术输出主体）",
            "By seller nature group",
            "seller_group",
            _code_name("nature_groups"),
        ),
        TableSpec(
            "by_seller_recognition",
            "按卖方认定资质（高企、科小、高校、科研机构）",
            "By seller recognition",
            SELLER_RECOGNITION_SQL,
            lambda key: SELLER_RECOGNITION_NAMES.get(key, key),
        ),
        TableSpec(
            "by_buyer_nature",
            "按买方性质（技术吸纳主体）",
            "By buyer nature group",
            "buyer_group",
            _code_name("nature_groups"),
        ),
        TableSpec("by_ip_type", "按知识产权类型", "By IP type", "ip_type", _code_name("ip_types")),
        TableSpec(
            "by_plan_source",
            "按计划来源",
            "By plan source",
            "plan_source",
            _code_name("plan_sources"),
        ),
        TableSpec(
            "by_region",
            "按地区",
            "By region",
            "{child}",
            _region_name,
            gdp="row",
        ),
        TableSpec(
            "flows",
            "技术流向（按对方所在地）",
            "Flows by the other party's location",
            "{flow}",
            lambda key: FLOW_NAMES.get(key, key),
        ),
        TableSpec(
            "top_sellers",
            "卖方排名（前 20 名）",
            "Top 20 sellers",
            "seller_party",
            lambda key: key,
            growth=False,
            limit=20,
            names_from="sellers",
        ),
    )
}
SPECIAL_TABLES = {
    "monthly": ("按月份（当月、累计、同比与环比）", "Monthly: month, cumulative, growth"),
    "flow_matrix": ("地区间技术流向（卖方所在地 → 买方所在地）", "Flows between regions"),
    "large_contracts": ("大额合同（技术交易额达到门槛）", "Large contracts"),
}
ALL_TABLE_NAMES: tuple[str, ...] = (*TABLES, *SPECIAL_TABLES)


def table_title(name: str) -> tuple[str, str]:
    if name in TABLES:
        return TABLES[name].title_zh, TABLES[name].title_en
    return SPECIAL_TABLES[name]
