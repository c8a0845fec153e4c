"""The parties: who signs as seller (受托方/乙方/转让方/许可方…) and buyer (委托方/甲方/受让方…).

The national model contracts name each party by its role, often with 甲方/乙方 in brackets
("委托方(甲方):某某大学"), on the cover, again at the head of the text and in the signature
table, followed by lines such as 住所地, 法定代表人 and 统一社会信用代码. The first name given
for a role wins; the details are read from the lines under each mention of it.
"""

from __future__ import annotations

import re

from techmarket.domain.contract_text.found import Found
from techmarket.domain.contract_text.text import ContractText
from techmarket.domain.identifiers import check_party_id

SELLER_ROLES = (
    "受托方",
    "研究开发方",
    "转让方",
    "让与方",
    "许可方",
    "顾问方",
    "服务方",
    "培训方",
    "中介方",
    "乙方",
)
BUYER_ROLES = ("委托方", "受让方", "被许可方", "甲方")
_ROLES = "|".join(sorted(SELLER_ROLES + BUYER_ROLES, key=len, reverse=True))
# "委托方(甲方):名称" / "甲方(委托方):名称" / "乙方:名称"
PARTY_LINE = re.compile(rf"^(?P<role>{_ROLES})(?:\((?P<alias>{_ROLES})\))?\s*[:]\s*(?P<rest>.*)$")
_DETAIL = {
    "address": re.compile(r"^(?:住\s*所(?:地)?|地\s*址|通讯地址|住所\(通讯地址\))\s*:\s*(.+)$"),
    "representative": re.compile(
        r"^(?:法定代表人|法人代表|负责人|法定代表人\(负责人\))\s*:\s*([^\s:,;]{2,20})"
    ),
    "id": re.compile(r"(?:统一社会信用代码|信用代码|身份证号(?:码)?)\s*:\s*([0-9A-Za-z]{15,18})"),
    "name": re.compile(r"^(?:名\s*称|单位名称)\s*(?:\(或姓名\))?\s*:\s*(.+)$"),
}
_NAME_END = re.compile(r"\s*(?:[,;]|统一社会信用代码|住所|地址|法定代表人).*$")


def side_of(role: str) -> str:
    return "seller" if role in SELLER_ROLES else "buyer"


def extract_parties(text: ContractText) -> list[Found]:
    """Names, credit codes, addresses and representatives of seller and buyer."""
    found: dict[str, Found] = {}
    current: str | None = None
    for line in text.lines:
        match = PARTY_LINE.match(line)
        if match:
            current = side_of(match.group("role"))
            name = _NAME_END.sub("", match.group("rest")).strip()
            if name and not _is_blank(name):
                found.setdefault(f"{current}_name", Found.of(f"{current}_name", name, line))
            _details(line, current, found, inline=True)
            continue
        if current is not None:
            if re.match(r"^第[一二三四五六七八九十百\d]+条", line):
                current = None
                continue
            _details(line, current, found, inline=False)
    return list(found.values())


def _details(line: str, side: str, found: dict[str, Found], *, inline: bool) -> None:
    for what, pattern in _DETAIL.items():
        if inline and what in ("address", "representative", "name"):
            continue
        match = pattern.search(line)
        if not match:
            continue
        value = match.group(1).strip()
        if _is_blank(value):
            continue
        key = f"{side}_{what}" if what != "id" else f"{side}_id"
        if what == "name":
            key = f"{side}_name"
        if what == "id":
            value = value.upper()
        found.setdefault(key, Found.of(key, value, line))


def _is_blank(value: str) -> bool:
    return not value.strip("_()【】 ")


def id_problems(found: list[Found]) -> list[tuple[Found, str, str]]:
    """Each extracted credit code or ID whose check character (or shape) is wrong."""
    wrong = []
    for item in found:
        if item.key.endswith("_id"):
            problems = check_party_id(item.value, item.key, None)
            errors = [p for p in problems if p.severity == "error"]
            if errors:
                wrong.append((item, errors[0].message, errors[0].message_en))
    return wrong
