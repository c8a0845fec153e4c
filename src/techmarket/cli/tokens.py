"""`techmarket tokens`: API tokens for other systems, each acting as one user."""

from __future__ import annotations

from typing import Annotated

import typer

from techmarket.cli.output import console, fails_cleanly, print_json

app = typer.Typer(help="API 令牌 API tokens.", no_args_is_help=True)


def _describe(token) -> dict[str, object]:  # type: ignore[no-untyped-def]
    def when(value) -> str | None:  # type: ignore[no-untyped-def]
        return value.isoformat() if value else None

    return {
        "id": token.pk,
        "prefix": token.prefix,
        "user": token.user.username,
        "label": token.label,
        "created_at": when(token.created_at),
        "expires_at": when(token.expires_at),
        "revoked_at": when(token.revoked_at),
        "last_used_at": when(token.last_used_at),
    }


@app.command("create")
@fails_cleanly
def create(
    username: str,
    label: Annotated[str, typer.Option(help="what the token is for")] = "",
    expires_days: Annotated[
        int | None, typer.Option(help="valid for N days (default: no end)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Create a token for USERNAME; the token is printed once, alone on the last line."""
    from django.utils import timezone

    from techmarket.accounts.tokens import create_token

    made = create_token(username, now=timezone.now(), label=label, expires_days=expires_days)
    if as_json:
        print_json({**_describe(made.token), "token": made.secret})
        return
    console.print(f"已为 {username} 创建令牌 {made.token.prefix}…（只显示这一次，请妥善保存）")
    print(made.secret)


@app.command("list")
@fails_cleanly
def list_(
    user: Annotated[str | None, typer.Option(help="only this user's tokens")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List tokens (never their secrets)."""
    from techmarket.accounts.tokens import list_tokens

    rows = [_describe(t) for t in list_tokens(user)]
    if as_json:
        print_json(rows)
        return
    from rich.table import Table

    table = Table("ID", "前缀", "用户", "用途", "创建", "到期", "撤销", "最近使用")
    for row in rows:
        table.add_row(
            *(
                str(row[k] or "")
                for k in (
                    "id",
                    "prefix",
                    "user",
                    "label",
                    "created_at",
                    "expires_at",
                    "revoked_at",
                    "last_used_at",
                )
            )
        )
    console.print(table)


@app.command("revoke")
@fails_cleanly
def revoke(
    token: Annotated[str, typer.Argument(help="the token's id or prefix (from tokens list)")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Revoke a token: it stops working at once."""
    from django.utils import timezone

    from techmarket.accounts.tokens import revoke_token

    revoked = revoke_token(token, now=timezone.now())
    if as_json:
        print_json(_describe(revoked))
    else:
        console.print(f"令牌 {revoked.prefix}… 已撤销")
