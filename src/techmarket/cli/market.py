"""`techmarket market`: import and export achievements (科技成果) and demands (技术需求)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from techmarket.cli.contracts import JsonOpt, _progress
from techmarket.cli.output import (
    console,
    default_user,
    err_console,
    fails_cleanly,
    print_json,
    print_problems,
    writable_output,
)
from techmarket.domain.problems import DomainError, FileProblem

app = typer.Typer(
    help="供需对接：科技成果与技术需求 Achievements and demands.", no_args_is_help=True
)

KindArg = Annotated[str, typer.Argument(help="achievements | demands")]


def _kind(name: str):  # type: ignore[no-untyped-def]
    from techmarket.domain.listings import kind_of

    try:
        return kind_of(name)
    except ValueError:
        raise DomainError(
            f"未知的类别 {name}（可用：achievements、demands）",
            f"unknown kind {name} (use achievements or demands)",
            code="unknown_listing_kind",
        ) from None


def _actor(as_user: str | None):  # type: ignore[no-untyped-def]
    from techmarket.registry.actors import actor_for, system_actor

    return actor_for(as_user) if as_user else system_actor(login=default_user())


@app.command("import")
@fails_cleanly
def import_(
    kind: KindArg,
    file: Path,
    draft: Annotated[
        bool,
        typer.Option(
            "--draft", help="import as drafts (default: published; a seller's go to review)"
        ),
    ] = False,
    as_user: Annotated[
        str | None,
        typer.Option("--as", help="import as this user (default: the operator at this terminal)"),
    ] = None,
    no_embed: Annotated[
        bool,
        typer.Option(
            "--no-embed",
            help="leave the vectors to the background worker (searchable by words at once)",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import a file of listings: all rows or none; a re-import updates by external_id.

    When it returns, the new and changed listings are embedded (with a progress bar) and the
    match index rebuilt, so they are found by words and by meaning; `--no-embed` leaves the
    vectors to `techmarket market embed --watch` (which `serve` runs).
    Exit 1 when any row has an error (nothing is written), 2 when the file cannot be read.
    """
    from django.utils import timezone

    from techmarket.market.importer import import_listings

    listing_kind = _kind(kind)
    actor = _actor(as_user)
    with _progress("导入") as progress:
        task = progress.add_task("导入", total=None)
        result = import_listings(
            listing_kind,
            file,
            actor=actor,
            now=timezone.now(),
            draft=draft,
            progress=lambda n: progress.advance(task, n),
        )
    if result.rows == 0:
        raise FileProblem(
            "文件没有数据行：表头下没有任何记录",
            "the file has no data rows: there is no record under the header",
            reason="no_rows",
        )
    embedded = 0
    if result.committed and result.changed_ids:
        embedded = _embed_and_index(listing_kind, result.changed_ids, embed=not no_embed)
    if as_json:
        print_json({**result.as_dict(), "embedded": embedded})
    else:
        errors = sum(1 for p in result.problems if p.severity == "error")
        if result.problems:
            print_problems(result.problems)
        if errors:
            err_console.print(
                f"[red]导入未通过[/red]：{result.rows} 行，{errors} 个错误；未写入任何记录。"
            )
        else:
            console.print(
                f"[green]导入完成[/green]：{result.rows} 行，新增 {result.created}，"
                f"更新 {result.updated}，未变 {result.unchanged}。"
            )
    if not result.ok:
        raise typer.Exit(1)


def _embed_and_index(kind, listing_ids: list[int], *, embed: bool) -> int:  # type: ignore[no-untyped-def]
    """Vectors for the imported listings (unless left to the worker), then the match index."""
    from techmarket.market.match_index import rebuild
    from techmarket.market.vectors import embed_listings

    embedded = 0
    if embed:
        with _progress("向量化 embedding") as progress:
            task = progress.add_task("embed", total=len(listing_ids))
            embedded = embed_listings(
                kind, listing_ids, progress=lambda n: progress.advance(task, n)
            )
    rebuild(kind)
    return embedded


@app.command("embed")
@fails_cleanly
def embed(
    watch: Annotated[
        bool, typer.Option("--watch", help="keep running, once every --every seconds")
    ] = False,
    every: Annotated[int, typer.Option("--every", min=1, help="seconds between rounds")] = 10,
    limit: Annotated[
        int | None, typer.Option(min=1, help="at most this many listings per kind and round")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """向量化：为已发布但尚无向量的成果和需求生成语义向量，并重建匹配索引。
    Embed published listings that have no vector yet and rebuild the match indexes.

    `serve` runs `--watch` in a process of its own; a listing saved in a page is found by its
    words at once and by its meaning once this has embedded it.
    """
    from techmarket.domain.listings import KINDS
    from techmarket.market.match_index import rebuild
    from techmarket.market.vectors import embed_pending, pending

    def say(text: str) -> None:
        """A log line on standard error (the worker's output under `serve`)."""
        err_console.print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} market embed: {text}")

    per_round = limit or (500 if watch else None)  # the index catches up between rounds
    while True:
        started = time.time()
        counts: dict[str, int] = {}
        for kind in KINDS:
            waiting = min(pending(kind).count(), per_round or 10**9)
            counts[kind] = 0
            if waiting and (watch or as_json):
                say(f"embedding {waiting} {kind} listings")
                counts[kind] = embed_pending(
                    kind,
                    limit=per_round,
                    progress=lambda done, total, k=kind: say(f"{done}/{total} {k} listings"),
                )
            elif waiting:
                with _progress(f"向量化 {kind}") as progress:
                    task = progress.add_task(kind, total=waiting)
                    counts[kind] = embed_pending(
                        kind,
                        limit=per_round,
                        progress=lambda done, total, t=task: progress.update(t, completed=done),
                    )
            built = rebuild(kind)  # nothing to do when the index is current
            if watch and built is not None and (counts[kind] or built.built_at > started):
                say(f"{kind} index: {built.listings} listings, {built.vectors} with vectors")
        if as_json:
            print_json({"embedded": counts})
        elif not watch or any(counts.values()):
            console.print(
                f"已向量化：成果 {counts['achievement']}，需求 {counts['demand']} "
                "(listings embedded)"
            )
        if not watch:
            return
        time.sleep(every)


@app.command("export")
@fails_cleanly
def export(
    kind: KindArg,
    output: Annotated[str, typer.Argument(help="file to write, or - for standard output")],
    format: Annotated[
        str | None, typer.Option(help="csv | xlsx | jsonl (default: the suffix; jsonl for -)")
    ] = None,
    status: Annotated[str | None, typer.Option(help="only this status")] = None,
    as_user: Annotated[
        str | None, typer.Option("--as", help="export what this user may read (default: all)")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Export listings in the import format (with their status)."""
    from techmarket.domain.listings import EXPORT_KEYS, TABLES
    from techmarket.interchange.writers import write_records
    from techmarket.market.selectors import export_rows

    listing_kind = _kind(kind)
    actor = _actor(as_user)
    to_stdout = output == "-"
    if to_stdout:
        fmt = (format or "jsonl").lower()
        if fmt == "xlsx":
            raise FileProblem(
                "xlsx 不能写到标准输出：请给出文件名",
                "xlsx cannot go to standard output: name a file",
                reason="output_format",
            )
        writable_output(Path(f"out.{fmt}"), ("csv", "jsonl"), fmt)
    else:
        fmt = writable_output(Path(output), ("csv", "jsonl", "xlsx"), format)
    rows = export_rows(actor, listing_kind, status=status)
    options = {"format": fmt, "keys": EXPORT_KEYS[listing_kind], "table": TABLES[listing_kind]}
    if to_stdout:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"listings.{fmt}"
            count = write_records(path, rows, **options)  # type: ignore[arg-type]
            sys.stdout.write(path.read_text(encoding="utf-8-sig"))
        return
    count = write_records(Path(output), rows, **options)  # type: ignore[arg-type]
    if as_json:
        print_json({"rows": count, "path": output, "format": fmt})
    else:
        console.print(f"已导出 {count} 条到 {output}")


@app.command("expire")
@fails_cleanly
def expire(as_json: JsonOpt = False) -> None:
    """Expire published listings past their validity date or deadline (run daily)."""
    from django.utils import timezone

    from techmarket.market.services import expire_due

    counts = expire_due(actor=_actor(None), now=timezone.now())
    if as_json:
        print_json(counts)
    else:
        console.print(f"已下架：成果 {counts['achievement']}，需求 {counts['demand']}")


@app.command("funnel")
@fails_cleanly
def funnel(
    period: Annotated[
        str, typer.Option(help="2025 | 2025H1 | 2025Q1 | 2025-03 | 2025YTD06 | FROM..TO")
    ],
    by: Annotated[str, typer.Option(help="field | region | broker | month")] = "field",
    level: Annotated[str, typer.Option(help="with --by region: province | city | county")] = "city",
    region: Annotated[
        str | None,
        typer.Option(help="GB/T 2260 code (default: the reader's jurisdiction, or all)"),
    ] = None,
    as_user: Annotated[
        str | None, typer.Option("--as", help="read as this user (their leads or jurisdiction)")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """对接漏斗 Matches → contacted → signed → registered contracts and their amounts.

    Each stage counts in the period the lead reached it; amounts are the registered contracts'.
    """
    from rich.table import Table

    from techmarket.registry.actors import actor_for, system_actor
    from techmarket.stats.funnel import COLUMNS
    from techmarket.stats.funnel import funnel as funnel_report

    actor = actor_for(as_user) if as_user else system_actor()
    report = funnel_report(actor, period, by=by, level=level, region=region).as_dict()
    if as_json:
        print_json(report)
        return
    table = Table(*(label for _, label, _ in COLUMNS[1:]), title=f"对接漏斗 {report['period']}")
    for row in [*report["rows"], report["total"]]:  # type: ignore[list-item]
        table.add_row(*(_cell(row[key]) for key, _, _ in COLUMNS[1:]))
    console.print(table)


def _cell(value: object) -> str:
    from decimal import Decimal

    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)
