"""Printing for the command line: Rich for people, one JSON document for scripts."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import typer
from rich.console import Console

from techmarket.domain.problems import DomainError, FileProblem, ValidationFailed

console = Console(stderr=False)
err_console = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


def _default(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def plain(value: Decimal | None) -> str | None:
    """An entered figure as written, without padding zeros (120.0000 → 120); amounts use 2 places."""
    if value is None:
        return None
    return f"{value.normalize():f}" if value else "0"


def replaced_note(before: Decimal | None, now: Decimal, unit: str) -> str:
    """What became of the value an entry replaced (it is kept, never overwritten)."""
    if before is None:
        return ""
    if before == now:
        return "（数值未变，说明已更新；原记录保留在历史中）"
    return f"（原值 {plain(before)}{unit} 保留在历史中）"


def default_user() -> str:
    """Who enters a figure when --user is not given: the login name of the person at the terminal."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n")


def fails_cleanly(func: F) -> F:
    """Turn domain errors into a readable line (or a JSON problem) and the error's exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DomainError as error:
            if kwargs.get("as_json"):
                described: dict[str, object] = {
                    **error.details,  # what and where: reason, line, headers …
                    "code": error.code,
                    "message": error.message,
                    "message_en": error.message_en,
                }
                body: dict[str, object] = {"error": described}
                if isinstance(error, ValidationFailed):
                    body["problems"] = [p.as_dict() for p in error.problems]
                elif isinstance(error, FileProblem):
                    # The shape of a checked file too, so a script reads one shape either way.
                    body["rows"] = 0
                    body["problems"] = [
                        {
                            "row": 0,
                            "field": "",
                            "code": str(error.details.get("reason") or error.code),
                            "severity": "error",
                            "message": error.message,
                            "message_en": error.message_en,
                        }
                    ]
                print_json(body)
            else:
                err_console.print(f"[red]错误 ({error.code})[/red]：{error.message}")
                err_console.print(f"[dim]{error.message_en}[/dim]")
                if isinstance(error, ValidationFailed):
                    print_problems(error.problems, stderr=True)
            raise typer.Exit(error.exit_code) from None

    return wrapper  # type: ignore[return-value]


def print_problems(problems: list, *, stderr: bool = False, limit: int = 200) -> None:
    from rich.table import Table

    table = Table("行", "字段", "代码", "级别", "说明")
    for problem in problems[:limit]:
        table.add_row(
            str(problem.row),
            problem.field,
            problem.code,
            problem.severity,
            f"{problem.message}\n[dim]{problem.message_en}[/dim]",
        )
    (err_console if stderr else console).print(table)
    if len(problems) > limit:
        (err_console if stderr else console).print(
            f"…另有 {len(problems) - limit} 个问题未显示（用 --json 或 --report 查看全部）"
        )
