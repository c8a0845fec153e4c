"""Title, payment terms, patent numbers and which sections a contract has.

Section cues are module data: a clause counts as present when a line names it (a heading
such as "第六条 验收标准和方法" or a sentence in another clause that settles it).
"""

from __future__ import annotations

import re

from techmarket.domain.contract_text.found import Found
from techmarket.domain.contract_text.text import ContractText
from techmarket.domain.identifiers import normalise_patent_number

TITLE = re.compile(r"(?:合同|协议|协议书|合同书)$")
_NOT_TITLE = re.compile(r"^(?:合同编号|项目名称|登记编号|第[一二三四五六七八九十\d]+条)")
PROJECT = re.compile(r"^项目名称\s*:\s*(.+)$")

PAYMENT_METHODS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("royalty", re.compile(r"提成支付|按.{0,12}提成|提成比例|入门费")),
    ("installments", re.compile(r"分期支付|分[二两三四五2-5]期|首期|第[一二1-2]期|分期付款")),
    ("lump_sum", re.compile(r"一次总付|一次性支付|一次性付清|一次付清|一次性全额")),
)
PAYMENT_TERMS = re.compile(r"支付方式|付款方式|支付时间|(?:支付|付清|付款).{0,30}(?:元|%|款)")
PATENT = re.compile(
    r"(?:ZL|专利号|申请号|专利申请号)\s*[:]?\s*(?P<number>(?:\d\s?){8,12}\.?\s?[0-9Xx])(?![\d])"
)

# Which clauses a contract has, each told by a few words (domain.md §1.3 recognition
# conditions; the clause list of the national model contracts).
SECTIONS: dict[str, re.Pattern[str]] = {
    "objective": re.compile(
        r"研究开发目标|开发目标|技术目标|项目目标|标的技术|咨询内容|服务内容"
        r"|培训内容|中介事项|技术内容|工作内容"
    ),
    "indicators": re.compile(r"技术指标|技术参数|性能指标|技术要求"),
    "acceptance": re.compile(r"验收"),
    "ip_ownership": re.compile(r"知识产权|权属|归属|归.{0,6}所有|专利申请权归"),
    "confidentiality": re.compile(r"保密"),
    "liability": re.compile(r"违约责任|违约金|赔偿损失|承担.{0,6}责任"),
    "price": re.compile(r"价款|报酬|经费|使用费|转让费|培训费|服务费|合同总金额|总金额"),
    "payment": PAYMENT_TERMS,
    "term": re.compile(r"履行期限|有效期|合同期限|服务期限|许可期限"),
    "dispute": re.compile(r"争议|仲裁|诉讼"),
    "deliverables": re.compile(r"交付|提交|报告"),
    "risk": re.compile(r"风险责任|风险承担|技术风险"),
}


def extract_title(text: ContractText) -> list[Found]:
    found: list[Found] = []
    for line in text.lines[:40]:
        bare = line.replace(" ", "")
        if len(bare) <= 60 and TITLE.search(bare) and not _NOT_TITLE.match(bare):
            found.append(Found.of("name", bare, line))
            break
    for line in text.lines[:60]:
        match = PROJECT.match(line)
        if match and match.group(1).strip("_ "):
            found.append(Found.of("project_name", match.group(1).strip(), line))
            break
    return found


def extract_payment(text: ContractText) -> list[Found]:
    for key, pattern in PAYMENT_METHODS:
        for line, _ in text.find(pattern):
            return [Found.of("payment_method", key, line)]
    return []


def patent_mentions(text: ContractText) -> list[tuple[str, str]]:
    """(number as written, line) for every patent or application number in the text."""
    mentions = []
    for line in text.lines:
        for match in PATENT.finditer(line):
            mentions.append((match.group("number").strip(), line))
    return mentions


def extract_patents(text: ContractText) -> list[Found]:
    numbers: list[str] = []
    lines: list[str] = []
    for written, line in patent_mentions(text):
        number = normalise_patent_number(written)
        if number and number not in numbers:
            numbers.append(number)
            lines.append(line)
    if not numbers:
        return []
    return [Found.of("patent_numbers", ";".join(numbers), lines[0])]


def sections_present(text: ContractText) -> dict[str, str]:
    """Section key → the first line that shows it."""
    present: dict[str, str] = {}
    for key, pattern in SECTIONS.items():
        for line, _ in text.find(pattern):
            present[key] = line
            break
    return present
