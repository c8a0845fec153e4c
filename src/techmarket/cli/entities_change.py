"""`techmarket entities revoke|move|rename`: one change to the register, through
`entities.services` (which check the role, the jurisdiction and the facts, and audit it)."""

from __future__ import annotations

from typing import Annotated

import typer

from techmarket.cli.contracts import ImportAs, JsonOpt
from techmarket.cli.entities_read import _day
from techmarket.cli.output import console, default_user, fails_cleanly, print_json

OnOpt = Annotated[str, typer.Option("--on", help="the day it takes effect, YYYY-MM-DD")]
KeyArg = Annotated[str, typer.Argument(help="the organisation's id or credit code (USCC)")]


def _actor(as_user: str | None):  # type: ignore[no-untyped-def]
    from techmarket.registry.actors import actor_for, system_actor

    return actor_for(as_user) if as_user else system_actor(login=default_user())


@fails_cleanly
def revoke_command(
    recognition_id: Annotated[int, typer.Argument(help="the recognition's id")],
    on: OnOpt,
    reason: Annotated[str, typer.Option(help="why (the notice's words)")],
    as_user: ImportAs = None,
    as_json: JsonOpt = False,
) -> None:
    """Revoke a recognition from a date (it may lie in the past: counts before it keep it)."""
    from django.utils import timezone

    from techmarket.entities import selectors, services

    row = services.revoke(
        services.get_recognition(recognition_id),
        effective_on=_day(on, "--on"),  # type: ignore[arg-type]
        reason=reason,
        actor=_actor(as_user),
        now=timezone.now(),
    )
    if as_json:
        print_json(selectors.recognition_row(row, timezone.localdate()))
    else:
        console.print(
            f"已撤销：{row.party.name} {row.number or row.batch}，自 {row.revoked_on} 起。"
        )


@fails_cleanly
def move_command(
    key: KeyArg,
    region: Annotated[str, typer.Argument(help="the district it moves to: code or name")],
    on: OnOpt,
    as_user: ImportAs = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a district move from a date: counts on later days follow it. An agency admin
    records moves into or out of their jurisdiction."""
    from django.utils import timezone

    from techmarket.entities import services

    actor = _actor(as_user)
    party = services.find_party(key)
    row = services.move(
        party,
        services.region_code(region, actor),
        on=_day(on, "--on"),  # type: ignore[arg-type]
        actor=actor,
        now=timezone.now(),
    )
    if as_json:
        print_json({"id": party.pk, "region": row.region_code, "valid_from": row.valid_from})
    else:
        console.print(f"已记录迁移：{party.name} 自 {row.valid_from} 起在 {row.region_code}。")


@fails_cleanly
def rename_command(
    key: KeyArg,
    new_name: Annotated[str, typer.Argument(help="the new name")],
    on: OnOpt,
    as_user: ImportAs = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a rename from a date; the old name is kept so older lists still match."""
    from django.utils import timezone

    from techmarket.entities import services

    party = services.find_party(key)
    old = party.name
    services.rename(
        party,
        new_name,
        on=_day(on, "--on"),  # type: ignore[arg-type]
        actor=_actor(as_user),
        now=timezone.now(),
    )
    if as_json:
        print_json({"id": party.pk, "name": party.name, "former_name": old})
    else:
        console.print(f"已更名：{old} → {party.name}。")


def register(entities: typer.Typer) -> None:
    entities.command("revoke")(revoke_command)
    entities.command("move")(move_command)
    entities.command("rename")(rename_command)
