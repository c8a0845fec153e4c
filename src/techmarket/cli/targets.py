"""`techmarket targets`: action-plan targets and their progress (时间过半、任务过半)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from techmarket.cli.output import console, fails_cleanly, print_json

app = typer.Typer(help="行动计划目标 Action-plan targets.", no_args_is_help=True)


@app.command("import")
@fails_cleanly
def import_(file: Path, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Check a plan file (TOML) and store it; re-importing replaces the plan with the same code."""
    from techmarket.domain.problems import DomainError
    from techmarket.stats.actuals import save_plan

    try:
        plan = save_plan(file)
    except (ValueError, OSError) as error:
        raise DomainError(f"计划文件有误：{error}", f"bad plan file: {error}") from None
    if as_json:
        print_json({"code": plan.code, "name": plan.name, "indicators": len(plan.indicators)})
    else:
        console.print(f"已导入计划 {plan.code}（{plan.name}，{len(plan.indicators)} 项指标）")


def _text(value: object) -> object:
    return f"{value:.2f}" if isinstance(value, Decimal) else value


@app.command("progress")
@fails_cleanly
def progress_(
    plan: Annotated[str, typer.Argument(help="plan code or .toml file")],
    as_of: Annotated[str, typer.Option("--as-of", help="YYYY-MM-DD")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Each indicator's actual, completion, elapsed time, verdict, projection and status."""
    from techmarket.domain.problems import DomainError, NotFound
    from techmarket.stats.actuals import PlanActuals, find_plan
    from techmarket.stats.snapshot import Snapshot
    from techmarket.stats.targets import progress

    try:
        day = date.fromisoformat(as_of)
    except ValueError:
        raise DomainError(f"日期格式应为 YYYY-MM-DD：{as_of}", f"bad date {as_of}") from None
    try:
        found = find_plan(plan)
    except LookupError:
        raise NotFound(f"没有计划 {plan}（先用 targets import 导入）", f"no plan {plan}") from None
    with Snapshot() as snapshot:
        snapshot.refresh()
        results = progress(found, as_of=day, actuals=PlanActuals(snapshot.con, found, day))
    rows = [
        {
            "indicator": p.indicator.code,
            "name": p.indicator.name,
            "unit": p.indicator.unit,
            "year": p.year,
            "target": _text(p.target),
            "actual": _text(p.actual),
            "completion_pct": _text(p.completion_pct),
            "elapsed_pct": _text(p.elapsed_pct),
            "verdict": p.verdict,
            "projected": _text(p.projected),
            "projection_method": p.projection_method,
            "status": p.status,
        }
        for p in results
    ]
    if as_json:
        print_json(
            {"plan": found.code, "name": found.name, "as_of": day.isoformat(), "indicators": rows}
        )
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
        )
    console.print(table)
    for row in rows:
        console.print(f"• {row['name']}：{row['verdict']}")
