"""`techmarket contracts attach` and `attachments`: files that go with a contract."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from techmarket.cli.output import console, default_user, fails_cleanly, print_json

AsUser = Annotated[
    str | None,
    typer.Option("--as", help="act as this user (default: the operator at this terminal)"),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document")]


def _actor(as_user: str | None):  # type: ignore[no-untyped-def]
    from techmarket.registry.actors import actor_for, system_actor

    return actor_for(as_user) if as_user else system_actor(login=default_user())


def _row(attachment) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_at": attachment.uploaded_at.isoformat(),
        "uploaded_by": attachment.uploaded_by,
    }


@fails_cleanly
def attach_command(
    contract_id: Annotated[int, typer.Argument(help="the contract's id")],
    file: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, readable=True, help="PDF, DOCX, PNG, JPEG"),
    ],
    as_user: AsUser = None,
    as_json: JsonOpt = False,
) -> None:
    """Attach a file to a contract (its type is told from its content)."""
    from django.utils import timezone

    from techmarket.registry.attachments import add_attachment

    with file.open("rb") as content:
        attachment = add_attachment(
            contract_id, content, file.name, actor=_actor(as_user), now=timezone.now()
        )
    if as_json:
        print_json(_row(attachment))
        return
    console.print(
        f"已添加附件 {attachment.pk}：{attachment.name}（{attachment.content_type}，"
        f"{attachment.size} 字节，SHA-256 {attachment.sha256}）"
    )


@fails_cleanly
def list_command(
    contract_id: Annotated[int, typer.Argument(help="the contract's id")],
    as_user: AsUser = None,
    as_json: JsonOpt = False,
) -> None:
    """List a contract's attachments, oldest first."""
    from techmarket.registry.attachments import list_attachments

    rows = [_row(a) for a in list_attachments(contract_id, _actor(as_user))]
    if as_json:
        print_json(rows)
        return
    from rich.table import Table

    table = Table("ID", "文件名", "类型", "字节", "SHA-256", "上传者")
    for row in rows:
        table.add_row(
            *(str(row[k]) for k in ("id", "name", "content_type", "size", "sha256", "uploaded_by"))
        )
    console.print(table)
