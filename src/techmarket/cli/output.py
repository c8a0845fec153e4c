"""Printing for the command line: Rich for people, one JSON document for scripts."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import typer
from rich.console import Console

from techmarket.domain.problems import (
    Conflict,
    DomainError,
    FileProblem,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleObject,
    Unavailable,
    ValidationFailed,
)

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
    """Turn domain errors into a readable line (or a JSON problem) and the error's exit code;
    a database that cannot be used, or a write that conflicts, too (never a traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from django.db import DatabaseError

        try:
            return func(*args, **kwargs)
        except DomainError as error:
            _fail(error, as_json=bool(kwargs.get("as_json")))
        except DatabaseError as error:
            _fail(_database_problem(error), as_json=bool(kwargs.get("as_json")))

    return wrapper  # type: ignore[return-value]


# The command line's exit code for each kind of refusal (README, "Exit codes"); the most
# specific class wins, anything else is 1.
EXIT_CODES: tuple[tuple[type[DomainError], int], ...] = (
    (FileProblem, 2),
    (PermissionDenied, 3),
    (NotFound, 4),
    (InvalidTransition, 5),
    (StaleObject, 6),
    (Unavailable, 7),
)


def exit_code_for(error: DomainError) -> int:
    return next((code for kind, code in EXIT_CODES if isinstance(error, kind)), 1)


# How to fix a refusal in this front end's terms, by the refusal's stable code (Chinese, English).
# Services say what is wrong; only the command line knows its options and commands.
HINTS: dict[str, tuple[str, str]] = {
    "note_required": ("请用 --note 填写说明", "give the explanation with --note"),
    "unknown_refusal_reason": (
        "请用 --reason 给出上列理由代码之一",
        "give one of the codes listed with --reason",
    ),
    "stale_version": (
        "请先用 techmarket contracts show 查看合同的当前状态，再以上面给出的当前版本作为 "
        "--expected-version 重试",
        "check the contract with techmarket contracts show, then retry with the current version "
        "given above as --expected-version",
    ),
    "duplicate_contract": (
        "可用 techmarket contracts show 查看已有的合同",
        "see the existing contract with techmarket contracts show",
    ),
    "second_reviewer_same_as_first": (
        "请由另一名登记员（--as）完成二次审核",
        "let another registrar (--as) do the second review",
    ),
    "seller_not_own_organisation": (
        "请以该卖方单位的用户（--as）起草",
        "draft as a user of the seller organisation (--as)",
    ),
    "only_seller_drafts": ("请以卖方用户（--as）起草", "draft as a seller user (--as)"),
    "user_not_found": (
        "请先用 techmarket users add 创建用户并分配角色",
        "create the user with techmarket users add",
    ),
    "agency_not_found": (
        "可用 techmarket agencies list 查看已有的登记机构",
        "see the agencies with techmarket agencies list",
    ),
    "parent_agency_not_found": (
        "可用 techmarket agencies list 查看已有的登记机构",
        "see the agencies with techmarket agencies list",
    ),
    "agency_required": ("请用 --agency 指定登记机构代码", "name the agency with --agency CODE"),
    "party_required": (
        "请用 --party 指定卖方单位的证件号",
        "name the organisation with --party IDENTIFIER",
    ),
    "unknown_role": ("请用 --role 给出上列角色之一", "give one of the roles listed with --role"),
    "number_format_clash": (
        "请用 --number-format 给出含 {agency} 的编号格式",
        "pass --number-format with a format containing {agency}",
    ),
    "number_format_malformed": (
        "请检查 --number-format 的写法",
        "check how --number-format is written",
    ),
    "number_format_incomplete": (
        "请用 --number-format 给出完整的编号格式",
        "pass a complete format with --number-format",
    ),
    "number_format_unknown_field": (
        "--number-format 只能使用 {year} {region} {agency} {serial}",
        "--number-format may only use {year} {region} {agency} {serial}",
    ),
    "income_year_already_declared": (
        "可用 techmarket income list 查看已申报的年度；被退回后方可重新申报",
        "see the declared years with techmarket income list; a year is declared again once "
        "it is returned",
    ),
    "no_verified_income": (
        "可用 techmarket income list 查看各年度的申报及其状态",
        "see each year's declaration and its status with techmarket income list",
    ),
    "income_declared_by_seller": (
        "请以合同卖方单位的用户（--as）申报",
        "declare as a user of the contract's seller (--as)",
    ),
    "income_decided_by_agency": (
        "请以合同登记机构的登记员（--as）核定或退回",
        "verify or return as a registrar of the contract's agency (--as)",
    ),
    "drop_reason_required": ("请用 --reason 说明放弃原因", "say why with --reason"),
    "registration_number_required": (
        "请用 --contract 给出已登记合同的登记编号",
        "give the registered contract's number with --contract",
    ),
    "lead_exists": (
        "可用 techmarket lead show 查看已有的线索",
        "see the existing lead with techmarket lead show",
    ),
    "user_not_broker": (
        "请先用 techmarket users add USERNAME --role broker 为其分配经纪人角色",
        "give the user the broker role with techmarket users add USERNAME --role broker",
    ),
    "broker_profile_missing": (
        "请先用 techmarket broker add 建立经纪人档案",
        "create the broker's profile with techmarket broker add",
    ),
    "not_one_record": (
        "草稿、补正和变更各读取一个只含一条记录的文件",
        "draft, resubmit and amend each read a file holding one record",
    ),
}


# Where the fix depends on what was refused: (code, a detail the refusal carries) → hint.
SUBJECT_HINTS: dict[tuple[str, str], tuple[str, str]] = {
    ("stale_version", "lead"): (
        "请先用 techmarket lead show 查看线索的当前状态，再以上面给出的当前版本作为 "
        "--expected-version 重试",
        "check the lead with techmarket lead show, then retry with the current version given "
        "above as --expected-version",
    ),
    ("stale_version", "broker"): (
        "请先用 techmarket broker show 查看档案的当前版本，再以它作为 --expected-version 重试",
        "check the profile with techmarket broker show, then retry with its version as "
        "--expected-version",
    ),
    ("stale_version", "candidate"): (
        "请先用 techmarket entities candidates 查看培育对象的当前版本，再以它作为 "
        "--expected-version 重试",
        "check the candidate with techmarket entities candidates, then retry with its version "
        "as --expected-version",
    ),
    ("stale_version", "declaration"): (
        "请先用 techmarket income list 查看申报的当前状态，再以上面给出的当前版本作为 "
        "--expected-version 重试",
        "check the declaration with techmarket income list, then retry with the current "
        "version given above as --expected-version",
    ),
}


def hint_for(error: DomainError) -> tuple[str, str] | None:
    for (code, subject), hint in SUBJECT_HINTS.items():
        if error.code == code and subject in error.details:
            return hint
    return HINTS.get(error.code)


def _database_problem(error: Exception) -> DomainError:
    from django.db import IntegrityError

    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if isinstance(error, IntegrityError):
        return Conflict(
            f"与已有数据冲突，未写入任何内容：{text}",
            f"conflicts with data already stored; nothing was written: {text}",
            code="integrity_conflict",
        )
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        return Unavailable(
            "数据库尚未初始化：请先运行 techmarket init",
            "the database is not set up: run techmarket init",
            code="database_not_set_up",
        )
    return Unavailable(
        f"无法使用数据库：{text}（请检查 TECHMARKET_DATABASE_URL）",
        f"the database cannot be used: {text} (check TECHMARKET_DATABASE_URL)",
        code="database_unavailable",
    )


def _fail(error: DomainError, *, as_json: bool) -> NoReturn:
    if as_json:
        described: dict[str, object] = {
            **error.details,  # what and where: reason, line, headers …
            "code": error.code,
            "message": error.message,
            "message_en": error.message_en,
        }
        hint = hint_for(error)
        if hint is not None:
            described["hint"], described["hint_en"] = hint
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
        hint = hint_for(error)
        if hint is not None:
            err_console.print(f"[yellow]提示[/yellow]：{hint[0]}")
            err_console.print(f"[dim]hint: {hint[1]}[/dim]")
        if isinstance(error, ValidationFailed):
            print_problems(error.problems, stderr=True)
    raise typer.Exit(exit_code_for(error)) from None


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


def writable_output(path: Path, formats: tuple[str, ...] = (), fmt: str | None = None) -> str:
    """The format to write `path` in ("" when any will do), refused before any work is done
    when the file cannot be written there."""
    chosen = (fmt or path.suffix.lstrip(".") or (formats[0] if formats else "")).lower()
    if formats and chosen not in formats:
        raise FileProblem(
            f"无法写出“{chosen}”格式的文件：请使用 {' / '.join(formats)}（文件名后缀或 --format）",
            f"cannot write {chosen!r} files: use {' / '.join(formats)} (suffix or --format)",
            reason="output_format",
            path=str(path),
        )
    if path.is_dir():
        raise FileProblem(
            f"{path} 是一个目录：请给出文件名",
            f"{path} is a folder: name a file",
            reason="output_is_folder",
        )
    if not path.parent.is_dir():
        raise FileProblem(
            f"输出目录不存在：{path.parent}",
            f"the output folder does not exist: {path.parent}",
            reason="output_folder",
            path=str(path),
        )
    return chosen
