"""Operator commands: init, demo, backup, restore, serve."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from techmarket.cli.output import console, err_console, fails_cleanly, print_json, writable_output


def init_database(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


@fails_cleanly
def init(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Create or migrate the database (idempotent). Reference data ships in the package."""
    from django.db import connection

    init_database()
    if as_json:
        print_json({"ok": True, "database": connection.vendor})
    else:
        console.print(f"数据库已就绪（{connection.vendor}）。")


def _parse_years(text: str) -> list[int]:
    first, _, last = text.partition("-")
    try:
        years = list(range(int(first), int(last or first) + 1))
    except ValueError:
        raise typer.BadParameter("年份格式为 2024 或 2023-2024") from None
    if not years or len(years) > 30:
        raise typer.BadParameter("年份范围无效")
    return years


@fails_cleanly
def demo(
    contracts: Annotated[int, typer.Option(help="number of registered contracts")] = 2000,
    years: Annotated[
        str, typer.Option(help="e.g. 2023-2024 [default: last year and this year]")
    ] = "",
    region: Annotated[str, typer.Option(help="GB/T 2260 code of the demo city")] = "440100",
    seed: Annotated[int, typer.Option(help="random seed")] = 1,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Load demo agencies, users and synthetic contracts (re-running adds nothing twice)."""
    from django.utils import timezone

    from techmarket.entities.demo import load_entities_demo
    from techmarket.market.demo import load_market_demo
    from techmarket.registry.demo import load_demo

    init_database()
    this_year = timezone.localdate().year
    year_list = _parse_years(years or f"{this_year - 1}-{this_year}")
    with console.status("生成演示数据…"):
        now = timezone.now()
        summary = load_demo(contracts=contracts, years=year_list, region=region, seed=seed, now=now)
        market = load_market_demo(region=region, seed=seed, now=now)
        summary["entities"] = load_entities_demo(region=region, seed=seed, now=now)
    summary["market"] = market
    if market["achievements"]:
        summary["users"] = sorted([*summary["users"], "broker"])  # type: ignore[list-item]
    if as_json:
        print_json(summary)
        return
    console.print(
        f"[green]演示数据已就绪[/green]：新增 {summary['created']} 条登记合同，"
        f"{summary['queue']} 条待审合同，{market['achievements']} 项科技成果，"
        f"{market['demands']} 项技术需求，{market['leads']} 条对接线索"
        "（向量由 serve 启动的后台进程生成）。"
    )
    console.print("演示账号（密码均为 demo）：" + "，".join(summary["users"]))


@fails_cleanly
def backup(
    output: Annotated[Path, typer.Option("-o", "--output")],
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
) -> None:
    """Write a consistent copy of the whole database."""
    from techmarket.registry.backup import backup as do_backup

    writable_output(output)
    do_backup(output)
    if as_json:
        print_json({"path": str(output), "bytes": output.stat().st_size})
    else:
        console.print(f"已备份到 {output}")


@fails_cleanly
def restore(
    file: Path,
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
) -> None:
    """Replace the database with a backup, then verify the audit chain."""
    from techmarket.registry.audit import verify
    from techmarket.registry.backup import restore as do_restore

    if not yes and not typer.confirm("恢复将覆盖当前数据库，继续？", default=False):
        raise typer.Exit(1)
    do_restore(file)
    report = verify()
    if as_json:
        print_json(
            {
                "restored": str(file),
                "audit_chain_ok": report.ok,
                "events": report.events,
                "first_broken_seq": report.first_broken_seq,
            }
        )
    if not report.ok:
        if not as_json:
            err_console.print(f"[red]已恢复，但审计链校验失败[/red]：#{report.first_broken_seq}")
        raise typer.Exit(1)
    if not as_json:
        console.print(f"已从 {file} 恢复；审计链完整（{report.events} 个事件）。")


@fails_cleanly
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="worker processes [default: 2 per core, at least 2]"),
    ] = None,
    threads: Annotated[
        int,
        typer.Option(min=1, help="threads per worker (1: a worker takes one request at a time)"),
    ] = 1,
    dev: Annotated[
        bool,
        typer.Option("--dev", "--reload", help="Django's development server, reloading on change"),
    ] = False,
) -> None:
    """Run the web server (gunicorn; static files collected and served by whitenoise)."""
    from techmarket.server.static import collect_static
    from techmarket.server.wsgi_server import ServerOptions, default_workers, run

    options = ServerOptions(
        host=host, port=port, workers=workers or default_workers(), threads=threads
    )
    if dev:
        from django.core.management import call_command

        call_command("runserver", options.bind, use_reloader=True)
        return
    collect_static()
    from techmarket.accounts.token_uses import record_in_batches

    record_in_batches(1.0)  # token uses in one write a second, not one per request
    refresher = _refresh_statistics_after_commits()
    worker = _run_import_jobs()
    notifier = _send_notices()
    embedder = _embed_listings()
    console.print(
        f"techmarket 在 {options.url} 提供服务（{options.workers} 进程 × {threads} 线程）"
    )
    try:
        run(options)
    finally:
        _stop(refresher, worker, notifier, embedder)


def _stop(*processes: subprocess.Popen[bytes]) -> None:
    """Ask the helper processes to stop (an import worker rolls back a running import and puts
    its job back in the queue); kill one that does not within 30 seconds."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _refresh_statistics_after_commits() -> subprocess.Popen[bytes]:
    """The statistics follow the registry: workers mark a refresh as wanted after each commit
    (they inherit this subscription), and one process of its own does the refreshing, never a
    worker (DuckDB's SQLite inside a worker would break SQLite's locks; docs/decisions.md)."""
    from techmarket.stats.refresher import refresh_after_registry_commits

    refresh_after_registry_commits()
    return subprocess.Popen(
        [sys.executable, "-m", "techmarket.cli", "stats", "refresh", "--watch"],
        stdout=subprocess.DEVNULL,
    )


def _run_import_jobs() -> subprocess.Popen[bytes]:
    """The one process that runs the imports queued from the web pages, never a web worker:
    an import can take minutes, far longer than a request may."""
    return subprocess.Popen(
        [sys.executable, "-m", "techmarket.cli", "jobs", "work"], stdout=subprocess.DEVNULL
    )


def _send_notices() -> subprocess.Popen[bytes]:
    """Notices from new audit events and near deadlines, every 30 seconds, mailed where SMTP
    is configured (registry/notices.py)."""
    return subprocess.Popen(
        [sys.executable, "-m", "techmarket.cli", "notify", "--watch", "--every", "30"],
        stdout=subprocess.DEVNULL,
    )


def _embed_listings() -> subprocess.Popen[bytes]:
    """Vectors for newly published listings, and the match indexes rebuilt after a change
    (market/vectors.py, market/match_index.py): embedding takes seconds a listing, never a
    request's time."""
    return subprocess.Popen(
        [sys.executable, "-m", "techmarket.cli", "market", "embed", "--watch", "--every", "10"],
        stdout=subprocess.DEVNULL,
    )


def register(app: typer.Typer) -> None:
    for command in (init, demo, backup, restore, serve):
        app.command(command.__name__)(command)
