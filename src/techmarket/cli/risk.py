"""`techmarket risk`: scan the registry for risk signals, show a contract's signals."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from techmarket.cli.output import console, err_console, fails_cleanly, print_json

app = typer.Typer(help="风险信号 Risk signals for registrars.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document")]

# What the scan is doing, step by step, for the progress bar.
STEPS = {
    "load": "读取合同 reading contracts",
    "duplicate": "疑似重复 duplicates",
    "split_below_threshold": "拆分合同 split deals",
    "circular_deal": "循环交易 circular deals",
    "amount_outlier": "金额异常 amounts",
    "period_end_spike": "期末集中 period ends",
    "related_parties": "关联方 related parties",
    "store": "保存 storing",
}


@app.command("scan")
@fails_cleanly
def scan(as_json: JsonOpt = False) -> None:
    """Compute every risk signal over the open and registered contracts; replaces the last scan.

    Run it with the server stopped on SQLite, or let `serve` run it beside the statistics
    refresher."""
    from django.db import connection

    from techmarket.stats.risk_scan import scan as run_scan

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=as_json,
    )
    with progress:
        task = progress.add_task("风险扫描 risk scan", total=len(STEPS))

        def step(name: str) -> None:
            progress.update(task, description=STEPS.get(name, name), advance=1)

        report = run_scan(progress=step)
        progress.update(task, completed=len(STEPS))
    if not connection.in_atomic_block:  # DuckDB's copy of SQLite has closed: start afresh
        connection.close()
    data = {
        "contracts": report.contracts,
        "signals": report.signals,
        "by_signal": report.by_signal,
        "seconds": round(report.seconds, 2),
        "last_seq": report.last_seq,
    }
    if as_json:
        print_json(data)
        return
    console.print(
        f"已扫描 {report.contracts} 份合同，发现 {report.signals} 条风险信号"
        f"（{report.seconds:.1f} 秒）"
    )
    for signal, count in report.by_signal.items():
        console.print(f"  {signal}: {count}")


@app.command("show")
@fails_cleanly
def show(
    contract: Annotated[str, typer.Argument(help="合同 ID 或登记编号")],
    as_user: Annotated[
        str | None, typer.Option("--as", help="act as this user (their role and agency)")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """One contract's risk signals with their explanations and related contracts."""
    from techmarket.registry.actors import actor_for, system_actor
    from techmarket.registry.risk import signals_of
    from techmarket.registry.selectors import find_contract

    actor = actor_for(as_user) if as_user else system_actor()
    found = find_contract(contract, actor)
    signals = signals_of(found, actor)
    if as_json:
        print_json({"contract": found.pk, "signals": signals})
        return
    if not signals:
        console.print(f"合同 {found.pk} 没有风险信号 (no risk signals)")
        return
    for s in signals:
        console.print(f"[bold]{s['name']}[/bold] ({s['signal']}, {s['score']}, {s['severity']})")
        console.print(f"  {s['explanation']}")
        for r in s["related"]:
            label = r["registration_number"] or (f"#{r['id']}" if r["id"] else "")
            console.print(f"  · {label} {r['name']}".rstrip())
