"""The `techmarket` command line: a thin layer over the services; every rule lives below it."""

from __future__ import annotations

import os

import typer

app = typer.Typer(
    name="techmarket",
    help="技术市场平台：技术合同认定登记、统计与供需对接。Technology market platform.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmarket.settings")
    import django

    django.setup()


@app.callback()
def main() -> None:
    """Set up Django once before any command runs."""
    setup_django()


def _register() -> None:
    from techmarket.cli import (
        admin,
        agencies,
        attachments,
        audit,
        brokers,
        calendar,
        certificates,
        contract_list,
        contracts,
        entities_change,
        entities_count,
        entities_import,
        entities_read,
        income,
        jobs,
        leads,
        market,
        match,
        notify,
        precheck,
        risk,
        stats,
        targets,
        tokens,
        users,
    )

    contracts.app.command("list")(contract_list.list_command)
    certificates.register(contracts.app)
    contracts.app.command("attach")(attachments.attach_command)
    contracts.app.command("attachments")(attachments.list_command)
    contracts.app.command("precheck")(precheck.precheck_command)
    app.add_typer(contracts.app, name="contracts")
    app.add_typer(agencies.app, name="agencies")
    app.add_typer(users.app, name="users")
    app.add_typer(tokens.app, name="tokens")
    app.add_typer(audit.app, name="audit")
    app.add_typer(income.app, name="income")
    app.add_typer(stats.app, name="stats")
    app.add_typer(risk.app, name="risk")
    app.add_typer(targets.app, name="targets")
    app.add_typer(calendar.app, name="calendar")
    app.command("notify")(notify.notify_command)
    app.add_typer(jobs.app, name="jobs")
    app.add_typer(market.app, name="market")
    app.add_typer(match.app, name="match")
    app.add_typer(brokers.app, name="broker")
    app.add_typer(leads.app, name="lead")
    entities = typer.Typer(
        help="创新主体库：认定名录、单位、到期提醒、培育库与名单导入。Innovation-entity register.",
        no_args_is_help=True,
    )
    entities_import.register(entities)
    entities_read.register(entities)
    entities_count.register(entities)
    entities_change.register(entities)
    app.add_typer(entities, name="entities")
    admin.register(app)


_register()
