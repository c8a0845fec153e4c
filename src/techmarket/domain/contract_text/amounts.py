"""The contract amount in figures and in capitals, 技术交易额 and the non-technical cost items.

Model contracts state the price as "人民币 1,234,567.80 元(大写:壹佰贰拾叁万肆仟伍佰陆拾柒元
捌角整)" or in 万元; both spellings are read exactly, and the two are compared by the rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from techmarket.domain.contract_text.capitals import CAPITAL_CHARS, CapitalsError, parse_capitals
from techmarket.domain.contract_text.found import Found
from techmarket.domain.contract_text.text import ContractText
from techmarket.domain.money import AmountError, format_yuan, parse_amount

FIGURE = r"(?:¥\s*)?(?P<fig>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)\s*(?P<unit>万元|元)"
CAPITALS = rf"(?:大写\s*[::]?\s*)?(?:人民币)?(?P<cap>[{CAPITAL_CHARS}]{{2,}})"
TOTAL_LABELS = (
    r"合同总金额|合同总价款|合同总价|合同金额|总金额|总价款|价款总额|费用总额|总费用|"
    r"研究开发经费和报酬|技术转让费|许可使用费|咨询报酬|服务报酬|培训费|中介服务费|报酬总额|"
    r"合同成交额|成交额"
)
TOTAL = re.compile(rf"(?:{TOTAL_LABELS})[^\d¥\n]{{0,30}}?{FIGURE}")
# The capitals written next to (usually after) the figure, within the same line.
NEAR_CAPITALS = re.compile(CAPITALS)
TECH_AMOUNT = re.compile(rf"技术交易额[^\d¥\n]{{0,12}}?{FIGURE}")
NON_TECH = {
    "non_tech_equipment": re.compile(rf"(?:设备|仪器)[^\d¥\n,;:。]{{0,10}}?[::为]?\s*{FIGURE}"),
    "non_tech_materials": re.compile(
        rf"(?:原材料|材料|零部件|元器件)[^\d¥\n,;:。]{{0,10}}?[::为]?\s*{FIGURE}"
    ),
    "non_tech_other": re.compile(rf"其他非技术性费用[^\d¥\n,;:。]{{0,10}}?[::为]?\s*{FIGURE}"),
}


@dataclass(frozen=True)
class StatedAmount:
    """An amount as the contract states it: the figure and, when written, its capitals."""

    figure: Decimal
    capitals_text: str | None
    capitals: Decimal | None  # None when absent or not a well-formed amount
    line: str


def figure_of(match: re.Match[str]) -> Decimal | None:
    try:
        return parse_amount(match.group("fig").replace(",", ""), wan_yuan=match["unit"] == "万元")
    except AmountError:
        return None


def stated_total(text: ContractText) -> StatedAmount | None:
    """The first stated contract price, with the capitals on its line."""
    for line, match in text.find(TOTAL):
        figure = figure_of(match)
        if figure is None:
            continue
        capitals_text = capitals_value = None
        near = NEAR_CAPITALS.search(line, match.end())
        if near and re.search("[元圆角分]", near.group("cap")):
            capitals_text = near.group("cap")
            try:
                capitals_value = parse_capitals(capitals_text)
            except CapitalsError:
                capitals_value = None
        return StatedAmount(figure, capitals_text, capitals_value, line)
    return None


def extract_amounts(text: ContractText) -> list[Found]:
    found: list[Found] = []
    total = stated_total(text)
    if total is not None:
        found.append(Found.of("total_amount", format_yuan(total.figure), total.line))
    items: dict[str, Decimal] = {}
    for key, pattern in NON_TECH.items():
        for line, match in text.find(pattern):
            if "非技术" not in line and "费" not in line:
                continue
            amount = figure_of(match)
            if amount is not None:
                items[key] = amount
                found.append(Found.of(key, format_yuan(amount), line))
                break
    stated_tech = next(((line, figure_of(m)) for line, m in text.find(TECH_AMOUNT)), None)
    if stated_tech is not None and stated_tech[1] is not None:
        found.append(Found.of("tech_amount", format_yuan(stated_tech[1]), stated_tech[0]))
    elif total is not None:
        tech = total.figure - sum(items.values(), Decimal(0))
        evidence = "合同价款减去非技术性费用" if items else "合同价款（未列非技术性费用）"
        found.append(Found("tech_amount", format_yuan(tech), evidence))
    return found
