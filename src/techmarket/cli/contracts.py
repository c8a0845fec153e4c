"""`techmarket contracts`: templates, validation, import/export, and the workflow steps."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from techmarket.cli.output import (
    console,
    default_user,
    err_console,
    fails_cleanly,
    print_json,
    print_problems,
    writable_output,
)

app = typer.Typer(help="技术合同 Technology contracts.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document")]
AsUser = Annotated[str, typer.Option("--as", help="act as this user (their role and agency)")]
ExpectedVersion = Annotated[
    int | None,
    typer.Option(
        "--expected-version",
        help="act only if the contract is still at this version (exit 6 if not)",
    ),
]


def _progress(label: str) -> Progress:
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


@app.command("template")
@fails_cleanly
def template(output: Annotated[Path, typer.Option("-o", "--output")]) -> None:
    """Write the xlsx import template (Chinese headers, an example, the code lists)."""
    from techmarket.interchange.writers import write_template

    writable_output(output, ("xlsx",))
    write_template(output)
    console.print(f"模板已写入 {output}")


def _refuse_empty(result) -> None:  # type: ignore[no-untyped-def]
    """A file with a header and no record is a mistake (often the blank template), not a pass."""
    from techmarket.domain.problems import FileProblem

    if result.rows == 0:
        raise FileProblem(
            "文件没有数据行：表头下没有任何合同记录",
            "the file has no data rows: there is no record under the header",
            reason="no_rows",
        )


def _count_rows(path: Path) -> int | None:
    """A quick line count for the progress bar (CSV/JSONL only)."""
    if path.suffix.lower() in {".csv", ".jsonl", ".ndjson"} and path.exists():
        with path.open("rb") as handle:
            return max(sum(1 for _ in handle) - (1 if path.suffix.lower() == ".csv" else 0), 0)
    return None


def _worth_a_second_process(path: Path) -> bool:
    """Parse in a second process only when the file is big enough to repay starting one."""
    return path.is_file() and path.stat().st_size > 2_000_000


def _run_with_progress(path: Path, label: str, work):  # type: ignore[no-untyped-def]
    total = _count_rows(path)
    with _progress(label) as progress:
        task = progress.add_task(label, total=total)
        return work(lambda n: progress.advance(task, n))


def _importer(as_user: str | None, agency: str | None):  # type: ignore[no-untyped-def]
    """Who imports and where: the user named by --as (into their own agency unless --agency
    says otherwise), or the operator at this terminal (into the agency --agency names)."""
    from techmarket.domain.problems import DomainError
    from techmarket.registry.actors import actor_for, system_actor
    from techmarket.registry.selectors import agency_by_code

    target = agency_by_code(agency) if agency else None
    if as_user:
        return actor_for(as_user), target
    if target is None:
        raise DomainError(
            "请用 --agency 指定登记机构，或用 --as 以某位登记员的身份导入",
            "give the registering agency (--agency), or import as a registrar (--as)",
            code="import_agency_required",
        )
    return system_actor(target, login=default_user()), target


ImportAs = Annotated[
    str | None,
    typer.Option("--as", help="import as this user (default: the operator at this terminal)"),
]


@app.command("validate")
@fails_cleanly
def validate(
    file: Path,
    agency: Annotated[
        str | None, typer.Option(help="check the jurisdiction of this agency")
    ] = None,
    as_user: Annotated[
        str | None,
        typer.Option("--as", help="check as this user would import (into their own agency)"),
    ] = None,
    as_registered: Annotated[bool, typer.Option("--as-registered")] = False,
    report: Annotated[Path | None, typer.Option(help="write all problems to csv/xlsx")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a file without importing it; exit 1 when any row has an error.

    With --agency or --as, the file is checked as an import into that agency would be (by
    that user), against the database; otherwise by the record rules alone.
    """
    from django.utils import timezone

    from techmarket.registry.importer import import_records, validate_records

    if report is not None:
        writable_output(report, ("csv", "xlsx"))
    if agency or as_user:
        actor, target = _importer(as_user, agency)
        result = _run_with_progress(
            file,
            "检查",
            lambda advance: import_records(
                file,
                agency=target,
                actor=actor,
                now=timezone.now(),
                as_registered=as_registered,
                dry_run=True,
                progress=advance,
            ),
        )
    else:
        result = _run_with_progress(
            file,
            "检查",
            lambda advance: validate_records(
                file,
                today=timezone.localdate(),
                as_registered=as_registered,
                progress=advance,
            ),
        )
    _refuse_empty(result)
    _finish_report(result, report)
    if as_json:
        print_json({"rows": result.rows, "problems": [p.as_dict() for p in result.problems]})
    else:
        _describe(result, verb="检查")
    if not result.ok:
        raise typer.Exit(1)


@app.command("import")
@fails_cleanly
def import_(
    file: Path,
    agency: Annotated[
        str | None,
        typer.Option(help="登记机构代码 of the registering agency (default: the --as user's)"),
    ] = None,
    as_user: ImportAs = None,
    as_registered: Annotated[
        bool,
        typer.Option(
            "--as-registered", help="migrate already registered contracts (keep numbers and dates)"
        ),
    ] = False,
    report: Annotated[Path | None, typer.Option(help="write all problems to csv/xlsx")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a file: all rows or none; a re-run skips what is already there.

    Without --as the operator at this terminal imports (recorded as system:<login>) into the
    agency --agency names; a registrar or agency admin (--as) imports into their own agency,
    and migrates (--as-registered) only contracts of agencies in their jurisdiction.
    """
    from django.utils import timezone

    from techmarket.registry.importer import import_records

    actor, target = _importer(as_user, agency)
    if report is not None:
        writable_output(report, ("csv", "xlsx"))
    result = _run_with_progress(
        file,
        "导入",
        lambda advance: import_records(
            file,
            agency=target,
            actor=actor,
            now=timezone.now(),
            as_registered=as_registered,
            progress=advance,
            parallel=_worth_a_second_process(file),
        ),
    )
    _refuse_empty(result)
    _finish_report(result, report)
    if as_json:
        print_json(result.as_dict())
    else:
        _describe(result, verb="导入")
    if not result.ok:
        raise typer.Exit(1)


def _finish_report(result, report: Path | None) -> None:  # type: ignore[no-untyped-def]
    if report is not None:
        from techmarket.interchange.writers import write_problems

        write_problems(report, result.problems, writable_output(report, ("csv", "xlsx")))


def _describe(result, *, verb: str) -> None:  # type: ignore[no-untyped-def]
    errors = sum(1 for p in result.problems if p.severity == "error")
    warnings = len(result.problems) - errors
    if result.problems:
        print_problems(result.problems)
    if errors:
        err_console.print(
            f"[red]{verb}未通过[/red]：{result.rows} 行，{errors} 个错误，"
            f"{warnings} 个提示；未写入任何记录。"
        )
    elif verb == "导入":
        console.print(
            f"[green]导入完成[/green]：{result.rows} 行，新增 {result.created}，"
            f"已存在跳过 {result.skipped}，提示 {warnings}。"
        )
    else:
        console.print(f"[green]检查通过[/green]：{result.rows} 行，提示 {warnings}。")


@app.command("export")
@fails_cleanly
def export(
    output: Annotated[Path, typer.Option("-o", "--output")],
    format: Annotated[str | None, typer.Option(help="csv | jsonl | xlsx (default: suffix)")] = None,
    year: Annotated[int | None, typer.Option(help="registered in this year")] = None,
    status: Annotated[str | None, typer.Option(help="only this status")] = None,
    agency: Annotated[str | None, typer.Option(help="only this agency")] = None,
    as_user: Annotated[
        str | None, typer.Option("--as", help="export what this user may read (default: all)")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Export contracts in the import format (with status and registration fields)."""
    from techmarket.domain.problems import DomainError
    from techmarket.domain.workflow import Status
    from techmarket.interchange.writers import write_records
    from techmarket.registry.actors import actor_for, system_actor
    from techmarket.registry.records import EXPORT_KEYS
    from techmarket.registry.selectors import export_rows

    actor = actor_for(as_user) if as_user else system_actor()
    fmt = writable_output(output, ("csv", "jsonl", "xlsx"), format)
    known = [str(s) for s in Status]
    if status is not None and status not in known:
        raise DomainError(
            f"未知状态 {status}（可用：{', '.join(known)}）",
            f"unknown status {status} (use one of: {', '.join(known)})",
            code="unknown_status",
        )
    count = write_records(
        output,
        export_rows(actor, year=year, status=status, agency_code=agency),
        format=fmt,
        keys=EXPORT_KEYS,
    )
    if as_json:
        print_json({"rows": count, "path": str(output), "format": fmt})
    else:
        console.print(f"已导出 {count} 条合同到 {output}")


@app.command("show")
@fails_cleanly
def show(
    contract: Annotated[str, typer.Argument(help="合同 ID 或登记编号")],
    as_user: Annotated[str | None, typer.Option("--as")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show one contract with its history."""
    from techmarket.registry.actors import actor_for, system_actor
    from techmarket.registry.selectors import contract_detail

    actor = actor_for(as_user) if as_user else system_actor()
    detail = contract_detail(contract, actor)
    if as_json:
        print_json(detail)
        return
    from rich.table import Table

    table = Table(show_header=False)
    for key, value in detail["record"].items():
        table.add_row(key, str(value))
    for key in (
        "id",
        "status",
        "registration_number",
        "registered_on",
        "deadline",
        "is_large",
        "rule_set",
        "agency",
        "refusal_reason",
        "note",
    ):
        if detail.get(key) not in (None, ""):
            table.add_row(f"[bold]{key}[/bold]", str(detail[key]))
    console.print(table)
    events = Table("#", "时间", "操作", "从", "到", "操作人")
    for event in detail["events"]:
        events.add_row(
            str(event["seq"]),
            event["at"],
            event["action"],
            event["from_status"],
            event["to_status"],
            event["actor"],
        )
    console.print(events)


def _step_output(contract, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    data = {
        "id": contract.pk,
        "status": contract.status,
        "version": contract.version,
        "registration_number": contract.registration_number,
        "deadline": contract.deadline.isoformat() if contract.deadline else None,
    }
    if as_json:
        print_json(data)
    else:
        number = (
            f"，登记编号 {contract.registration_number}" if contract.registration_number else ""
        )
        console.print(f"合同 {contract.pk}：{contract.status}{number}（第 {contract.version} 版）")


def _record_from_file(path: Path):  # type: ignore[no-untyped-def]
    from techmarket.domain.problems import FileProblem, ValidationFailed
    from techmarket.domain.record import parse_record
    from techmarket.interchange.readers import open_records

    source = open_records(path)
    rows = list(source)
    if len(rows) != 1:
        raise FileProblem(
            f"文件须恰好含一条合同记录，实际 {len(rows)} 条",
            f"the file must hold exactly one record, found {len(rows)}",
            code="not_one_record",
        )
    record, problems = parse_record(rows[0][1], 1, wan_yuan_fields=source.wan_yuan_fields)
    if record is None:
        raise ValidationFailed(problems)
    return record


@app.command("draft")
@fails_cleanly
def draft(
    file: Annotated[Path, typer.Argument(help="a one-record csv/jsonl/xlsx")],
    agency: Annotated[str, typer.Option(help="登记机构代码")],
    as_user: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """Create a draft contract from a one-record file, as a seller."""
    from django.utils import timezone

    from techmarket.registry import services
    from techmarket.registry.actors import actor_for
    from techmarket.registry.selectors import agency_by_code

    contract = services.create_draft(
        _record_from_file(file),
        agency=agency_by_code(agency),
        actor=actor_for(as_user),
        now=timezone.now(),
    )
    _step_output(contract, as_json)


def _simple_step(name: str, help_text: str) -> None:
    @app.command(name, help=help_text)
    @fails_cleanly
    def command(
        contract_id: int,
        as_user: AsUser,
        expected_version: ExpectedVersion = None,
        as_json: JsonOpt = False,
    ) -> None:
        from django.utils import timezone

        from techmarket.registry import services
        from techmarket.registry.actors import actor_for

        step = getattr(services, name.replace("-", "_"))
        contract = step(
            contract_id,
            actor=actor_for(as_user),
            now=timezone.now(),
            expected_version=expected_version,
        )
        _step_output(contract, as_json)


for _name, _help in (
    ("submit", "提交 Submit a draft for registration."),
    ("accept", "受理 Accept a submission (starts the review clock)."),
    ("start-review", "开始审核 Start reviewing an accepted contract."),
    ("send-to-second-review", "提交二次审核 Send a large contract to second review."),
    ("register", "登记 Register: issue the number and the certificate."),
    ("withdraw", "撤回 Withdraw a submission."),
):
    _simple_step(_name, _help)


def _note_step(name: str, help_text: str) -> None:
    @app.command(name, help=help_text)
    @fails_cleanly
    def command(
        contract_id: int,
        as_user: AsUser,
        note: Annotated[str, typer.Option(help="说明")],
        expected_version: ExpectedVersion = None,
        as_json: JsonOpt = False,
    ) -> None:
        from django.utils import timezone

        from techmarket.registry import services
        from techmarket.registry.actors import actor_for

        step = getattr(services, name.replace("-", "_"))
        contract = step(
            contract_id,
            actor=actor_for(as_user),
            now=timezone.now(),
            note=note,
            expected_version=expected_version,
        )
        _step_output(contract, as_json)


_note_step("request-correction", "要求补正 Ask the seller to correct the application.")
_note_step("cancel", "注销登记 Cancel a registration.")
_note_step("uphold-objection", "复核维持 Uphold the registration after an objection's re-check.")


@app.command("object")
@fails_cleanly
def object_(
    contract_id: int,
    as_user: AsUser,
    reason: Annotated[str, typer.Option(help="异议理由")],
    expected_version: ExpectedVersion = None,
    as_json: JsonOpt = False,
) -> None:
    """异议 Object to a registered contract's recognition (seller or supervising agency)."""
    from django.utils import timezone

    from techmarket.registry import services
    from techmarket.registry.actors import actor_for

    _step_output(
        services.object_to(
            contract_id,
            actor=actor_for(as_user),
            now=timezone.now(),
            reason=reason,
            expected_version=expected_version,
        ),
        as_json,
    )


@app.command("refuse")
@fails_cleanly
def refuse(
    contract_id: int,
    as_user: AsUser,
    reason: Annotated[str, typer.Option(help="不予登记理由代码 R01…R10")],
    note: Annotated[str, typer.Option(help="理由说明，打印在不予登记通知上")],
    expected_version: ExpectedVersion = None,
    as_json: JsonOpt = False,
) -> None:
    """不予登记 Refuse with a coded reason and its explanation."""
    from django.utils import timezone

    from techmarket.registry import services
    from techmarket.registry.actors import actor_for

    _step_output(
        services.refuse(
            contract_id,
            actor=actor_for(as_user),
            now=timezone.now(),
            reason=reason,
            note=note,
            expected_version=expected_version,
        ),
        as_json,
    )


@app.command("resubmit")
@fails_cleanly
def resubmit(
    contract_id: int,
    file: Path,
    as_user: AsUser,
    expected_version: ExpectedVersion = None,
    as_json: JsonOpt = False,
) -> None:
    """补正 Resubmit corrected content from a one-record file (the review clock restarts)."""
    from django.utils import timezone

    from techmarket.registry import services
    from techmarket.registry.actors import actor_for

    _step_output(
        services.resubmit(
            contract_id,
            _record_from_file(file),
            actor=actor_for(as_user),
            now=timezone.now(),
            expected_version=expected_version,
        ),
        as_json,
    )


@app.command("amend")
@fails_cleanly
def amend(
    contract_id: int,
    file: Path,
    as_user: AsUser,
    note: Annotated[str, typer.Option(help="变更说明")],
    expected_version: ExpectedVersion = None,
    as_json: JsonOpt = False,
) -> None:
    """变更登记 Amend a registered contract from a one-record file."""
    from django.utils import timezone

    from techmarket.registry import services
    from techmarket.registry.actors import actor_for

    _step_output(
        services.amend(
            contract_id,
            _record_from_file(file),
            actor=actor_for(as_user),
            now=timezone.now(),
            note=note,
            expected_version=expected_version,
        ),
        as_json,
    )
