"""`techmarket targets`: action plans, their entered actuals, and progress (时间过半、任务过半)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from techmarket.cli.output import (
    console,
    default_user,
    fails_cleanly,
    plain,
    print_json,
    replaced_note,
)

app = typer.Typer(help="行动计划目标 Action-plan targets.", no_args_is_help=True)
actual_app = typer.Typer(
    help="录入的实际值 Entered actuals (indicators whose source is entered).",
    no_args_is_help=True,
)
app.add_typer(actual_app, name="actual")

JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document")]
PlanArg = Annotated[str, typer.Argument(help="plan code (targets list) or .toml file")]


def _plan(code_or_file: str):  # type: ignore[no-untyped-def]
    """The plan the operator names: a .toml file they point at, or a plan code; only this
    front end reads a named file, the services find plans by code alone."""
    from techmarket.domain.problems import NotFound
    from techmarket.stats.plan_store import find_plan, read_plan

    path = Path(code_or_file)
    if path.suffix == ".toml" and path.is_file():
        return read_plan(path)
    try:
        return find_plan(code_or_file)
    except NotFound as error:
        if error.code != "plan_not_found":
            raise
        raise NotFound(
            f"{error.message}；或用 targets import 导入，或给出 .toml 文件",
            f"{error.message_en}; import it with targets import, or give a .toml file",
            code=error.code,
            **error.details,
        ) from None


UserOpt = Annotated[
    str | None, typer.Option("--user", help="who enters it (default: your login name)")
]
WithdrawerOpt = Annotated[
    str | None, typer.Option("--user", help="who withdraws it (default: your login name)")
]


@app.command("import")
@fails_cleanly
def import_(
    file: Path,
    user: Annotated[
        str | None, typer.Option("--user", help="who imports it (default: your login name)")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a plan file (TOML) and store it; re-importing replaces the plan with the same code."""
    from django.utils import timezone

    from techmarket.stats.plan_store import store_plan

    plan = store_plan(file, user=user or default_user(), now=timezone.now())
    if as_json:
        print_json({"code": plan.code, "name": plan.name, "indicators": len(plan.indicators)})
    else:
        console.print(f"已导入计划 {plan.code}（{plan.name}，{len(plan.indicators)} 项指标）")


@app.command("list")
@fails_cleanly
def list_(as_json: JsonOpt = False) -> None:
    """List imported plans and the shipped example plans."""
    from techmarket.stats.plan_store import list_plans

    rows = [
        {
            "code": info.plan.code,
            "name": info.plan.name,
            "region": info.plan.region,
            "indicators": len(info.plan.indicators),
            "origin": info.origin,
            "imported_at": info.imported_at.isoformat() if info.imported_at else None,
            "imported_by": info.imported_by or None,
        }
        for info in list_plans()
    ]
    if as_json:
        print_json({"plans": rows})
        return
    table = Table("代码", "名称", "地区", "指标数", "来源", "导入时间", title="行动计划")
    for row in rows:
        table.add_row(
            str(row["code"]),
            str(row["name"]),
            str(row["region"]),
            str(row["indicators"]),
            "已导入" if row["origin"] == "imported" else "内置示例",
            str(row["imported_at"] or "—"),
        )
    console.print(table)


@app.command("progress")
@fails_cleanly
def progress_(
    plan: PlanArg,
    as_of: Annotated[str, typer.Option("--as-of", help="YYYY-MM-DD")],
    as_user: Annotated[
        str | None,
        typer.Option("--as", help="read as this user (the plan's region must be theirs)"),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Each indicator's actual, completion, elapsed time, verdict, projection and status."""
    from techmarket.domain.problems import DomainError
    from techmarket.registry.actors import actor_for, system_actor
    from techmarket.stats.access import readable_region
    from techmarket.stats.queries import SOURCE_NAMES, plan_progress
    from techmarket.stats.refresher import refresh

    try:
        day = date.fromisoformat(as_of)
    except ValueError:
        raise DomainError(
            f"日期格式应为 YYYY-MM-DD：{as_of}",
            f"bad date {as_of}: expected YYYY-MM-DD",
            code="bad_date",
        ) from None
    found = _plan(plan)
    actor = actor_for(as_user) if as_user else system_actor()
    readable_region(actor, found.region)  # before any work
    refresh()  # one process: refresh first, through the writer lock, then read read-only
    document = plan_progress(actor, found, day)
    rows = document["indicators"]
    if as_json:
        print_json(document)
        return
    table = Table(
        "指标",
        "单位",
        "目标",
        "实际",
        "完成%",
        "时间%",
        "预计全年",
        "状态",
        "来源",
        title=f"{found.name}：截至 {day}",
    )
    for row in rows:
        table.add_row(
            str(row["name"]),
            str(row["unit"]),
            str(row["target"] or "—"),
            str(row["actual"]),
            str(row["completion_pct"] or "—"),
            str(row["elapsed_pct"]),
            str(row["projected"] or "—"),
            str(row["status"]),
            SOURCE_NAMES.get(str(row["source"]), str(row["source"])),
        )
    console.print(table)
    for row in rows:
        console.print(f"• {row['name']}：{row['verdict']}")


def _entered(row, unit: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "indicator": row.indicator,
        "period": row.period,
        "value": plain(row.value),
        "unit": unit,
        "source": "entered",
        "in_force": row.in_force,
        "note": row.note,
        "entered_by": row.entered_by,
        "entered_at": row.entered_at.isoformat(),
        "superseded_at": row.superseded_at.isoformat() if row.superseded_at else None,
        "withdrawn_by": row.withdrawn_by or None,
    }


@actual_app.command("set")
@fails_cleanly
def actual_set(
    plan: PlanArg,
    indicator: Annotated[str, typer.Argument(help="indicator code of the plan")],
    period: Annotated[str, typer.Argument(help="YYYY-MM | YYYY-Qn | YYYY")],
    value: Annotated[str, typer.Argument(help="in the indicator's unit, e.g. 120 or 49.5")],
    note: Annotated[str, typer.Option("--note", help="where the figure comes from")] = "",
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Enter an actual; entering a period again replaces its value and keeps the old one."""
    from django.utils import timezone

    from techmarket.domain.problems import DomainError
    from techmarket.stats.entries import set_actual
    from techmarket.stats.models import EnteredActual

    found = _plan(plan)
    try:
        row, changed = set_actual(
            found,
            indicator,
            period,
            value,
            user=user or default_user(),
            now=timezone.now(),
            note=note,
        )
    except DomainError as error:
        if error.code != "mixed_granularity":
            raise
        raise DomainError(
            f"{error.message}（可先用 targets actual remove 撤销数据库中的值）",
            f"{error.message_en} (withdraw the stored values with targets actual remove first)",
            code=error.code,
            **error.details,
        ) from None
    unit = found.indicator(indicator).unit
    before = EnteredActual.objects.filter(superseded_by=row).first() if changed else None
    data = _entered(row, unit) | {
        "plan": found.code,
        "changed": changed,
        "replaced_value": plain(before.value) if before else None,
    }
    if as_json:
        print_json(data)
    elif not changed:
        console.print(f"未变更：{indicator} {row.period} 已是 {plain(row.value)}{unit}")
    else:
        replaced = replaced_note(before.value if before else None, row.value, unit)
        console.print(f"已录入 {indicator} {row.period} = {plain(row.value)}{unit}{replaced}")


@actual_app.command("remove")
@fails_cleanly
def actual_remove(
    plan: PlanArg,
    indicator: Annotated[str, typer.Argument(help="indicator code of the plan")],
    period: Annotated[str, typer.Argument(help="YYYY-MM | YYYY-Qn | YYYY")],
    user: WithdrawerOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Withdraw an entered actual; it stays in the history (actual list --history)."""
    from django.utils import timezone

    from techmarket.stats.entries import remove_actual

    found = _plan(plan)
    row = remove_actual(found, indicator, period, user=user or default_user(), now=timezone.now())
    if as_json:
        print_json(_entered(row, found.indicator(indicator).unit) | {"plan": found.code})
    else:
        console.print(f"已撤销 {indicator} {row.period}（{plain(row.value)}，保留在历史中）")


@actual_app.command("list")
@fails_cleanly
def actual_list(
    plan: PlanArg,
    indicator: Annotated[str | None, typer.Option(help="only this indicator")] = None,
    history: Annotated[
        bool, typer.Option("--history", help="include superseded and withdrawn values")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Entered actuals of a plan, and the plan file's own, marking which are in force."""
    from techmarket.stats.entries import actual_rows, entered_entries
    from techmarket.stats.targets import merge_actuals

    found = _plan(plan)
    units = {ind.code: ind.unit for ind in found.indicators}
    used = set(merge_actuals(found.actuals, entered_entries(found.code)))
    rows = [
        {
            "indicator": a.indicator,
            "period": a.period,
            "value": plain(a.value),
            "unit": units.get(a.indicator, ""),
            "source": "plan_file",
            "in_force": a in used,
            "note": "",
            "entered_by": None,
            "entered_at": None,
            "superseded_at": None,
            "withdrawn_by": None,
        }
        for a in found.actuals
    ]
    rows += [
        _entered(row, units.get(row.indicator, ""))
        for row in actual_rows(found.code, include_history=history)
    ]
    rows = [r for r in rows if indicator is None or r["indicator"] == indicator]
    rows.sort(key=lambda r: (str(r["indicator"]), str(r["period"]), str(r["entered_at"] or "")))
    if as_json:
        print_json({"plan": found.code, "name": found.name, "actuals": rows})
        return
    table = Table("指标", "期间", "值", "单位", "来源", "状态", "录入人", "录入时间", "说明")
    table.title = f"{found.name}：录入的实际值"
    for r in rows:
        state = "现行" if r["in_force"] else ("已撤销" if r["withdrawn_by"] else "已替换")
        table.add_row(
            str(r["indicator"]),
            str(r["period"]),
            str(r["value"]),
            str(r["unit"]),
            "录入" if r["source"] == "entered" else "计划文件",
            state,
            str(r["entered_by"] or "—"),
            str(r["entered_at"] or "—"),
            str(r["note"]),
        )
    console.print(table)
