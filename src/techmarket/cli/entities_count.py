"""`techmarket entities count`: organisations, residents or trained people as of a date, in a
region rolled up as statistics (see `entities.counts` for the rules)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from techmarket.cli.output import console, fails_cleanly, print_json


def register(group: typer.Typer) -> None:
    """`entities count` on the command line's `entities` group."""
    group.command("count")(count_command)


def _day(text: str | None, option: str) -> date | None:
    from techmarket.domain.problems import DomainError

    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(
            f"{option} 日期格式应为 YYYY-MM-DD：{text}",
            f"bad date {text} for {option}: expected YYYY-MM-DD",
            code="bad_date",
        ) from None


@fails_cleanly
def count_command(
    kind: Annotated[
        str,
        typer.Option(
            "--kind", help="high_tech_enterprise, tech_sme, incubator … or trained_person"
        ),
    ],
    level: Annotated[
        list[str] | None,
        typer.Option("--level", help="national | provincial | municipal | district (repeatable)"),
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="GB/T 2260 code (default: your own region)")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="YYYY-MM-DD (default: today)")
    ] = None,
    measure: Annotated[
        str | None,
        typer.Option(
            "--measure",
            help="organisations | residents | trained_people | training_completions "
            "(default: organisations; trained_people for trained_person)",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="training measures: from this day (default: 1 January)"),
    ] = None,
    as_user: Annotated[
        str | None, typer.Option("--as", help="count as this user (within their region)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
) -> None:
    """How many organisations hold a recognition in force on a date in a region (the region's
    districts included, each organisation where it was registered on that date); residents of
    recognised incubators; or people trained from --since to --as-of."""
    from django.utils import timezone

    from techmarket.codes.regions import full_name
    from techmarket.domain.entities import KINDS, LEVELS, label
    from techmarket.entities import counts
    from techmarket.entities.access import readable_region
    from techmarket.registry.actors import actor_for, system_actor

    actor = actor_for(as_user) if as_user else system_actor()
    area = readable_region(actor, counts.check_region(region) if region else None)
    day = _day(as_of, "--as-of") or timezone.localdate()
    chosen = measure or ("trained_people" if kind == counts.TRAINED else "organisations")
    start = _day(since, "--since")
    figure = counts.count(
        kind, on=day, region=area, levels=level or None, measure=chosen, since=start
    )
    training = chosen.startswith("train")
    document = {
        "count": figure,
        "kind": kind,
        "measure": chosen,
        "levels": sorted(level or []),
        "region": area,
        "region_name": full_name(area),
        "as_of": day.isoformat(),
        "since": (start or date(day.year, 1, 1)).isoformat() if training else None,
    }
    if as_json:
        print_json(document)
        return
    what = label({k: (v.zh, v.en) for k, v in KINDS.items()}, kind) if kind in KINDS else kind
    levels = "、".join(label(LEVELS, x) for x in level or []) or "不限级别"
    period = f"{document['since']} 至 {day}" if training else f"截至 {day}"
    console.print(f"{full_name(area)} {what}（{levels}，{chosen}）{period}：{figure}")
