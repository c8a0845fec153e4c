"""Which contract type and sub-type the document is, from its title and its clauses.

The title counts most when it uses a statutory name (技术开发/转让/许可/咨询/服务合同); the body
is scored by typical clauses (domain.md §1.3): an R&D objective and acceptance criteria for
development, an existing patent or know-how and its ownership for transfer and licence, a
report for consulting, a specific technical problem for service. A title whose type the body
clearly contradicts is flagged, and contracts of other Civil-Code kinds (sale, processing,
construction, a joint patent application) are not registrable by themselves (§1.5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from techmarket.domain.contract_text.text import ContractText

W = tuple[str, int]
TYPE_CUES: dict[str, tuple[W, ...]] = {
    "development": (
        (r"技术开发", 3),
        (r"委托开发|合作开发", 3),
        (r"研究开发目标|开发目标|研究开发内容", 2),
        (r"研究开发经费|研究开发计划|研究开发方", 2),
        (r"验收标准|验收方法", 1),
        (r"技术指标|性能指标", 1),
        (r"研发|研究开发", 1),
    ),
    "transfer": (
        (r"技术转让|专利权转让|专利申请权转让|技术秘密转让|著作权转让|专有权转让|品种权转让", 3),
        (r"让与方|转让方", 2),
        (r"受让方", 2),
        (r"著录项目变更|权属变更|变更登记", 1),
        (r"转让费", 1),
    ),
    "license": (
        (r"技术许可|实施许可|使用许可", 3),
        (r"被许可方|许可方", 2),
        (r"独占|排他|普通许可", 1),
        (r"许可使用费|许可期限|许可范围", 1),
    ),
    "consulting": (
        (r"技术咨询", 3),
        (r"咨询报告|咨询意见", 2),
        (r"可行性论证|可行性研究|技术评估|技术预测|专题技术调查|科技查新", 1),
        (r"顾问方|咨询内容", 1),
    ),
    "service": (
        (r"技术服务|技术培训|技术中介", 3),
        (r"解决.{0,12}技术问题|特定技术问题", 2),
        (r"培训方|学员|培训内容|培训计划", 2),
        (r"中介方|居间|促成.{0,8}订立", 2),
        (r"服务内容|服务方式|服务期限", 1),
    ),
}
TITLE_WORDS: dict[str, str] = {
    "development": r"开发",
    "transfer": r"转让",
    "license": r"许可",
    "consulting": r"咨询",
    "service": r"服务|培训|中介",
}
# (subtype, cue) in order of precedence; the title is tried before the body.
SUBTYPE_CUES: dict[str, tuple[tuple[str, str], ...]] = {
    "development": (
        ("cooperative", r"合作开发|合作研究开发|共同投资.{0,10}研究开发|双方共同.{0,4}研究开发"),
        ("commissioned", r"委托开发|委托方"),
    ),
    "transfer": (
        ("patent_application_right", r"专利申请权"),
        ("ic_layout", r"集成电路布图设计"),
        ("plant_variety", r"植物新品种"),
        ("software_copyright", r"软件著作权|计算机软件"),
        ("patent_right", r"专利权|专利号"),
        ("know_how", r"技术秘密"),
    ),
    "license": (
        ("patent_exclusive", r"独占(?:实施)?许可"),
        ("patent_sole", r"排他(?:实施)?许可"),
        ("patent_ordinary", r"普通(?:实施)?许可"),
        ("software", r"软件.{0,4}许可|软件使用许可"),
        ("know_how", r"技术秘密"),
    ),
    "service": (
        ("training", r"技术培训|培训"),
        ("intermediary", r"技术中介|中介|居间"),
    ),
}
DEFAULT_SUBTYPE = {
    "development": "commissioned",
    "transfer": "other",
    "license": "other",
    "service": "general",
}
# Contracts of other kinds (domain.md §1.3 "other general rules", §1.5): (cue, zh, en).
NOT_REGISTRABLE: tuple[tuple[str, str, str], ...] = (
    (
        r"联合申请专利|共同申请专利|专利联合申请|合作申请专利",
        "专利联合申请协议约定的是共同申请专利的权利义务，不是技术合同，不能单独登记",
        "a joint patent application agreement is not a technology contract and cannot be "
        "registered by itself",
    ),
    (
        r"买卖合同|采购合同|购销合同|销售合同|购买合同|设备采购",
        "买卖（采购、购销）合同不是技术合同；其中独立的技术部分须另行签订技术合同方可登记",
        "a sale or purchase contract is not a technology contract; a separate technology "
        "contract for its technology part can be registered",
    ),
    (
        r"加工合同|承揽合同|委托加工|代加工|代工|贴牌|OEM",
        "加工承揽（代工、贴牌）合同不是技术合同（民法典第八百七十八条），不能登记",
        "a processing or work-for-hire (OEM) contract is not a technology contract (Civil Code "
        "art. 878) and cannot be registered",
    ),
    (
        r"建设工程|施工合同|工程总承包|安装工程|工程勘察|工程监理",
        "建设工程（施工、勘察、监理、安装）合同不是技术合同（民法典第八百七十八条），不能登记",
        "a construction contract (building, survey, supervision, installation) is not a "
        "technology contract (Civil Code art. 878) and cannot be registered",
    ),
    (
        r"租赁合同",
        "租赁合同不是技术合同，不能登记",
        "a lease contract is not a technology contract and cannot be registered",
    ),
)
CONTRADICTION_MARGIN = 4


@dataclass(frozen=True)
class Suggestion:
    contract_type: str | None
    subtype: str | None
    evidence: tuple[str, ...]
    title_type: str | None
    body_type: str | None
    title_contradicts_body: bool
    registrable: bool
    reason: str = ""
    reason_en: str = ""
    scores: dict[str, int] = field(default_factory=dict)


def suggest_type(text: ContractText, title: str = "") -> Suggestion:
    body = "\n".join(line for line in text.lines if line.replace(" ", "") != title)
    scores, evidence = _scores(body)
    title_type = next(
        (kind for kind, words in TITLE_WORDS.items() if title and re.search(words, title)), None
    )
    best = max(scores, key=lambda kind: scores[kind]) if any(scores.values()) else None
    contradicts = bool(
        title_type
        and best
        and best != title_type
        and scores[best] >= scores[title_type] + CONTRADICTION_MARGIN
    )
    chosen = best if contradicts or title_type is None else title_type
    found = list(evidence.get(chosen, ())) if chosen else []
    if title_type and title:
        found.insert(0, title)
    registrable, reason, reason_en = _registrable(title, body, title_type)
    return Suggestion(
        contract_type=chosen,
        subtype=_subtype(chosen, title, body) if chosen else None,
        evidence=tuple(dict.fromkeys(found))[:8],
        title_type=title_type,
        body_type=best,
        title_contradicts_body=contradicts,
        registrable=registrable,
        reason=reason,
        reason_en=reason_en,
        scores=scores,
    )


def _scores(body: str) -> tuple[dict[str, int], dict[str, list[str]]]:
    scores: dict[str, int] = {}
    evidence: dict[str, list[str]] = {}
    for kind, cues in TYPE_CUES.items():
        total, phrases = 0, []
        for pattern, weight in cues:
            matches = re.findall(pattern, body)
            if matches:
                total += weight * min(len(matches), 3)
                phrases.extend(dict.fromkeys(matches))
        scores[kind], evidence[kind] = total, phrases
    return scores, evidence


def _subtype(kind: str, title: str, body: str) -> str | None:
    cues = SUBTYPE_CUES.get(kind)
    if cues is None:
        return None
    for source in (title, body):
        for subtype, pattern in cues:
            if source and re.search(pattern, source):
                return subtype
    return DEFAULT_SUBTYPE[kind]


def _registrable(title: str, body: str, title_type: str | None) -> tuple[bool, str, str]:
    for pattern, zh, en in NOT_REGISTRABLE:
        if re.search(pattern, title) or (title_type is None and re.search(pattern, body)):
            return False, zh, en
    if title_type is None and not any(re.search(w, body) for w in TITLE_WORDS.values()):
        return (
            False,
            "合同名称和正文都不像技术合同（未出现技术开发/转让/许可/咨询/服务等法定名称）",
            "neither the title nor the text reads as a technology contract (no statutory name "
            "such as 技术开发/转让/许可/咨询/服务)",
        )
    return True, "", ""
