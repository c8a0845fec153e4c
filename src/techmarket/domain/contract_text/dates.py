"""签订日期 and the term (有效期 / 履行期限) as dates."""

from __future__ import annotations

import re
from datetime import date

from techmarket.domain.contract_text.found import Found
from techmarket.domain.contract_text.text import ContractText

DATE = r"(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?"
SIGNED = re.compile(rf"(?:签订日期|签订时间|签约日期|签署日期)\s*:?\s*{DATE}")
TERM = re.compile(
    rf"(?:有效期限?|履行期限|合同期限|服务期限|许可期限)[^\d\n]{{0,8}}?{DATE}\s*(?:起)?\s*"
    rf"(?:至|到|-|—|~|～)\s*{DATE}"
)


def to_date(parts: tuple[str, str, str]) -> date | None:
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def extract_dates(text: ContractText) -> list[Found]:
    found: list[Found] = []
    for line, match in text.find(SIGNED):
        day = to_date(match.groups()[:3])
        if day:
            found.append(Found.of("signed_on", day.isoformat(), line))
            break
    for line, match in text.find(TERM):
        start, end = to_date(match.groups()[:3]), to_date(match.groups()[3:6])
        if start and end:
            found.append(Found.of("valid_from", start.isoformat(), line))
            found.append(Found.of("valid_to", end.isoformat(), line))
            break
    return found
