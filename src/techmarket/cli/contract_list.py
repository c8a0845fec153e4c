"""`techmarket contracts list`: the review queue and contract lists, as the actor may read them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from techmarket.cli.output import console, fails_cleanly, print_json


def _day(value: str | None, name: str) -> date | None:
    from techmarket.domain.problems import DomainError

    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(
            f"{name} 不是 YYYY-MM-DD 格式的日期：{value}",
            f"{name} is not a YYYY-MM-DD date: {value}",
            code="invalid_date",
        ) from None


@fails_cleanly
def list_command(
    as_user: Annotated[
        str | None, typer.Option("--as", help="list what this user may read (default: all)")
    ] = None,
    status: Annotated[list[str] | None, typer.Option(help="only this status (repeatable)")] = None,
    agency: Annotated[str | None, typer.Option(help="only this agency's code")] = None,
    contract_type: Annotated[str | None, typer.Option("--type", help="contract type key")] = None,
    signed_from: Annotated[str | None, typer.Option(help="signed on or after YYYY-MM-DD")] = None,
    signed_to: Annotated[str | None, typer.Option(help="signed on or before YYYY-MM-DD")] = None,
    registered_from: Annotated[str | None, typer.Option(help="registered on or after")] = None,
    registered_to: Annotated[str | None, typer.Option(help="registered on or before")] = None,
    due_within: Annotated[
        int | None, typer.Option(help="open, deadline within N working days")
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="open and past deadline")] = False,
    large: Annotated[bool | None, typer.Option("--large/--not-large")] = None,
    search: Annotated[str, typer.Option(help="name, number, external id or party name")] = "",
    sort: Annotated[str, typer.Option(help="-id, deadline, -registered_on, …")] = "-id",
    limit: Annotated[int, typer.Option(help="rows per page (1–200)")] = 50,
    cursor: Annotated[str | None, typer.Option(help="next_cursor of the previous page")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
) -> None:
    """List contracts: filters, a stable order, and a cursor for the next page."""
    from django.utils import timezone

    from techmarket.registry.actors import actor_for, system_actor
    from techmarket.registry.contract_list import ContractFilter, due_by, list_contracts

    actor = actor_for(as_user) if as_user else system_actor()
    today = timezone.localdate()
    filters = ContractFilter(
        statuses=tuple(status or ()),
        agency_code=agency or "",
        contract_type=contract_type or "",
        signed_from=_day(signed_from, "--signed-from"),
        signed_to=_day(signed_to, "--signed-to"),
        registered_from=_day(registered_from, "--registered-from"),
        registered_to=_day(registered_to, "--registered-to"),
        due_by=due_by(due_within, today) if due_within is not None else None,
        overdue_on=today if overdue else None,
        large=large,
        text=search,
    )
    page = list_contracts(actor, filters, sort=sort, cursor=cursor, limit=limit)
    if as_json:
        print_json({"items": [_summary(c) for c in page.items], "next_cursor": page.next_cursor})
        return
    from rich.table import Table

    table = Table("ID", "登记编号", "合同名称", "状态", "技术交易额(元)", "截止日期")
    for contract in page.items:
        row = _summary(contract)
        table.add_row(
            str(row["id"]),
            str(row["registration_number"] or ""),
            str(row["name"]),
            str(row["status"]),
            str(row["tech_amount"]),
            str(row["deadline"] or ""),
        )
    console.print(table)
    if page.next_cursor:
        console.print(f"下一页 next page: --cursor {page.next_cursor}")


def _summary(contract) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from techmarket.registry.contract_list import summary

    return summary(contract)
