"""`techmarket jobs`: the worker that runs the imports queued from the web pages."""

from __future__ import annotations

import contextlib
from typing import Annotated

import typer

from techmarket.cli.output import console, fails_cleanly, print_json

app = typer.Typer(help="后台任务 Background jobs (bulk imports).", no_args_is_help=True)


@app.command("work")
@fails_cleanly
def work(
    once: Annotated[
        bool, typer.Option("--once", help="run the jobs waiting now, then stop")
    ] = False,
    interval: Annotated[float, typer.Option(min=0.2, help="seconds between looks")] = 1.0,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
) -> None:
    """Run queued imports one after another (`techmarket serve` starts one such worker).

    A job left running by a worker that died is queued again once, then failed.
    """
    import signal
    import threading

    from techmarket.registry.import_jobs import work as run_jobs

    stop = threading.Event()

    def terminate(*_: object) -> None:
        # Stop at once, as Ctrl-C does: a running import rolls back and its job is queued again.
        stop.set()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, terminate)
    ran = 0
    try:
        with contextlib.suppress(KeyboardInterrupt):
            ran = run_jobs(stop_when_idle=once, poll=interval, stop=stop)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if as_json:
        print_json({"jobs_run": ran})
    elif once:
        console.print(f"已运行 {ran} 个导入任务")
