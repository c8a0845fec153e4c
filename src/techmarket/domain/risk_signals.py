"""Risk signals for registrars: the rules, thresholds and explanations, pure.

A signal is a reason for a registrar to read a contract more closely, computed over the whole
registry (`stats/risk_scan.py` runs the rules in DuckDB; this module says what they are). It
never blocks a contract: it raises it in the queue. Thresholds are named here, with their
reasoning in docs/risk.md; the SQL reads them from here, so a change is made once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from techmarket.codes.regions import all_regions

Severity = Literal["high", "medium", "low"]

# Statuses whose contracts are scanned and may be named as related: waiting for a decision, or
# registered. Drafts are not yet claims; refused, withdrawn and cancelled contracts are gone.
SCANNED_STATUSES = (
    "submitted",
    "accepted",
    "correction_requested",
    "under_review",
    "second_review",
    "registered",
)

# Second review (重大合同) from 5,000,000 yuan of 技术交易额 (2024 draft art. 14), unless the
# agency has its own threshold.
SECOND_REVIEW_THRESHOLD = Decimal("5000000")


@dataclass(frozen=True)
class Thresholds:
    """Every number a rule uses. Defaults are argued in docs/risk.md."""

    # (a) duplicates: same seller and buyer, names alike, amounts within a few percent.
    duplicate_window_days: int = 180
    duplicate_amount_tolerance: float = 0.05  # |a − b| ≤ 5 % of the larger
    duplicate_min_similarity: float = 0.8  # Jaccard of the names' character bigrams
    # (b) a deal split below the second-review threshold.
    split_window_days: int = 90
    split_min_part_share: float = 0.2  # each part ≥ 20 % of the threshold (1,000,000 yuan)
    split_min_parts: int = 2
    # (c) circular deals (A→B and B→A, or A→B→C→A), all within the window.
    circular_window_days: int = 365
    # (d) amounts outside the seller's history or kind.
    outlier_min_history: int = 5  # the seller's other contracts needed for a history
    outlier_multiple: float = 10.0  # ≥ 10 × the seller's median …
    outlier_robust_z: float = 3.5  # … and a robust z-score ≥ 3.5 (Iglewicz & Hoaglin)
    individual_large_amount: Decimal = Decimal("1000000")  # a natural person selling ≥ 1 M
    # (e) registrations bunched at a quarter's end.
    period_end_days: int = 10  # the last 10 calendar days of a quarter
    spike_min_count: int = 5  # at least 5 applications in those days …
    spike_ratio: float = 4.0  # … and 4 × the seller's usual rate for as many days
    # (f) related parties.
    related_core_max_parties: int = 3  # a name core shared by at most 3 parties is distinctive
    related_prefix_min_chars: int = 4  # one party's whole name opens the other's (a branch)


DEFAULTS = Thresholds()


@dataclass(frozen=True)
class SignalKind:
    id: str
    name: str
    name_en: str


KINDS: dict[str, SignalKind] = {
    k.id: k
    for k in (
        SignalKind("duplicate", "疑似重复登记", "possible duplicate"),
        SignalKind("split_below_threshold", "疑似拆分规避重大合同审查", "possible split deal"),
        SignalKind("circular_deal", "疑似循环交易", "possible circular deal"),
        SignalKind("amount_outlier_seller", "金额远超卖方以往合同", "amount far above history"),
        SignalKind("amount_outlier_kind", "金额与卖方性质不符", "amount unusual for the seller"),
        SignalKind("period_end_spike", "期末集中申请登记", "period-end bunching"),
        SignalKind("related_parties", "买卖双方疑似关联", "buyer and seller look related"),
    )
}


def severity(score: int) -> Severity:
    """How a score reads on a page: ≥ 70 high, ≥ 40 medium, else low."""
    return "high" if score >= 70 else "medium" if score >= 40 else "low"


def clamp_score(value: float) -> int:
    return max(1, min(100, round(value)))


# --- names -------------------------------------------------------------------------------------

# A contract name's generic tail (type and 合同/协议), and whatever is not a letter or digit:
# two contracts of one type share the tail, which says nothing about the subject.
NAME_TAIL = (
    r"(技术)?(开发|委托开发|合作开发|转让|许可|咨询|服务|培训|中介)?(合同书|合同|协议书|协议)$"
)
NAME_NOISE = r"[\s\p{P}\p{S}]+"  # DuckDB (RE2) spelling; Python's `re` has no \p, see below
_PY_NOISE = re.compile(r"[\W_]+")


def normalised_name(name: str) -> str:
    """A contract name without punctuation, spaces and the generic type tail."""
    return re.sub(NAME_TAIL, "", _PY_NOISE.sub("", name or ""))


def bigrams(text: str) -> frozenset[str]:
    """Character bigrams (a single character stands for itself): most Chinese words are two
    characters, so bigrams match words where trigrams of a short title would be too sparse."""
    if len(text) < 2:
        return frozenset({text}) if text else frozenset()
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def name_similarity(a: str, b: str) -> float:
    """Jaccard similarity of the normalised names' bigrams (1.0: the same words)."""
    x, y = bigrams(normalised_name(a)), bigrams(normalised_name(b))
    if not x and not y:
        return 1.0
    return len(x & y) / len(x | y)


# Legal forms and generic words of organisation names, stripped to find a name's core.
LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团",
    "公司",
    "分公司",
    "研究院",
    "研究所",
    "研究中心",
    "大学",
    "学院",
    "中心",
    "协会",
    "学会",
    "（中国）",
    "(中国)",
    "中国",
)
_LONGEST_FIRST = tuple(sorted(LEGAL_FORMS, key=len, reverse=True))
GENERIC_WORDS = (
    "医院",
    "行业",
    "科技",
    "技术",
    "信息",
    "网络",
    "软件",
    "电子",
    "智能",
    "数据",
    "新材料",
    "材料",
    "能源",
    "生物",
    "医药",
    "工程",
    "设计",
    "咨询",
    "发展",
    "实业",
    "控股",
    "国际",
    "环保",
    "环境",
    "半导体",
    "精密",
    "机械",
    "制造",
    "自动化",
    "集成电路",
    "服务",
    "管理",
    "产业",
    "创新",
    "研发",
    "贸易",
    "投资",
)


@lru_cache(maxsize=1)
def _place_names() -> frozenset[str]:
    """Region names with and without their 省/市/区/县 ending."""
    names: set[str] = set()
    for region in all_regions():
        name = region.name
        names.add(name)
        for suffix in ("特别行政区", "自治区", "自治州", "自治县", "省", "市", "区", "县", "盟"):
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                names.add(name[: -len(suffix)])
    return frozenset(names)


@lru_cache(maxsize=1)
def _longest_place() -> int:
    return max(map(len, _place_names()))


def without_legal_form(name: str) -> str:
    """An organisation's name without punctuation and its legal form at the end (有限公司 …)."""
    text = _PY_NOISE.sub("", name or "")
    changed = True
    while changed:
        changed = False
        for form in _LONGEST_FIRST:
            if text.endswith(form) and len(text) > len(form):
                text, changed = text[: -len(form)], True
    return text


_GENERIC_LONGEST_FIRST = tuple(sorted({*GENERIC_WORDS, *LEGAL_FORMS}, key=len, reverse=True))


def name_core(name: str) -> str:
    """The distinctive part of an organisation's name: without a leading place, the legal form
    and generic trade words ("广州新锂科技有限公司" → "新锂"); "" when under two characters remain."""
    text = without_legal_form(name)
    places = _place_names()
    for length in range(min(_longest_place(), len(text) - 1), 1, -1):
        if text[:length] in places:
            text = text[length:]
            break
    for word in _GENERIC_LONGEST_FIRST:
        text = text.replace(word, "")
    return text if len(text) >= 2 else ""


# --- amounts and dates ----------------------------------------------------------------------------


def robust_z(value: float, median: float, mad: float) -> float | None:
    """The modified z-score 0.6745 (x − median) / MAD; None when the MAD is 0."""
    if mad <= 0:
        return None
    return 0.6745 * (value - median) / mad


def quarter_end(day: date) -> date:
    """The last day of the day's quarter."""
    month = ((day.month - 1) // 3 + 1) * 3
    first_of_next = date(day.year + (month == 12), month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def in_period_end(day: date, days: int = DEFAULTS.period_end_days) -> bool:
    """Whether the day lies in the last `days` calendar days of its quarter."""
    return (quarter_end(day) - day).days < days


# --- explanations ---------------------------------------------------------------------------------


def _yuan(value: object) -> str:
    return f"{Decimal(str(value)):,.2f}"


def explain(signal: str, facts: dict[str, object]) -> tuple[str, str]:
    """A signal's plain explanation in Chinese and English, from the figures the scan found.

    Related contracts are named by count here and listed beside the text, each shown only as
    far as the reader may see it.
    """
    f = facts
    n = f.get("related_count", 0)
    if signal == "duplicate":
        return (
            f"与同一买卖双方的另外 {n} 份合同名称相似（相似度 {f['similarity']:.2f}），"
            f"金额相差不超过 {f['amount_gap_pct']:.1f}%，签订日期相距不超过 {f['days_apart']} 天："
            "可能重复申请登记。",
            f"{n} other contract(s) between the same seller and buyer have a similar name "
            f"(similarity {f['similarity']:.2f}), an amount within {f['amount_gap_pct']:.1f}% "
            f"and signing dates at most {f['days_apart']} days apart: possibly registered twice.",
        )
    if signal == "split_below_threshold":
        return (
            f"同一买卖双方在 {f['window_days']} 天内签订 {f['parts']} 份合同，每份技术交易额均低于"
            f"重大合同标准 {_yuan(f['threshold'])} 元，合计 {_yuan(f['sum'])} 元，超过该标准："
            "可能拆分合同以规避重大合同审查。",
            f"The same seller and buyer signed {f['parts']} contracts within {f['window_days']} "
            f"days, each below the second-review threshold of {_yuan(f['threshold'])} yuan, "
            f"together {_yuan(f['sum'])} yuan: possibly one deal split to avoid second review.",
        )
    if signal == "circular_deal":
        parties = int(f.get("parties", 2))
        ring_zh = "甲卖给乙、乙又卖给甲" if parties == 2 else "甲卖给乙、乙卖给丙、丙又卖给甲"
        ring_en = "A sells to B and B to A" if parties == 2 else "A sells to B, B to C, C to A"
        return (
            f"{ring_zh}：与另外 {n} 份合同在 {f['window_days']} 天内构成循环交易，可能虚增成交额。",
            f"{ring_en}: with {n} other contract(s) within {f['window_days']} days this forms a "
            "circle of deals, which may inflate the figures.",
        )
    if signal == "amount_outlier_seller":
        z = "—" if f.get("robust_z") is None else f"{f['robust_z']:.1f}"
        return (
            f"成交额 {_yuan(f['amount'])} 元，是该卖方另外 {f['history']} 份合同中位数 "
            f"{_yuan(f['median'])} 元的 {f['multiple']:.1f} 倍（稳健 z 值 {z}）。",
            f"The amount of {_yuan(f['amount'])} yuan is {f['multiple']:.1f} times the median "
            f"({_yuan(f['median'])} yuan) of the seller's {f['history']} other contracts "
            f"(robust z-score {z}).",
        )
    if signal == "amount_outlier_kind":
        return (
            f"卖方为自然人，成交额 {_yuan(f['amount'])} 元，达到自然人大额标准 "
            f"{_yuan(f['limit'])} 元：请核实技术来源与权属。",
            f"The seller is a natural person and the amount is {_yuan(f['amount'])} yuan, at or "
            f"above {_yuan(f['limit'])} yuan: check where the technology comes from and who owns it.",
        )
    if signal == "period_end_spike":
        return (
            f"该卖方在 {f['period_end']} 前 {f['days']} 天内申请登记 {f['count']} 份合同，"
            f"约为其平常同样天数申请量（{f['expected']:.1f} 份）的 {f['ratio']:.1f} 倍。",
            f"The seller applied for {f['count']} contracts in the last {f['days']} days before "
            f"{f['period_end']}, about {f['ratio']:.1f} times its usual number for as many days "
            f"({f['expected']:.1f}).",
        )
    if signal == "related_parties":
        if f.get("how") == "prefix":
            why_zh, why_en = (
                "一方名称包含另一方的完整名称",
                "one name contains the other's whole name",
            )
        else:
            why_zh = f"双方名称含有同一少见字号“{f['core']}”"
            why_en = f"both names share the uncommon core “{f['core']}”"
        return (
            f"买方“{f['buyer']}”与卖方“{f['seller']}”{why_zh}，可能为关联方"
            "（分支机构、母子公司）；关联交易应核实定价与技术实质。",
            f"The buyer “{f['buyer']}” and the seller “{f['seller']}” may be related: {why_en} "
            "(a branch, a parent or a subsidiary); check the price and the technical substance.",
        )
    raise ValueError(f"unknown signal {signal}")
