"""Recognition (认定) of a valid contract record by an agency: domain.md §1.3–1.5, §3, §5.3.

`parse_record` has already checked that the record is well-formed. Recognition asks the
registrar's questions: is this agency the right one, is the contract still in force, does the
name say what the contract is, does it look like a technology contract at all, and what does
registering it mean (time limit, tax treatment). Each check is a small function of the same
shape; the keyword lists are module data so the bureau can adjust them without reading code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from techmarket.codes.lists import code_list, nature_group
from techmarket.codes.regions import full_name, is_within
from techmarket.domain.identifiers import NATURAL_PERSON
from techmarket.domain.problems import Problem, Severity
from techmarket.domain.record import DOMESTIC, ContractRecord
from techmarket.domain.rulesets import RuleSet, rule_set_for

# --- data ---------------------------------------------------------------------------------------

# Words a contract name must contain for its type: the statutory names of Civil Code ch. 20
# (技术开发/转让/许可/咨询/服务合同; training and brokerage are kinds of service). The 2000 办法
# returns a contract whose name confuses its nature; the 2021 Torch Centre list (ground 5) too.
TYPE_NAME_WORDS: dict[str, tuple[str, ...]] = {
    "development": ("开发",),
    "transfer": ("转让",),
    "license": ("许可",),
    "consulting": ("咨询",),
    "service": ("服务", "培训", "中介"),
}
STATUTORY_NAMES: dict[str, str] = {
    "development": "技术开发",
    "transfer": "技术转让",
    "license": "技术许可",
    "consulting": "技术咨询",
    "service": "技术服务",
}
SERVICE_SUBTYPE_NAMES: dict[str, str] = {"training": "技术培训", "intermediary": "技术中介"}

# 2001 技术合同认定规则 as summarised in domain.md §1.3: economic analysis, legal consulting,
# social evaluations and purchasing advice are not technical consulting. [V; list wording M]
NON_TECHNICAL_CONSULTING_WORDS: tuple[str, ...] = (
    "法律",
    "律师",
    "财务",
    "会计",
    "审计",
    "税务",
    "管理咨询",
    "企业管理",
    "人力资源",
    "营销",
    "市场调研",
    "市场调查",
    "品牌",
    "投资咨询",
    "投资顾问",
    "融资",
    "上市",
    "经济分析",
    "社会稳定",
    "采购",
)

# Civil Code art. 878 excludes work-for-hire (承揽) and construction (建设工程) from technical
# service; routine processing, repair, printing, advertising, surveying and construction
# survey/design/installation/supervision are not technical services. [M, domain.md §1.3]
EXCLUDED_SERVICE_WORDS: tuple[str, ...] = (
    "施工",
    "建设工程",
    "工程勘察",
    "建筑设计",
    "加工",
    "维修",
    "修理",
    "保养",
    "印刷",
    "广告",
    "测绘",
    "监理",
    "安装",
    "装修",
    "装饰",
    "物业",
    "保洁",
    "劳务",
    "承揽",
)

PATENT_SUBTYPES = frozenset(
    {
        ("transfer", "patent_right"),
        ("transfer", "patent_application_right"),
        ("license", "patent_exclusive"),
        ("license", "patent_sole"),
        ("license", "patent_ordinary"),
    }
)
SOFTWARE_SUBTYPES = frozenset({("transfer", "software_copyright"), ("license", "software")})
SOFTWARE_IP_TYPE = "06"
# Other right-specific subtypes whose IP type is expected to match (a warning only).
SUBTYPE_IP_TYPES: dict[tuple[str, str], str] = {
    ("transfer", "ic_layout"): "07",
    ("transfer", "plant_variety"): "08",
}

LOW_TECH_SHARE = Decimal("0.10")
FOUR_PLACES = Decimal("0.0001")

# VAT: 财税〔2016〕36号 attachment 3 art. 1 (26) exempts technology development and transfer;
# a licence transfers use rights, which the definition of transfer covers. Consulting and
# service are exempt only as "related" to such a contract, which a record cannot show.
VAT_EXEMPT_TYPES = frozenset({"development", "transfer", "license"})

# Corporate income tax on technology transfer (EIT Law art. 27(4), 财税〔2010〕111号): patents,
# software copyright, IC layout designs, plant varieties, new biomedicine varieties. Kept
# conservative: only invention and utility-model patents (a design patent qualifies only when it
# is not a mere change of pattern, which a record cannot tell), not patent applications (04),
# know-how (05) or "other" (10).
INCOME_TAX_IP_TYPES = frozenset({"01", "02", "06", "07", "08", "09"})
# Licences qualify when they run ≥ 5 years: a (global) exclusive one always, non-exclusive ones
# only when signed since 财税〔2015〕116号 took effect (domain.md §3).
INCOME_TAX_LICENCE_YEARS = 5
INCOME_TAX_LICENCES_FROM = date(2015, 10, 1)
EXCLUSIVE_LICENCE_SUBTYPES = frozenset({"patent_exclusive"})


class Recognition(NamedTuple):
    """What recognising a record found, and what registering it would mean.

    A named tuple rather than a frozen dataclass: an import builds a million of them.
    """

    problems: list[Problem]
    rule_set: RuleSet
    is_large: bool
    vat_exempt: bool
    income_tax_transfer: bool
    deadline_days: int
    limit_in_working_days: bool
    tech_share: Decimal
    risk_flags: tuple[str, ...]

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


class _Case(NamedTuple):
    record: ContractRecord
    agency_region: str
    applied_on: date


def recognise(record: ContractRecord, *, agency_region: str, applied_on: date) -> Recognition:
    """Run the recognition checks of the rule set in force on `applied_on`."""
    rules = _rule_set_for(applied_on)
    case = _Case(record, agency_region, applied_on)
    problems = [problem for check in CHECKS for problem in check(case)]
    large = record.tech_amount >= rules.large_threshold
    return Recognition(  # by position, in field order
        problems,
        rules,
        large,  # is_large
        record.contract_type in VAT_EXEMPT_TYPES,  # vat_exempt
        may_claim_income_tax_transfer(record),  # income_tax_transfer
        rules.limit_days(large=large),  # deadline_days
        rules.limit_in_working_days,
        tech_share(record),
        _risk_flags(record, large),
    )


# Applications of a file share a handful of dates; the rule sets are fixed module data.
_rule_set_for = lru_cache(maxsize=1024)(rule_set_for)


def tech_share(record: ContractRecord) -> Decimal:
    """技术交易额 / 成交额, to four places."""
    return (record.tech_amount / record.total_amount).quantize(FOUR_PLACES)


def may_claim_income_tax_transfer(record: ContractRecord) -> bool:
    """Whether the seller may claim the technology-transfer income-tax relief (conservative).

    Needs a domestic enterprise seller (resident enterprise), a domestic buyer (transfers abroad
    are recognised by the commerce department), an IP kind in scope, and for a licence a term of
    ≥ 5 years signed after 2015-10-01. Related-party exclusions are not visible here.
    """
    if not (record.seller_country == DOMESTIC and record.buyer_country == DOMESTIC):
        return False
    if nature_group(record.seller_nature) != "enterprise":
        return False
    if record.ip_type not in INCOME_TAX_IP_TYPES:
        return False
    if record.contract_type == "transfer":
        return True
    if record.contract_type == "license":
        long_enough = record.valid_to + timedelta(days=1) >= _add_years(
            record.valid_from, INCOME_TAX_LICENCE_YEARS
        )
        exclusive = record.subtype in EXCLUSIVE_LICENCE_SUBTYPES
        return long_enough and (exclusive or record.signed_on >= INCOME_TAX_LICENCES_FROM)
    return False


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def has_low_tech_share(record: ContractRecord) -> bool:
    """Exact comparison; the rounded `tech_share` would let 9.99999 % pass as 10 %."""
    return record.tech_amount < record.total_amount * LOW_TECH_SHARE


# What each flag means, for the registrar reading the contract page.
RISK_FLAG_LABELS: dict[str, tuple[str, str]] = {
    "large_contract": ("重大合同（技术交易额达到重大合同标准）", "large contract"),
    "technology_import": ("技术进口（境外卖方）", "technology import (seller abroad)"),
    "technology_export": ("技术出口（境外买方）", "technology export (buyer abroad)"),
    "low_tech_share": ("技术交易额占成交额比例偏低", "low share of technology value"),
    "individual_seller": ("卖方为自然人", "the seller is a natural person"),
}


def _risk_flags(record: ContractRecord, large: bool) -> tuple[str, ...]:
    seller_domestic = record.seller_country == DOMESTIC
    buyer_domestic = record.buyer_country == DOMESTIC
    flags = (
        ("large_contract", large),
        ("technology_import", not seller_domestic and buyer_domestic),
        ("technology_export", seller_domestic and not buyer_domestic),
        ("low_tech_share", has_low_tech_share(record)),
        ("individual_seller", record.seller_nature == NATURAL_PERSON),
    )
    return tuple(name for name, raised in flags if raised)


def _problem(
    field: str, code: str, message: str, message_en: str, severity: Severity = "error"
) -> Problem:
    return Problem(0, field, code, message, message_en, severity)


# --- checks ---------------------------------------------------------------------------------------


def check_jurisdiction(case: _Case) -> list[Problem]:
    """Seller-locality rule; a technology import is registered where the domestic buyer is."""
    record = case.record
    return list(
        _jurisdiction(
            record.seller_country,
            record.seller_region,
            record.buyer_country,
            record.buyer_region,
            case.agency_region,
        )
    )


@lru_cache(maxsize=16384)
def _jurisdiction(
    seller_country: str,
    seller_region: str | None,
    buyer_country: str,
    buyer_region: str | None,
    agency: str,
) -> tuple[Problem, ...]:
    """check_jurisdiction's verdict, a function of five codes that a file repeats."""
    if seller_country == DOMESTIC:
        if seller_region and is_within(seller_region, agency):
            return ()
        return (
            _problem(
                "seller_region",
                "seller_outside_jurisdiction",
                f"卖方所在地区 {seller_region}（{full_name(seller_region or '')}）不在本登记机构"
                f"辖区 {agency}（{full_name(agency)}）内；技术合同应向卖方所在地的登记机构申请登记",
                f"The seller's region {seller_region} lies outside this agency's area {agency}; "
                f"the contract is registered where the seller is",
            ),
        )
    if buyer_country == DOMESTIC and buyer_region and is_within(buyer_region, agency):
        return ()
    return (
        _problem(
            "seller_country",
            "seller_outside_jurisdiction",
            f"卖方为境外主体（{seller_country}），技术进口合同应由境内买方向其所在地登记机构"
            f"申请；买方所在地区 {buyer_region or '（无）'} 不在本机构辖区 {agency} 内",
            f"The seller is abroad ({seller_country}); a technology import is registered "
            f"by the domestic buyer where it is, and the buyer's region {buyer_region} is "
            f"outside {agency}",
        ),
    )


def check_in_force(case: _Case) -> list[Problem]:
    """Apply after signing and within the term (2024 draft art. 12; provincial guidance)."""
    record, applied_on = case.record, case.applied_on
    problems = []
    if record.valid_to < applied_on:
        problems.append(
            _problem(
                "valid_to",
                "contract_expired",
                f"合同有效期已于 {record.valid_to} 届满，申请日 {applied_on} 已超出有效期；"
                f"已到期的合同不予登记",
                f"The contract ended on {record.valid_to}, before the application on "
                f"{applied_on}; an expired contract cannot be registered",
            )
        )
    if applied_on < record.signed_on:
        problems.append(
            _problem(
                "signed_on",
                "applied_before_signed",
                f"申请日 {applied_on} 早于合同签订日期 {record.signed_on}；请核对签订日期",
                f"The application date {applied_on} is before signed_on {record.signed_on}",
            )
        )
    if applied_on < record.valid_from <= record.valid_to:
        problems.append(
            _problem(
                "valid_from",
                "contract_not_yet_in_force",
                f"合同有效期自 {record.valid_from} 起，申请日 {applied_on} 尚未开始；"
                f"请确认合同已生效",
                f"The term starts on {record.valid_from}, after the application on "
                f"{applied_on}; confirm the contract is in force",
                "warning",
            )
        )
    return problems


def check_name_matches_type(case: _Case) -> list[Problem]:
    """The name must use the statutory type word (技术开发/转让/许可/咨询/服务…)."""
    record = case.record
    words = TYPE_NAME_WORDS.get(record.contract_type, ())
    if any(word in record.name for word in words):
        return []
    expected = SERVICE_SUBTYPE_NAMES.get(record.subtype or "") or STATUTORY_NAMES.get(
        record.contract_type, record.contract_type
    )
    return [
        _problem(
            "name",
            "name_type_mismatch",
            f"合同名称“{record.name}”未使用与合同类型相符的法定名称；请改为“…{expected}合同”",
            f"The name {record.name!r} does not use the statutory word for a "
            f"{record.contract_type} contract ({expected}合同)",
            "warning",
        )
    ]


def check_subtype_ip(case: _Case) -> list[Problem]:
    """A patent deal needs a patent kind and numbers; a software deal the software IP type."""
    record = case.record
    kind = (record.contract_type, record.subtype or "")
    if kind not in _IP_CHECKED_SUBTYPES:
        return []
    ip = code_list("ip_types").get(record.ip_type)
    subtype = code_list("subtypes").name_of(record.subtype or "")
    problems = []
    if kind in PATENT_SUBTYPES:
        if not (ip and ip.extra.get("patent") == "1"):
            problems.append(
                _problem(
                    "ip_type",
                    "patent_subtype_ip_type",
                    f"合同子类为{subtype}，知识产权类型应为专利或专利申请权（01–04），"
                    f"实际为 {record.ip_type}",
                    f"A {record.subtype} contract needs a patent IP type (01–04), found "
                    f"{record.ip_type}",
                )
            )
        if not record.patent_numbers:
            problems.append(
                _problem(
                    "patent_numbers",
                    "patent_numbers_missing",
                    f"合同子类为{subtype}，必须填写所涉专利号",
                    f"A {record.subtype} contract must list its patent numbers",
                )
            )
    if kind in SOFTWARE_SUBTYPES and record.ip_type != SOFTWARE_IP_TYPE:
        problems.append(
            _problem(
                "ip_type",
                "software_subtype_ip_type",
                f"合同子类为{subtype}，知识产权类型应为 06（计算机软件著作权），"
                f"实际为 {record.ip_type}",
                f"A {record.subtype} contract needs ip_type 06 (software copyright), found "
                f"{record.ip_type}",
            )
        )
    expected_ip = SUBTYPE_IP_TYPES.get(kind)
    if expected_ip and record.ip_type != expected_ip:
        problems.append(
            _problem(
                "ip_type",
                "subtype_ip_type_mismatch",
                f"合同子类为{subtype}，知识产权类型通常应为 {expected_ip}，实际为 "
                f"{record.ip_type}；请核对",
                f"A {record.subtype} contract normally has ip_type {expected_ip}, found "
                f"{record.ip_type}",
                "warning",
            )
        )
    return problems


def check_technical_nature(case: _Case) -> list[Problem]:
    """Names that suggest non-technical consulting or an excluded kind of service."""
    record = case.record
    if record.contract_type == "consulting":
        words, code = NON_TECHNICAL_CONSULTING_WORDS, "consulting_not_technical"
        what_zh, what_en = "非技术咨询（如法律、财务、管理、营销、投资咨询）", "non-technical"
    elif record.contract_type == "service":
        words, code = EXCLUDED_SERVICE_WORDS, "service_excluded_kind"
        what_zh = "施工、加工、维修、印刷、广告、测绘等不属于技术服务的事项"
        what_en = "construction, processing or routine work, which is not technical service"
    else:
        return []
    if not _ANY_WORD[code].search(record.name):  # one scan for the usual name with none
        return []
    found = [word for word in words if word in record.name]
    if not found:
        return []
    return [
        _problem(
            "name",
            code,
            f"合同名称含“{'、'.join(found)}”，可能属于{what_zh}；请核实合同内容",
            f"The name contains {', '.join(found)}: it may be {what_en}; check the content",
            "warning",
        )
    ]


# A consulting contract delivers a report or opinion; one that proposes an implementation plan
# and also guides or carries it out is a service contract (domain.md §1.3, returned for
# correction). Read from the name: "实施" with "指导" or "服务".
CONSULTING_IMPLEMENTATION_WORD = "实施"
CONSULTING_GUIDANCE_WORDS: tuple[str, ...] = ("指导", "服务")


def check_consulting_deliverable(case: _Case) -> list[Problem]:
    """A consulting name that promises implementation and guidance describes a service."""
    record = case.record
    if record.contract_type != "consulting" or CONSULTING_IMPLEMENTATION_WORD not in record.name:
        return []
    name = record.name.replace("咨询服务", "")  # "技术咨询服务合同" names the consulting itself
    if not any(word in name for word in CONSULTING_GUIDANCE_WORDS):
        return []
    return [
        _problem(
            "contract_type",
            "consulting_is_service",
            f"合同名称“{record.name}”表明既提出实施方案又提供指导或服务；技术咨询的成果应为"
            "咨询报告或意见，此类合同应按技术服务合同申请",
            f"The name {record.name!r} promises an implementation plan together with guidance or "
            "service: a consulting contract delivers a report or opinion, so this is a service "
            "contract",
            "warning",
        )
    ]


def check_tech_share(case: _Case) -> list[Problem]:
    """A tiny 技术交易额 share suggests a sale of goods dressed as a technology contract."""
    if not has_low_tech_share(case.record):
        return []
    share = tech_share(case.record)
    return [
        _problem(
            "tech_amount",
            "low_tech_share",
            f"技术交易额仅占成交额的 {share * 100:.2f}%（低于 {LOW_TECH_SHARE * 100:.0f}%）；"
            f"请核实非技术性费用和合同性质",
            f"tech_amount is only {share * 100:.2f}% of total_amount (under "
            f"{LOW_TECH_SHARE * 100:.0f}%); check the non-technical items and the nature of "
            f"the contract",
            "warning",
        )
    ]


# (type, subtype) pairs for which check_subtype_ip has anything to say.
_IP_CHECKED_SUBTYPES = PATENT_SUBTYPES | SOFTWARE_SUBTYPES | frozenset(SUBTYPE_IP_TYPES)

_ANY_WORD = {
    "consulting_not_technical": re.compile(
        "|".join(map(re.escape, NON_TECHNICAL_CONSULTING_WORDS))
    ),
    "service_excluded_kind": re.compile("|".join(map(re.escape, EXCLUDED_SERVICE_WORDS))),
}

CHECKS: tuple[Callable[[_Case], list[Problem]], ...] = (
    check_jurisdiction,
    check_in_force,
    check_name_matches_type,
    check_subtype_ip,
    check_technical_nature,
    check_consulting_deliverable,
    check_tech_share,
)
