"""`techmarket notify`: turn new audit events and near deadlines into notices, and mail them."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from techmarket.cli.output import console, fails_cleanly, print_json


@fails_cleanly
def notify_command(
    watch: Annotated[
        bool, typer.Option("--watch", help="keep running, once every --every seconds")
    ] = False,
    every: Annotated[int, typer.Option("--every", min=5, help="seconds between runs")] = 60,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """提醒：待办与两个工作日内到期的合同，写入页面提醒并（配置了 SMTP 时）发送邮件。
    Notices for what waits and for deadlines two working days away (e-mailed when SMTP is set)."""
    from django.utils import timezone

    from techmarket.registry.notices import collect, send_email

    while True:
        now = timezone.now()
        added = collect(now, timezone.localdate(now))
        mailed = send_email(now)
        if as_json:
            print_json({"added": added, "mailed": mailed})
        elif not watch or added or mailed:
            console.print(f"新提醒 {added} 条，已发邮件 {mailed} 封 (notices added, mailed)")
        if not watch:
            return
        time.sleep(every)
