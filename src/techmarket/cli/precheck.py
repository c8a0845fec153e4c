"""`techmarket contracts precheck FILE`: read a contract document and say what is wrong with it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from techmarket.cli.output import console, fails_cleanly, print_json
from techmarket.domain.problems import FileProblem

_SEVERITY = {"block": "[red]阻止 block[/red]", "warn": "[yellow]提醒 warn[/yellow]"}


@fails_cleanly
def precheck_command(
    file: Annotated[Path, typer.Argument(help="合同文本 .docx, text-layer .pdf or .txt")],
    seller: Annotated[
        str | None, typer.Option(help="the registered seller's name, to compare with the contract")
    ] = None,
    today: Annotated[
        str | None, typer.Option(help="check the term against this day (YYYY-MM-DD)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
) -> None:
    """Pre-check a contract document: extracted fields, suggested type, findings.

    Exit 1 when a finding blocks registration, 2 when the file cannot be read.
    """
    from django.utils import timezone

    from techmarket.interchange.precheck import precheck_document

    try:
        data = file.read_bytes()
    except OSError as error:
        raise FileProblem(
            f"无法读取文件 {file}：{error.strerror}",
            f"cannot read {file}: {error.strerror}",
            code="document_unreadable",
        ) from None
    day = date.fromisoformat(today) if today else timezone.localdate()
    result = precheck_document(data, file.name, today=day, seller=seller)
    if as_json:
        print_json(result.as_dict())
    else:
        _print(result.as_dict())
    if result.blocking:
        raise typer.Exit(1)


def _print(data: dict) -> None:  # type: ignore[type-arg]
    from rich.table import Table

    fields = Table("字段 field", "值 value", "依据 evidence", title="从合同文本提取 Extracted")
    for key, item in data["fields"].items():
        fields.add_row(key, str(item["value"]), str(item["evidence"]))
    console.print(fields)
    kind = data["suggested_type"] or "—"
    subtype = data["suggested_subtype"] or "—"
    console.print(f"建议类型 suggested type: [bold]{kind}[/bold] / {subtype}")
    if data["type_evidence"]:
        console.print("依据 evidence: " + "；".join(data["type_evidence"]))
    if not data["registrable"]:
        console.print(f"[red]不可单独登记 not registrable:[/red] {data['reason']}")
    findings = data["findings"]
    if not findings:
        console.print("[green]未发现问题 No findings[/green]")
        return
    table = Table("规则 rule", "级别", "说明 message", "原文 evidence", title="问题 Findings")
    for finding in findings:
        table.add_row(
            finding["rule"],
            _SEVERITY[finding["severity"]],
            f"{finding['message']}\n{finding['message_en']}",
            finding["evidence"],
        )
    console.print(table)
