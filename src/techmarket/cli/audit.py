"""`techmarket audit`: prove the audit trail is intact."""

from __future__ import annotations

from typing import Annotated

import typer

from techmarket.cli.output import console, err_console, fails_cleanly, print_json

app = typer.Typer(help="审计链 Audit trail.", no_args_is_help=True)


@app.command("verify")
@fails_cleanly
def verify(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Recompute the hash chain; exit 1 and name the first broken event if it was tampered with."""
    from techmarket.registry.audit import verify as verify_chain

    report = verify_chain()
    if as_json:
        print_json(
            {
                "ok": report.ok,
                "events": report.events,
                "first_broken_seq": report.first_broken_seq,
                "reason": report.reason,
            }
        )
    elif report.ok:
        console.print(f"[green]审计链完整[/green]：{report.events} 个事件 (audit chain intact)")
    else:
        err_console.print(
            f"[red]审计链损坏[/red]：第一个异常事件 #{report.first_broken_seq}"
            f"（{report.reason}）；此前 {report.events} 个事件完好。"
        )
    if not report.ok:
        raise typer.Exit(1)
