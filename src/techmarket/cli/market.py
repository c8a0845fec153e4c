"""`techmarket market`: import and export achievements (科技成果) and demands (技术需求)."""

from __future__ import annotations

import sys
import tempfile
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
    as_json: JsonOpt = False,
) -> None:
    """Import a file of listings: all rows or none; a re-import updates by external_id.

    Exit 1 when any row has an error (nothing is written), 2 when the file cannot be read.
    """
    from django.utils import timezone

    from techmarket.market.importer import import_listings
    from techmarket.market.vectors import embed_listings

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
        # The matching engine embeds here once it lands (see market/vectors.py).
        embedded = embed_listings(listing_kind, result.changed_ids)
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
