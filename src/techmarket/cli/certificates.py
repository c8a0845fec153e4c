"""`techmarket contracts certificate` and `batch-list`: the registration papers as PDF.

Registered on the contracts group by cli/main.py; the rules live in registry.certificates and
registry.batch_lists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from techmarket.cli.output import console, fails_cleanly, print_json, writable_output

AsUser = Annotated[str, typer.Option("--as", help="act as this user (their role and agency)")]
Output = Annotated[Path, typer.Option("-o", "--output", help="the PDF file to write")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document")]


def certificate(
    contract: Annotated[str, typer.Argument(help="合同 ID 或登记编号")],
    output: Output,
    as_user: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """登记证明 Write a registered contract's certificate as PDF (a cancelled one is marked)."""
    from techmarket.registry.actors import actor_for
    from techmarket.registry.certificates import certificate_pdf, visible_contract_id

    writable_output(output, ("pdf",))
    actor = actor_for(as_user)
    output.write_bytes(certificate_pdf(visible_contract_id(contract, actor), actor))
    if as_json:
        print_json({"path": str(output)})
    else:
        console.print(f"登记证明已写入 {output}")


def batch_list(
    contracts: Annotated[list[str], typer.Argument(help="合同 ID 或登记编号（可多个）")],
    output: Output,
    as_user: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """登记清单 List your registered contracts under one verification code, as PDF."""
    from django.utils import timezone

    from techmarket.registry.actors import actor_for
    from techmarket.registry.batch_lists import batch_list_pdf, create_batch_list
    from techmarket.registry.certificates import verify_url, visible_contract_id

    writable_output(output, ("pdf",))
    actor = actor_for(as_user)
    ids = [visible_contract_id(key, actor) for key in contracts]
    batch = create_batch_list(ids, actor, timezone.now())
    output.write_bytes(batch_list_pdf(batch.pk, actor))
    url = verify_url(batch.verification_code)
    if as_json:
        print_json({"path": str(output), "contracts": len(ids), "verify_url": url})
    else:
        console.print(f"登记清单（{len(ids)} 份合同）已写入 {output}；核验网址 {url}")


def register(group: typer.Typer) -> None:
    """Add the commands to the `contracts` group."""
    group.command("certificate")(fails_cleanly(certificate))
    group.command("batch-list")(fails_cleanly(batch_list))
