"""`techmarket income`: 技术性收入核定, declared by the seller, verified by the agency.

A thin layer over registry.income, where every rule lives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from techmarket.cli.output import console, fails_cleanly, print_json, writable_output

app = typer.Typer(
    help="技术性收入核定 Technical income after performance: declare, verify, print the sheet.",
    no_args_is_help=True,
)

AsUser = Annotated[str, typer.Option("--as", help="act as this user (their role and agency)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document")]
ContractKey = Annotated[str, typer.Argument(help="合同 ID 或登记编号")]
DeclarationId = Annotated[int, typer.Argument(help="the income declaration's id")]
ExpectedVersion = Annotated[
    int | None,
    typer.Option(
        "--expected-version",
        help="act only if the declaration is still at this version (exit 6 if not)",
    ),
]


def _row(declaration) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "id": declaration.pk,
        "contract": declaration.contract_id,
        "year": declaration.year,
        "received_amount": declaration.received_amount,
        "technical_income": declaration.technical_income,
        "note": declaration.note,
        "status": declaration.status,
        "declared_by": declaration.declared_by,
        "declared_at": declaration.declared_at.isoformat(),
        "decided_by": declaration.decided_by or None,
        "decided_at": declaration.decided_at.isoformat() if declaration.decided_at else None,
        "decision_note": declaration.decision_note or None,
        "version": declaration.version,
    }


def _show(declaration, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    if as_json:
        print_json(_row(declaration))
        return
    from techmarket.domain.income import INCOME_STATUS_LABELS

    label = INCOME_STATUS_LABELS[declaration.status][0]
    console.print(
        f"申报 {declaration.pk}（合同 {declaration.contract_id}，{declaration.year} 年度）："
        f"到账 {declaration.received_amount:,.2f} 元，其中技术性收入 "
        f"{declaration.technical_income:,.2f} 元；{label}（第 {declaration.version} 版）"
    )


@app.command("declare")
@fails_cleanly
def declare(
    contract: ContractKey,
    year: Annotated[int, typer.Option(help="申报年度")],
    received: Annotated[str, typer.Option(help="当年到账金额（元，最多两位小数）")],
    technical: Annotated[str, typer.Option(help="其中技术性收入（元）")],
    as_user: AsUser,
    note: Annotated[str, typer.Option(help="说明（如回单、发票）")] = "",
    as_json: JsonOpt = False,
) -> None:
    """申报 Declare a year's income of a registered contract, as its seller."""
    from django.utils import timezone

    from techmarket.registry.actors import actor_for
    from techmarket.registry.certificates import visible_contract_id
    from techmarket.registry.income import declare_income

    actor = actor_for(as_user)
    declaration = declare_income(
        visible_contract_id(contract, actor),
        year=year,
        received=received,
        technical=technical,
        note=note,
        actor=actor,
        now=timezone.now(),
    )
    _show(declaration, as_json)


@app.command("verify")
@fails_cleanly
def verify(
    declaration_id: DeclarationId,
    as_user: AsUser,
    note: Annotated[str, typer.Option(help="核定意见")] = "",
    expected_version: ExpectedVersion = None,
    as_json: JsonOpt = False,
) -> None:
    """核定 Verify a declaration, as a registrar of the contract's agency."""
    from django.utils import timezone

    from techmarket.registry.actors import actor_for
    from techmarket.registry.income import verify_income

    declaration = verify_income(
        declaration_id,
        actor=actor_for(as_user),
        now=timezone.now(),
        note=note,
        expected_version=expected_version,
    )
    _show(declaration, as_json)


@app.command("return")
@fails_cleanly
def return_(
    declaration_id: DeclarationId,
    as_user: AsUser,
    note: Annotated[str, typer.Option(help="退回理由")],
    expected_version: ExpectedVersion = None,
    as_json: JsonOpt = False,
) -> None:
    """退回 Return a declaration to the seller, saying why (the year may be declared again)."""
    from django.utils import timezone

    from techmarket.registry.actors import actor_for
    from techmarket.registry.income import return_income

    declaration = return_income(
        declaration_id,
        actor=actor_for(as_user),
        now=timezone.now(),
        note=note,
        expected_version=expected_version,
    )
    _show(declaration, as_json)


@app.command("list")
@fails_cleanly
def list_(contract: ContractKey, as_user: AsUser, as_json: JsonOpt = False) -> None:
    """List a contract's declarations by year, returned ones included."""
    from techmarket.domain.income import INCOME_STATUS_LABELS
    from techmarket.registry.actors import actor_for
    from techmarket.registry.income import income_of

    declarations = income_of(contract.strip(), actor_for(as_user))
    if as_json:
        print_json([_row(d) for d in declarations])
        return
    from rich.table import Table

    table = Table(
        "ID", "年度", "到账金额（元）", "技术性收入（元）", "状态", "申报人", "核定人", "版本"
    )
    for d in declarations:
        table.add_row(
            str(d.pk),
            str(d.year),
            f"{d.received_amount:,.2f}",
            f"{d.technical_income:,.2f}",
            INCOME_STATUS_LABELS[d.status][0],
            d.declared_by,
            d.decided_by,
            str(d.version),
        )
    console.print(table)


@app.command("sheet")
@fails_cleanly
def sheet(
    contract: ContractKey,
    output: Annotated[Path, typer.Option("-o", "--output", help="the PDF file to write")],
    as_user: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """核定表 Write the 技术性收入核定表 of the verified years as PDF."""
    from techmarket.registry.actors import actor_for
    from techmarket.registry.income import income_sheet_pdf

    writable_output(output, ("pdf",))
    output.write_bytes(income_sheet_pdf(contract.strip(), actor_for(as_user)))
    if as_json:
        print_json({"path": str(output)})
    else:
        console.print(f"技术性收入核定表已写入 {output}")
