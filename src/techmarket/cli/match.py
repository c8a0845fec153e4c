"""`techmarket match`: achievements for a demand, demands for an achievement, free-text search,
batch search and evaluation, through `market.matches` (docs/matching.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from techmarket.cli.contracts import JsonOpt
from techmarket.cli.market import _actor, _kind
from techmarket.cli.output import console, fails_cleanly, print_json
from techmarket.domain.problems import FileProblem

app = typer.Typer(
    help="供需匹配：为需求找成果、为成果找需求、检索与评测 Matching.", no_args_is_help=True
)

TopOpt = Annotated[int, typer.Option("--top", min=1, max=50, help="how many results")]
AsOpt = Annotated[
    str | None, typer.Option("--as", help="as this user (default: the operator at this terminal)")
]
KindOpt = Annotated[str, typer.Option("--kind", help="achievements | demands: what to search")]

FITS = {
    "field": {"match": "领域相同", "other": "领域不同", "unknown": "领域未填"},
    "region": {
        "same": "同地区",
        "within": "地区内",
        "broader": "覆盖本地区",
        "outside": "地区外",
        "unknown": "地区未填",
    },
    "modes": {"match": "方式相符", "other": "方式不同", "unknown": "方式未填"},
    "amount": {"within": "价格相符", "over": "超出预算", "under": "低于报价", "negotiable": "面议"},
    "maturity": {"meets": "成熟度相符", "below": "成熟度不足", "beyond": "超出阶段", "unknown": "成熟度未填"},
}  # fmt: skip


def fit_words(explanation: dict[str, Any]) -> str:
    """The fit badges of one result as short Chinese words (not_asked is left out)."""
    words = [FITS[key].get(explanation[key], "") for key in FITS]
    return " ".join(word for word in words if word)


def print_results(title: str, results: list[dict[str, Any]]) -> None:
    from rich.markup import escape
    from rich.table import Table

    if not results:
        console.print(f"{title}：没有匹配的已发布信息 (no published listing matches)")
        return
    table = Table("#", "编号", "名称", "得分", "共同关键词", "契合", title=title)
    for r in results:
        e = r["explanation"]
        terms = "、".join(f"[bold]{escape(t)}[/bold]" for t in e["terms"]) or "—"
        table.add_row(
            str(r["rank"]),
            escape(r["external_id"]),
            escape(r["title"]),
            f"{r['score']:.4f}",
            terms,
            fit_words(e) or "—",
        )
    console.print(table)


def _match(kind: str, key: str, top: int, as_user: str | None, as_json: bool) -> None:
    from techmarket.market.matches import match_listing

    found = match_listing(_actor(as_user), kind, key, top).as_dict()  # type: ignore[arg-type]
    if as_json:
        print_json(found)
        return
    other = "科技成果" if kind == "demand" else "技术需求"
    print_results(f"{found['external_id']} {found['title']} 的匹配{other}", found["results"])
    if not found["dense"]:
        console.print("（按关键词匹配：该信息尚无语义向量 matched by words: no vector yet）")


@app.command("demand")
@fails_cleanly
def demand(
    key: Annotated[str, typer.Argument(help="the demand's id or external id")],
    top: TopOpt = 10,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """为技术需求找科技成果 Achievements for a demand, ranked and explained."""
    _match("demand", key, top, as_user, as_json)


@app.command("achievement")
@fails_cleanly
def achievement(
    key: Annotated[str, typer.Argument(help="the achievement's id or external id")],
    top: TopOpt = 10,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """为科技成果找技术需求 Demands for an achievement, ranked and explained."""
    _match("achievement", key, top, as_user, as_json)


@app.command("query")
@fails_cleanly
def query(
    text: Annotated[str, typer.Argument(help="what to search for")],
    kind: KindOpt,
    top: TopOpt = 10,
    field: Annotated[str | None, typer.Option(help="a technology field code or name")] = None,
    region: Annotated[str | None, typer.Option(help="a GB/T 2260 code")] = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """检索已发布的成果或需求 Search published listings by text (words and meaning)."""
    from techmarket.market.matches import search, search_filters

    listing_kind = _kind(kind)
    filters = search_filters(listing_kind, field=field, region=region)
    results = [
        r.as_dict() for r in search(_actor(as_user), text, listing_kind, top, filters=filters)
    ]
    if as_json:
        print_json({"query": text, "kind": listing_kind, "results": results})
    else:
        print_results(f"“{text}”", results)


def _read_batch(path: Path) -> list[tuple[str, str]]:
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise FileProblem(
            f"无法读取查询文件：{error}",
            f"cannot read the queries file: {error}",
            code="queries_file_unreadable",
        ) from None
    queries = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            queries.append((row["id"], str(row["text"])))
        except (ValueError, KeyError, TypeError):
            raise FileProblem(
                f"第 {number} 行须为 JSON 对象，含 id 和 text",
                f"line {number} must be a JSON object with id and text",
                code="queries_line_invalid",
                line=number,
            ) from None
    return queries


@app.command("batch")
@fails_cleanly
def batch(
    file: Annotated[Path, typer.Argument(help='JSON lines {"id": …, "text": …}')],
    kind: KindOpt,
    top: TopOpt = 10,
    as_user: AsOpt = None,
) -> None:
    """批量检索：每行一个查询，每个查询输出一行 JSON
    One JSON line per query: {"id", "results": [{"id": external id, "score"}]}; index loaded once."""
    from techmarket.market.matches import search_many

    listing_kind = _kind(kind)
    queries = _read_batch(file)
    for query_id, found in search_many(_actor(as_user), listing_kind, queries, top):
        results = [{"id": external_id, "score": score} for external_id, score in found]
        typer.echo(json.dumps({"id": query_id, "results": results}, ensure_ascii=False))


@app.command("evaluate")
@fails_cleanly
def evaluate(
    file: Annotated[Path, typer.Argument(help='labelled JSON lines {"id", "text", "relevant"}')],
    kind: Annotated[
        str, typer.Option("--kind", help="achievements | demands: what the queries search")
    ] = "achievements",
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """评测：词、语义与融合排序的 recall@10 与 MRR@10
    Recall@10 and MRR@10 of lexical, dense and fused ranking on a labelled file (the format
    `python -m techmarket.matching.devset --write-queries` writes; relevant = external ids)."""
    from rich.table import Table

    from techmarket.market.matches import evaluate_file

    scores = evaluate_file(_actor(as_user), file, _kind(kind))
    rows = [
        {"mode": s.mode, "queries": s.queries, "recall_at_10": s.recall, "mrr_at_10": s.mrr}
        for s in scores
    ]
    if as_json:
        print_json({"file": str(file), "kind": _kind(kind), "scores": rows})
        return
    table = Table("mode", "queries", "recall@10", "MRR@10", title=str(file))
    for row in rows:
        table.add_row(
            row["mode"],
            str(row["queries"]),
            f"{row['recall_at_10']:.3f}",
            f"{row['mrr_at_10']:.3f}",
        )
    console.print(table)
