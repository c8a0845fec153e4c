"""`techmarket lead`: follow a match to a registered contract (proposed → contacted →
negotiating → signed → registered, or dropped)."""

from __future__ import annotations

from typing import Annotated

import typer

from techmarket.cli.contracts import AsUser, JsonOpt
from techmarket.cli.output import console, fails_cleanly, print_json

app = typer.Typer(
    help="对接线索 Leads from a match to a registered contract.", no_args_is_help=True
)

ExpectedVersion = Annotated[
    int | None,
    typer.Option(
        "--expected-version", help="act only if the lead is still at this version (exit 6 if not)"
    ),
]
ReadAs = Annotated[
    str | None, typer.Option("--as", help="read as this user (default: the operator, all)")
]


def _reader(as_user: str | None):  # type: ignore[no-untyped-def]
    from techmarket.registry.actors import actor_for, system_actor

    return actor_for(as_user) if as_user else system_actor()


def _step_output(lead, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    from techmarket.market.lead_selectors import lead_summary

    data = lead_summary(lead)
    if as_json:
        print_json(data)
        return
    contract = data["contract"]
    linked = f"，合同 {contract['registration_number']}" if contract else ""
    console.print(f"线索 {lead.pk}：{lead.status}{linked}（第 {lead.version} 版）")


@app.command("propose")
@fails_cleanly
def propose(
    achievement: Annotated[str, typer.Argument(help="科技成果 ID 或成果编号")],
    demand: Annotated[str, typer.Argument(help="技术需求 ID 或需求编号")],
    as_user: AsUser,
    broker: Annotated[
        int | None, typer.Option(help="经纪人档案 ID of the broker who follows it")
    ] = None,
    score: Annotated[float | None, typer.Option(help="the match's score")] = None,
    rank: Annotated[int | None, typer.Option(help="the match's rank (from 1)")] = None,
    note: Annotated[str, typer.Option(help="说明")] = "",
    as_json: JsonOpt = False,
) -> None:
    """推荐对接 Propose a lead from a match between a published achievement and demand."""
    from django.utils import timezone

    from techmarket.market.lead_services import propose as propose_lead
    from techmarket.market.selectors import find_listing
    from techmarket.registry.actors import actor_for

    actor = actor_for(as_user)
    lead = propose_lead(
        find_listing(actor, "achievement", achievement).pk,
        find_listing(actor, "demand", demand).pk,
        actor=actor,
        now=timezone.now(),
        broker_id=broker,
        score=score,
        rank=rank,
        note=note,
    )
    _step_output(lead, as_json)


@app.command("advance")
@fails_cleanly
def advance(
    lead_id: int,
    as_user: AsUser,
    to: Annotated[
        str | None,
        typer.Option(
            help="contacted | negotiating | signed | registered (default: the next stage)"
        ),
    ] = None,
    contract: Annotated[
        str, typer.Option(help="登记编号 of the registered contract (to registered)")
    ] = "",
    note: Annotated[str, typer.Option(help="说明")] = "",
    expected_version: ExpectedVersion = None,
    as_json: JsonOpt = False,
) -> None:
    """推进 Move a lead to its next stage; the last links the registered contract by its number."""
    from django.utils import timezone

    from techmarket.market.lead_services import advance as advance_lead
    from techmarket.registry.actors import actor_for

    lead = advance_lead(
        lead_id,
        actor=actor_for(as_user),
        now=timezone.now(),
        to=to,
        note=note,
        registration_number=contract,
        expected_version=expected_version,
    )
    _step_output(lead, as_json)


@app.command("drop")
@fails_cleanly
def drop(
    lead_id: int,
    as_user: AsUser,
    reason: Annotated[str, typer.Option(help="放弃原因")],
    expected_version: ExpectedVersion = None,
    as_json: JsonOpt = False,
) -> None:
    """放弃 Drop an open lead, saying why."""
    from django.utils import timezone

    from techmarket.market.lead_services import drop as drop_lead
    from techmarket.registry.actors import actor_for

    lead = drop_lead(
        lead_id,
        reason=reason,
        actor=actor_for(as_user),
        now=timezone.now(),
        expected_version=expected_version,
    )
    _step_output(lead, as_json)


@app.command("show")
@fails_cleanly
def show(lead_id: int, as_user: ReadAs = None, as_json: JsonOpt = False) -> None:
    """Show one lead with its history."""
    from rich.table import Table

    from techmarket.market.lead_selectors import lead_detail

    detail = lead_detail(_reader(as_user), lead_id)
    if as_json:
        print_json(detail)
        return
    table = Table(show_header=False)
    achievement, demand = detail["achievement"], detail["demand"]
    table.add_row("id", str(detail["id"]))
    table.add_row("status", f"{detail['status']}（第 {detail['version']} 版）")
    table.add_row("achievement", f"{achievement['external_id']} {achievement['title']}")
    table.add_row("demand", f"{demand['external_id']} {demand['title']}")
    table.add_row("broker", detail["broker"]["name"] if detail["broker"] else "")
    for key in ("proposer", "score", "rank", "tech_field", "region", "note", "drop_reason"):
        if detail[key] not in (None, ""):
            table.add_row(key, str(detail[key]))
    if detail["contract"]:
        contract = detail["contract"]
        table.add_row(
            "contract",
            f"{contract['registration_number']}：成交额 {contract['total_amount']:,} 元，"
            f"技术交易额 {contract['tech_amount']:,} 元",
        )
    console.print(table)
    events = Table("#", "时间", "操作", "从", "到", "操作人", "说明")
    for event in detail["events"]:
        events.add_row(
            str(event["seq"]),
            str(event["at"]),
            str(event["action"]),
            str(event["from_status"]),
            str(event["to_status"]),
            str(event["actor"]),
            str(event["note"]),
        )
    console.print(events)


@app.command("list")
@fails_cleanly
def list_(
    as_user: ReadAs = None,
    status: Annotated[str | None, typer.Option(help="only this status")] = None,
    broker: Annotated[int | None, typer.Option(help="only this broker's (profile ID)")] = None,
    region: Annotated[
        str | None, typer.Option(help="only this region and its subdivisions")
    ] = None,
    page: Annotated[int, typer.Option(help="page number, from 1")] = 1,
    per_page: Annotated[int, typer.Option(help="rows per page (1–200)")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List the leads the user may read, latest change first."""
    from rich.table import Table

    from techmarket.market.lead_selectors import lead_summary, list_leads

    found = list_leads(
        _reader(as_user),
        status=status,
        broker_id=broker,
        region=region,
        page=page,
        per_page=per_page,
    )
    items = [lead_summary(lead) for lead in found.items]
    if as_json:
        print_json({"items": items, "total": found.total, "page": found.page, "pages": found.pages})
        return
    table = Table("ID", "状态", "科技成果", "技术需求", "经纪人", "地区", "登记编号")
    for item in items:
        table.add_row(
            str(item["id"]),
            str(item["status"]),
            str(item["achievement"]["external_id"]),
            str(item["demand"]["external_id"]),
            item["broker"]["name"] if item["broker"] else "",
            str(item["region"]),
            item["contract"]["registration_number"] if item["contract"] else "",
        )
    console.print(table)
    console.print(f"共 {found.total} 条，第 {found.page}/{found.pages} 页")
