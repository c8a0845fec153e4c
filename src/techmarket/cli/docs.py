"""Render `docs/cli.md` from the command line's own help, so the two cannot drift apart.

python -m techmarket.cli.docs > docs/cli.md
"""

from __future__ import annotations

import click
import typer.main


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found = [(path, command)]
    if hasattr(command, "commands"):  # a group (typer may bring its own click)
        for name in sorted(command.commands):
            found += _walk(command.commands[name], [*path, name])
    return found


def render() -> str:
    from techmarket.cli.main import app

    root = typer.main.get_command(app)
    parts = [
        "# `techmarket` command line\n",
        "Generated from `--help` by `python -m techmarket.cli.docs`; a test fails when it "
        "drifts.\n",
    ]
    for path, command in _walk(root, ["techmarket"]):
        context = click.Context(
            command, info_name=" ".join(path), terminal_width=100, max_content_width=100
        )
        parts.append(f"## {' '.join(path)}\n\n```text\n{command.get_help(context).rstrip()}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    print(render(), end="")
