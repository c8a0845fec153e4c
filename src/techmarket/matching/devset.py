"""The development set: real CSL abstracts as achievements, reworded demands as queries.

CSL (shared/data/csl, Apache-2.0) gives 1,000 real Chinese abstracts (cls_dcp_dev.tsv), each with
its academic discipline. Every abstract becomes an achievement listing `CSL-0001` … whose field is
its discipline's technology field (`DISCIPLINE_FIELDS`; humanities and pure sciences have none) and whose summary is the abstract
less its problem sentence (针对 …, 为了 …, or its first sentence): what was done and found.
A demand is written from that problem sentence the way a company would post it, with words replaced by
synonyms (`SYNONYMS`, 提高 → 改善, 检测 → 监测 …), about a third of the other content words left
out, bracketed abbreviations removed, and a company's phrasing around it (寻求…的技术方案). Its one
relevant listing is the abstract it came from. Everything is seeded: the same files give the same
set. The wording differs enough that lexical retrieval is not perfect (docs/matching.md).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from techmarket.matching.embed import Embedder
from techmarket.matching.evaluation import LabelledQuery, evaluate
from techmarket.matching.index import MatchIndex
from techmarket.matching.listing import ListingText
from techmarket.matching.tokens import segment

SEED = 12
QUERIES = 300
DROP = 0.35

# CSL discipline (学科) → technology field (contract-format §3). Absent: not a technology field.
DISCIPLINE_FIELDS = {
    "计算机科学与技术": "01", "信息与通信工程": "01", "电子科学与技术": "01",
    "控制科学与工程": "01", "光学工程": "01",
    "航空宇航科学与技术": "02", "兵器科学与技术": "02",
    "机械工程": "03", "力学": "03", "纺织科学与工程": "03",
    "中医学/中药学": "04", "基础医学/临床医学": "04", "药学": "04", "口腔医学": "04",
    "生物学/生物科学与工程": "04", "公共卫生与预防医学": "04",
    "材料科学与工程": "05", "化学/化学工程与技术": "05", "冶金工程": "05",
    "电气工程": "06", "动力工程及工程热物理": "06", "石油与天然气工程": "06",
    "环境科学与工程": "07", "矿业工程": "07", "地质学/地质资源与地质工程": "07", "大气科学": "07",
    "核科学与技术": "08",
    "园艺学": "09", "水产": "09", "农业工程": "09", "作物学": "09", "畜牧学/兽医学": "09",
    "林学/林业工程": "09", "农业资源利用": "09", "植物保护": "09", "食品科学与工程": "09",
    "交通运输工程": "10", "船舶与海洋工程": "10",
    "土木工程": "11", "建筑学": "11", "水利工程": "11", "测绘科学与技术": "11",
}  # fmt: skip

# How a company says what a paper says (one direction: paper word → demand word).
SYNONYMS = {
    "提高": "改善", "提升": "增强", "降低": "减少", "减少": "降低", "增加": "加大",
    "检测": "监测", "监测": "检查", "测定": "测量", "测量": "测定", "分析": "评估",
    "优化": "改进", "改进": "完善", "设计": "研制", "制备": "生产", "合成": "制取",
    "系统": "平台", "模型": "模拟", "算法": "计算方法", "方法": "办法", "技术": "工艺",
    "性能": "效果", "效率": "效能", "质量": "品质", "成本": "费用", "精度": "准确度",
    "稳定性": "可靠性", "可靠性": "稳定性", "影响": "作用", "应用": "使用", "控制": "调控",
    "快速": "高速", "高效": "高效率", "材料": "原料", "结构": "构造", "特性": "特点",
    "评价": "评估", "预测": "预报", "识别": "辨识", "处理": "加工", "治疗": "医治",
    "患者": "病人", "疗效": "治疗效果", "临床": "医院", "发展": "推进", "问题": "难题",
    "研究": "开发", "实验": "试验", "试验": "测试", "工程": "项目", "施工": "建设",
    "企业": "厂家", "管理": "管控", "产量": "产出", "品种": "品系", "种植": "栽培",
    "栽培": "种植", "土壤": "土地", "污染": "污染物", "去除": "清除", "降解": "分解",
    "含量": "浓度", "浓度": "含量", "温度": "温控", "压力": "压强", "强度": "承载力",
    "故障": "失效", "数据": "信息", "网络": "网", "图像": "影像", "信号": "讯号",
    "车辆": "汽车", "运输": "物流", "能耗": "能源消耗", "节能": "省电", "电池": "电芯",
    "机制": "机理", "机理": "原因", "显著": "明显", "有效": "切实", "准确": "精准",
}  # fmt: skip

PREFIXES = ("我公司需要", "寻求", "征集", "企业急需", "希望合作解决", "求购技术：", "诚征")
SUFFIXES = ("的技术方案", "的解决办法", "相关技术", "，欢迎高校院所合作", "，预算面议", "")
_PROBLEM = re.compile(r"针对|为了|为解决|旨在|存在|难以|不足|亟需|缺乏")
_BRACKETS = re.compile(r"[(（][^()（）]*[)）]")
_SENTENCE_END = re.compile(r"(?<=[。；;!?！？])|(?<=\.)(?!\d)")
_LABEL = re.compile(r"^(目的|方法|结果|结论|背景|摘要)[\s:：]*")


@dataclass(frozen=True)
class Abstract:
    """One line of cls_dcp_dev.tsv."""

    id: str
    text: str
    discipline: str


def read_abstracts(csl_folder: str | Path) -> list[Abstract]:
    """The 1,000 labelled abstracts, ids CSL-0001 … in file order."""
    lines = (Path(csl_folder) / "cls_dcp_dev.tsv").read_text("utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line.strip()]
    return [Abstract(f"CSL-{i:04d}", r[1].strip(), r[2].strip()) for i, r in enumerate(rows, 1)]


def listings(abstracts: list[Abstract]) -> list[ListingText]:
    """Every abstract, less its problem sentence, as an achievement with its mapped field."""
    return [
        ListingText(
            a.id, summary=split_problem(a.text)[1], field=DISCIPLINE_FIELDS.get(a.discipline)
        )
        for a in abstracts
    ]


def split_problem(text: str) -> tuple[str, str]:
    """The sentence that states the problem (else the first), and the rest of the abstract."""
    pieces = [p for p in _SENTENCE_END.split(text) if p.strip()]
    candidates = [i for i, p in enumerate(pieces) if len(_LABEL.sub("", p).strip()) >= 8]
    if not candidates:
        return text, text
    at = next((i for i in candidates if _PROBLEM.search(pieces[i])), candidates[0])
    rest = "".join(pieces[:at] + pieces[at + 1 :]).strip()
    problem = _LABEL.sub("", pieces[at]).strip().rstrip("。；;!?！？.")
    return problem, rest or text


def reword(sentence: str, rng: random.Random) -> str:
    """Synonyms in, about a third of the other content words out, brackets gone."""
    words = []
    for word in segment(_BRACKETS.sub("", sentence)):
        if word in SYNONYMS:
            words.append(SYNONYMS[word])
        elif len(word) >= 2 and rng.random() < DROP:
            continue
        else:
            words.append(word)
    return "".join(words)[:80]


def demand_for(abstract: Abstract, rng: random.Random) -> str:
    """A company's posting for the problem the abstract solves."""
    problem = reword(split_problem(abstract.text)[0], rng).strip("，,、 ")
    return f"{rng.choice(PREFIXES)}{problem}{rng.choice(SUFFIXES)}"


def queries(
    abstracts: list[Abstract], count: int = QUERIES, seed: int = SEED
) -> list[LabelledQuery]:
    """`count` demands, each answered by the technical abstract it was written from."""
    rng = random.Random(seed)
    technical = [a for a in abstracts if a.discipline in DISCIPLINE_FIELDS]
    chosen = sorted(rng.sample(technical, min(count, len(technical))), key=lambda a: a.id)
    return [LabelledQuery(f"D-{a.id[4:]}", demand_for(a, rng), frozenset({a.id})) for a in chosen]


def write_queries(path: str | Path, labelled: list[LabelledQuery]) -> None:
    """JSON lines {"id", "text", "relevant": [...]} (the format `evaluation.read_queries` reads)."""
    with Path(path).open("w", encoding="utf-8") as out:
        for q in labelled:
            row = {"id": q.id, "text": q.text, "relevant": sorted(q.relevant)}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def cached_passages(
    texts: list[str], path: Path, progress=None, *, as_queries: bool = False
) -> np.ndarray:
    """Vectors of the texts, embedded once and kept in `path` (.npy, with a .sha256)."""
    key = hashlib.sha256(("query\n" * as_queries + "\n".join(texts)).encode()).hexdigest()
    stamp = path.with_suffix(".sha256")
    if path.exists() and stamp.exists() and stamp.read_text().strip() == key:
        return np.load(path)
    embedder = Embedder()
    if as_queries:
        vectors = np.stack([embedder.query(t) for t in texts]) if texts else np.zeros((0, 384))
    else:
        vectors = embedder.passages(texts, progress=progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    stamp.write_text(key)
    return vectors


def _progress(done: int, total: int) -> None:
    if done % 160 == 0 or done == total:
        print(f"embedded {done}/{total}", flush=True)


def main(argv: list[str] | None = None) -> None:
    """Build the development set, embed it (cached under var/matching/) and print the measures."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("csl", help="folder holding cls_dcp_dev.tsv")
    parser.add_argument("--cache", default="var/matching", help="where vectors are kept")
    parser.add_argument("--write-queries", help="also write the labelled queries (JSON lines)")
    args = parser.parse_args(argv)
    abstracts = read_abstracts(args.csl)
    docs = listings(abstracts)
    labelled = queries(abstracts)
    cache = Path(args.cache)
    vectors = cached_passages(
        [d.text for d in docs], cache / "dev_listings.npy", progress=_progress
    )
    embedder = Embedder()
    labelled = [dataclasses.replace(q, vector=embedder.query(q.text)) for q in labelled]
    if args.write_queries:
        write_queries(args.write_queries, labelled)
    index = MatchIndex.build(docs, vectors=vectors)
    print(f"{len(docs)} listings, {len(labelled)} queries")
    print(f"{'mode':<8} {'recall@10':>9} {'MRR@10':>7}")
    for row in evaluate(index, labelled):
        print(f"{row.mode:<8} {row.recall:>9.3f} {row.mrr:>7.3f}")


if __name__ == "__main__":
    main()
