"""`techmarket entities import`: the lists a bureau receives, into the innovation-entity register."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from techmarket.cli.contracts import ImportAs, JsonOpt, _progress
from techmarket.cli.output import (
    console,
    default_user,
    err_console,
    fails_cleanly,
    print_json,
    print_problems,
)
from techmarket.domain.problems import DomainError, FileProblem

KindArg = Annotated[
    str,
    typer.Argument(
        help="high_tech_enterprise | tech_sme | incubator | maker_space | new_rd_institution | "
        "enterprise_tech_centre | tech_transfer_institution | specialised_sme | "
        "incubator_resident | candidate | trained_person | rename | revocation | move"
    ),
]


def _day(text: str | None) -> date | None:
    if not text:
        return None
    from techmarket.domain.dates import DateError, parse_date

    try:
        return parse_date(text)
    except DateError as error:
        raise DomainError(error.message, error.message_en, code="date_format") from None


@fails_cleanly
def import_command(
    kind: KindArg,
    file: Path,
    batch: Annotated[
        str,
        typer.Option(help="the batch or round of the list, for rows that name none"),
    ] = "",
    granted_on: Annotated[
        str | None,
        typer.Option(
            "--granted-on",
            "--effective-on",
            help="the date printed in the notice, for rows without one: the issue date of a "
            "备案公告, the effective date of a rename, revocation or move notice",
        ),
    ] = None,
    level: Annotated[
        str,
        typer.Option(help="national | provincial | municipal | district (default: national)"),
    ] = "",
    as_user: ImportAs = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a list: all rows or none; a re-import of the same file changes nothing.

    Organisations are found by credit code (a new code with a name is recorded), else by their
    exact name after normalising brackets and spaces, through recorded renames; names that
    match nothing or several firms are listed and nothing is written. Without --as the operator
    at this terminal imports; an agency admin (--as) only rows within their jurisdiction.
    Exit 1 when any row has an error, 2 when the file cannot be read.
    """
    from django.utils import timezone

    from techmarket.entities.importer import import_entities
    from techmarket.registry.actors import actor_for, system_actor

    actor = actor_for(as_user) if as_user else system_actor(login=default_user())
    day = _day(granted_on)
    with _progress("导入") as progress:
        task = progress.add_task("导入", total=None)
        result = import_entities(
            kind,
            file,
            actor=actor,
            now=timezone.now(),
            batch=batch,
            granted_on=day,
            level=level,
            progress=lambda n: progress.advance(task, n),
        )
    if result.rows == 0:
        raise FileProblem(
            "文件没有数据行：表头下没有任何记录",
            "the file has no data rows: there is no record under the header",
            reason="no_rows",
        )
    if as_json:
        print_json(result.as_dict())
    else:
        _describe(result)
    if not result.ok:
        raise typer.Exit(1)


def _describe(result) -> None:  # type: ignore[no-untyped-def]
    errors = sum(1 for p in result.problems if p.severity == "error")
    if result.problems:
        print_problems(result.problems)
    if result.unmatched:
        err_console.print(
            f"未匹配的名称（{len(result.unmatched)} 个）：" + "、".join(result.unmatched[:50])
        )
    if errors:
        err_console.print(
            f"[red]导入未通过[/red]：{result.rows} 行，{errors} 个错误；未写入任何记录。"
        )
    else:
        console.print(
            f"[green]导入完成[/green]：{result.rows} 行，新增 {result.created}，"
            f"更新 {result.updated}，未变跳过 {result.skipped}。"
        )


def register(entities: typer.Typer) -> None:
    entities.command("import")(import_command)
