"""`techmarket users`: people and their roles."""

from __future__ import annotations

from typing import Annotated

import typer

from techmarket.cli.output import console, fails_cleanly, print_json

app = typer.Typer(help="用户与角色 Users and roles.", no_args_is_help=True)


@app.command("add")
@fails_cleanly
def add(
    username: str,
    role: Annotated[str, typer.Option(help="seller | registrar | agency_admin | analyst | broker")],
    agency: Annotated[str | None, typer.Option(help="登记机构代码")] = None,
    party: Annotated[str | None, typer.Option(help="卖方单位证件号 (seller only)")] = None,
    party_name: Annotated[
        str | None, typer.Option(help="new seller organisation: its name (creates it)")
    ] = None,
    party_region: Annotated[
        str | None, typer.Option(help="new seller organisation: its GB/T 2260 region")
    ] = None,
    password: Annotated[str | None, typer.Option(help="登录密码")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Create a user (or change their role)."""
    from techmarket.registry.users import save_user

    profile = save_user(
        username,
        role=role,
        password=password,
        agency_code=agency,
        party_identifier=party,
        party_name=party_name,
        party_region=party_region,
    )
    username = profile.user.username  # as saved: Unicode-normalised like Django's login form
    data = {
        "username": username,
        "role": profile.role,
        "agency": profile.agency.code if profile.agency else None,
        "party": profile.party.identifier if profile.party else None,
    }
    if as_json:
        print_json(data)
    else:
        console.print(f"用户 {username}：{profile.role}")
