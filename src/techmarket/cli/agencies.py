"""`techmarket agencies`: registration agencies and their jurisdictions."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from techmarket.cli.output import console, fails_cleanly, print_json

app = typer.Typer(help="登记机构 Registration agencies.", no_args_is_help=True)


@app.command("add")
@fails_cleanly
def add(
    code: Annotated[str, typer.Argument(help="机构代码 agency code")],
    name: Annotated[str, typer.Option("--name", help="机构名称")],
    region: Annotated[str, typer.Option("--region", help="GB/T 2260 code of its jurisdiction")],
    parent: Annotated[
        str | None, typer.Option("--parent", help='上级机构代码（更新时省略则不变，"" 表示无上级）')
    ] = None,
    number_format: Annotated[
        str | None, typer.Option(help="登记编号格式（更新时省略则不变）")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Add an agency, or update it if the code exists: what is not passed stays as it was.

    The code (letters, digits, - and _) may appear in registration numbers. The region of an
    agency that has contracts or child agencies cannot change: create a new agency instead.
    """
    from techmarket.accounts.services import save_agency

    agency, created = save_agency(
        code, name=name, region=region, parent_code=parent, number_format=number_format
    )
    data = {
        "code": agency.code,
        "name": agency.name,
        "level": agency.level,
        "region": agency.region_code,
        "parent": agency.parent.code if agency.parent else None,
        "created": created,
    }
    if as_json:
        print_json(data)
    else:
        console.print(
            f"{'已添加' if created else '已更新'}登记机构 {agency.code} {agency.name}"
            f"（{agency.get_level_display()}，辖区 {agency.region_code}）"
        )


@app.command("list")
@fails_cleanly
def list_(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List agencies with their region, level and parent."""
    from techmarket.accounts.models import Agency

    rows = [
        {
            "code": a.code,
            "name": a.name,
            "level": a.level,
            "region": a.region_code,
            "parent": a.parent.code if a.parent else None,
            "number_format": a.number_format,
        }
        for a in Agency.objects.select_related("parent").order_by("code")
    ]
    if as_json:
        print_json({"agencies": rows})
        return
    table = Table("代码", "名称", "级别", "辖区", "上级")
    for row in rows:
        table.add_row(row["code"], row["name"], row["level"], row["region"], row["parent"] or "")
    console.print(table)
