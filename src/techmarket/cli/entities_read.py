"""`techmarket entities list|show|expiring|candidates|stage`: the register as the user reads
it (`--as`; the operator by default), through `entities.selectors` and `entities.services`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from techmarket.cli.output import console, fails_cleanly, print_json

AsUser = Annotated[
    str | None, typer.Option("--as", help="read as this user (default: the operator, all regions)")
]
AsJson = Annotated[bool, typer.Option("--json", help="print one JSON document")]


def _actor(as_user: str | None):  # type: ignore[no-untyped-def]
    from techmarket.registry.actors import actor_for, system_actor

    return actor_for(as_user) if as_user else system_actor()


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


def _today() -> date:
    from django.utils import timezone

    return timezone.localdate()


def _text(value: object) -> str:
    return "" if value is None else str(value)


@fails_cleanly
def list_command(
    as_user: AsUser = None,
    kind: Annotated[str, typer.Option(help="high_tech_enterprise, tech_sme, incubator, …")] = "",
    level: Annotated[str, typer.Option(help="national, provincial, municipal or district")] = "",
    region: Annotated[str, typer.Option(help="GB/T 2260 code (default: your own)")] = "",
    status: Annotated[
        str, typer.Option(help="as of --as-of: recognised, expired, revoked or not_yet")
    ] = "",
    as_of: Annotated[str | None, typer.Option(help="status on YYYY-MM-DD (default today)")] = None,
    granted_year: Annotated[int | None, typer.Option(help="granted in this year")] = None,
    batch: Annotated[str, typer.Option(help="part of the batch")] = "",
    search: Annotated[str, typer.Option(help="part of the name, the USCC or the number")] = "",
    sort: Annotated[str, typer.Option(help="-granted_on, valid_to or -id")] = "-granted_on",
    limit: Annotated[int, typer.Option(help="rows per page (1–200)")] = 50,
    cursor: Annotated[str | None, typer.Option(help="next_cursor of the previous page")] = None,
    as_json: AsJson = False,
) -> None:
    """List recognitions: filters, the status as of a date, a cursor for the next page."""
    from techmarket.entities.selectors import RecognitionFilter, list_recognitions

    filters = RecognitionFilter(
        kind=kind,
        level=level,
        status=status,
        as_of=_day(as_of, "--as-of"),
        region=region,
        granted_year=granted_year,
        batch=batch,
        text=search,
    )
    page = list_recognitions(
        _actor(as_user), filters, today=_today(), sort=sort, cursor=cursor, limit=limit
    )
    if as_json:
        print_json({"items": page.items, "next_cursor": page.next_cursor})
        return
    _print_recognitions(page.items)
    if page.next_cursor:
        console.print(f"下一页 next page: --cursor {page.next_cursor}")


def _print_recognitions(items: list[dict[str, Any]], *, expiring: bool = False) -> None:
    from rich.table import Table

    from techmarket.domain import entities as rules

    table = Table(
        "ID", "单位名称", "统一社会信用代码", "类别", "编号", "发证日期", "有效期至", "状态"
    )
    if expiring:
        table.add_column("剩余天数")
        table.add_column("已重新认定")
    for r in items:
        cells = [
            str(r["id"]),
            r["name"],
            _text(r["uscc"]),
            r["kind_name"],
            r["number"] or r["batch"],
            _text(r["granted_on"]),
            _text(r["valid_to"]),
            rules.label(rules.STATUSES, r["status"]),
        ]
        if expiring:
            cells += [_text(r["days_left"]), "是" if r["renewed"] else "否"]
        table.add_row(*cells)
    console.print(table)


@fails_cleanly
def show_command(
    key: Annotated[str, typer.Argument(help="the organisation's id or USCC")],
    as_user: AsUser = None,
    as_of: Annotated[str | None, typer.Option(help="status on YYYY-MM-DD (default today)")] = None,
    as_json: AsJson = False,
) -> None:
    """One organisation: district history, former names, recognitions, candidacies,
    residencies and its registered contracts as seller."""
    from techmarket.entities.selectors import organisation_detail

    detail = organisation_detail(_actor(as_user), key, on=_day(as_of, "--as-of") or _today())
    if as_json:
        print_json(detail)
        return
    console.print(f"[bold]{detail['name']}[/bold]  {_text(detail['uscc'])}  #{detail['id']}")
    console.print(f"所在地区 region: {detail['region']} {detail['region_name']}")
    for span in detail["regions"]:
        console.print(f"  自 {_text(span['valid_from']) or '—'} 起：{span['region']}")
    for name in detail["former_names"]:
        console.print(f"曾用名 former name: {name['name']}（至 {_text(name['until'])}）")
    totals = detail["contracts"]
    console.print(
        f"已登记合同（卖方）registered contracts as seller: {totals['registered']}，"
        f"成交额 {totals['total_amount']:,.2f} 元"
    )
    _print_recognitions(detail["recognitions"])
    for c in detail["candidacies"]:
        console.print(f"培育 candidacy: {c['round']} {c['district_name']} {c['stage']}")
    for r in detail["residents"]:
        console.print(f"在孵企业 resident: {r['name']} {r['entered_on']}–{_text(r['left_on'])}")
    for r in detail["residencies"]:
        console.print(f"入驻 resident of: {r['name']} {r['entered_on']}–{_text(r['left_on'])}")


@fails_cleanly
def expiring_command(
    within_months: Annotated[int, typer.Option(help="ending within N months (1–36)")] = 6,
    region: Annotated[str, typer.Option(help="GB/T 2260 code (default: your own)")] = "",
    kind: Annotated[str, typer.Option(help="only this kind")] = "",
    as_of: Annotated[
        str | None, typer.Option(help="the window starts here (default today)")
    ] = None,
    as_user: AsUser = None,
    limit: Annotated[int, typer.Option(help="rows per page (1–200)")] = 50,
    cursor: Annotated[str | None, typer.Option(help="next_cursor of the previous page")] = None,
    as_json: AsJson = False,
) -> None:
    """Recognitions in force whose last day falls within the next N months, soonest first."""
    from techmarket.entities.selectors import list_expiring

    page = list_expiring(
        _actor(as_user),
        within_months=within_months,
        on=_day(as_of, "--as-of") or _today(),
        region=region,
        kind=kind,
        cursor=cursor,
        limit=limit,
    )
    if as_json:
        print_json({"items": page.items, "next_cursor": page.next_cursor})
        return
    _print_recognitions(page.items, expiring=True)
    if page.next_cursor:
        console.print(f"下一页 next page: --cursor {page.next_cursor}")


@fails_cleanly
def candidates_command(
    round_name: Annotated[str, typer.Option("--round", help="the round (default: latest)")] = "",
    district: Annotated[str, typer.Option(help="only this district")] = "",
    kind: Annotated[str, typer.Option(help="only this kind")] = "",
    as_user: AsUser = None,
    as_json: AsJson = False,
) -> None:
    """The cultivation board of a round by stage, and each district's yield."""
    from techmarket.entities.selectors import candidate_board, round_yield

    actor = _actor(as_user)
    board = candidate_board(actor, round_name=round_name, district=district, kind=kind)
    yields = round_yield(actor, round_name=board["round"], district=district, kind=kind)
    if as_json:
        print_json({**board, "yield": yields})
        return
    from rich.table import Table

    console.print(f"培育批次 round: {board['round'] or '（无）'}")
    cards = Table("ID", "阶段", "所属区", "单位名称", "版本")
    for column in board["columns"]:
        for c in column["items"]:
            cards.add_row(
                str(c["id"]), column["label"], c["district_name"], c["name"], str(c["version"])
            )
    console.print(cards)
    rates = Table("所属区", "入库", "申报", "认定", "申报率%", "通过率%", "认定率%")
    for y in yields:
        rates.add_row(
            y["district_name"],
            str(y["candidates"]),
            str(y["applied"]),
            str(y["recognised"]),
            _text(y["applied_rate"]),
            _text(y["recognised_rate"]),
            _text(y["yield_rate"]),
        )
    console.print(rates)


@fails_cleanly
def stage_command(
    candidate_id: Annotated[int, typer.Argument(help="the candidate's id")],
    stage: Annotated[str, typer.Argument(help="applied, recognised or dropped")],
    as_user: AsUser = None,
    expected_version: Annotated[
        int | None, typer.Option(help="refuse if the candidate changed since this version")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Move a candidate to the next stage (agency admins)."""
    from django.utils import timezone

    from techmarket.domain.problems import StaleObject
    from techmarket.entities import selectors, services

    actor = _actor(as_user)
    try:
        row = services.set_stage(
            selectors.get_candidate(actor, candidate_id),
            stage,
            actor=actor,
            now=timezone.now(),
            expected_version=expected_version,
        )
    except StaleObject as error:  # name the subject, so the hint names the right command
        error.details["candidate"] = candidate_id
        raise
    out = selectors.candidate_row(row)
    if as_json:
        print_json(out)
        return
    console.print(f"培育对象 {out['id']} {out['name']}：{out['stage']}（版本 {out['version']}）")


def register(app: typer.Typer) -> None:
    """Add the read commands (and the stage move) to the `entities` group."""
    app.command("list")(list_command)
    app.command("show")(show_command)
    app.command("expiring")(expiring_command)
    app.command("candidates")(candidates_command)
    app.command("stage")(stage_command)
