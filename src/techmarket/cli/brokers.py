"""`techmarket broker`: the register of technology brokers (技术经纪人) and their track record."""

from __future__ import annotations

from typing import Annotated

import typer

from techmarket.cli.contracts import JsonOpt
from techmarket.cli.output import console, default_user, fails_cleanly, print_json

app = typer.Typer(help="技术经纪人 Technology brokers.", no_args_is_help=True)


def _codes(values: list[str] | None) -> list[str]:
    """Repeated options, each possibly a comma-separated list."""
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


@app.command("add")
@fails_cleanly
def add(
    username: Annotated[str, typer.Argument(help="the broker's user (role broker)")],
    name: Annotated[str, typer.Option(help="姓名")],
    field: Annotated[
        list[str] | None, typer.Option(help="技术领域 code or name (repeatable, or 05,06)")
    ] = None,
    region: Annotated[
        list[str] | None, typer.Option(help="服务地区 GB/T 2260 code (repeatable)")
    ] = None,
    certificate: Annotated[str, typer.Option(help="证书编号")] = "",
    organisation: Annotated[str, typer.Option(help="所在机构")] = "",
    training: Annotated[
        list[str] | None,
        typer.Option(
            help="培训记录 DATE|COURSE|HOURS|ISSUER, e.g. 2024-05-10|技术经理人培训|32|省技术市场协会"
        ),
    ] = None,
    expected_version: Annotated[
        int | None,
        typer.Option("--expected-version", help="update only if the profile is at this version"),
    ] = None,
    as_user: Annotated[
        str | None,
        typer.Option(
            "--as", help="act as this agency admin (default: the operator at this terminal)"
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Create or update a broker's profile; training records are added (a repeated one is kept once)."""
    from django.utils import timezone

    from techmarket.domain.brokers import parse_training
    from techmarket.market.broker_services import save_broker
    from techmarket.market.lead_selectors import broker_summary
    from techmarket.registry.actors import actor_for, system_actor

    actor = actor_for(as_user) if as_user else system_actor(login=default_user())
    broker, created = save_broker(
        actor=actor,
        now=timezone.now(),
        username=username,
        name=name,
        fields=_codes(field),
        regions=_codes(region),
        certificate_number=certificate,
        organisation=organisation,
        trainings=[parse_training(text) for text in training or ()],
        expected_version=expected_version,
    )
    if as_json:
        print_json({**broker_summary(broker, with_record=False), "created": created})
    else:
        verb = "已登记" if created else "已更新"
        console.print(f"技术经纪人 {broker.name}（{broker.pk}）{verb}，第 {broker.version} 版")


@app.command("show")
@fails_cleanly
def show(
    broker: Annotated[str, typer.Argument(help="经纪人档案 ID 或用户名")],
    as_json: JsonOpt = False,
) -> None:
    """Show a broker: fields, regions, certificate, training and the track record of their leads."""
    from rich.table import Table

    from techmarket.market.lead_selectors import broker_summary, get_broker

    data = broker_summary(get_broker(broker))
    if as_json:
        print_json(data)
        return
    table = Table(show_header=False)
    for key in (
        "id",
        "username",
        "name",
        "fields",
        "regions",
        "certificate_number",
        "organisation",
    ):
        value = data[key]
        table.add_row(key, "、".join(value) if isinstance(value, list) else str(value or ""))
    record = data["track_record"]
    table.add_row(
        "track_record",
        f"线索 {record['leads']}（进行中 {record['open']}，放弃 {record['dropped']}），"
        f"登记合同 {record['registered_contracts']} 份，成交额 {record['total_amount']:,} 元，"
        f"技术交易额 {record['tech_amount']:,} 元",
    )
    console.print(table)
    trainings = Table("日期", "课程", "学时", "培训单位")
    for t in data["trainings"]:
        trainings.add_row(t["on"], t["course"], str(t["hours"]), t["issuer"])
    console.print(trainings)


@app.command("list")
@fails_cleanly
def list_(
    field: Annotated[str | None, typer.Option(help="only brokers covering this field code")] = None,
    region: Annotated[str | None, typer.Option(help="only brokers serving this region")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List brokers, with the track record of each."""
    from rich.table import Table

    from techmarket.market.lead_selectors import broker_summary, list_brokers

    items = [broker_summary(b) for b in list_brokers(field=field, region=region)]
    if as_json:
        print_json({"items": items})
        return
    table = Table("ID", "姓名", "技术领域", "服务地区", "证书编号", "登记合同", "成交额(元)")
    for item in items:
        record = item["track_record"]
        table.add_row(
            str(item["id"]),
            str(item["name"]),
            "、".join(item["fields"]),
            "、".join(item["regions"]),
            str(item["certificate_number"]),
            str(record["registered_contracts"]),
            f"{record['total_amount']:,}",
        )
    console.print(table)
