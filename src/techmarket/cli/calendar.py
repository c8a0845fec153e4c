"""`techmarket calendar`: entering each year's holiday arrangement (放假安排) and make-up days (调休)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from techmarket.cli.output import console, fails_cleanly, print_json

if TYPE_CHECKING:
    from techmarket.registry.calendar import Coverage
    from techmarket.registry.models import CalendarOverride

app = typer.Typer(
    help="工作日日历：录入国务院办公厅公布的放假安排和调休 Working-day calendar overrides.",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document")]
DayArg = Annotated[str, typer.Argument(help="日期 date, YYYY-MM-DD")]


def _kind(working: bool, day: date) -> str:
    if not working:
        return "休息日"
    return "工作日（调休）" if day.weekday() >= 5 else "工作日"


def _rule_label(day: date) -> str:
    from techmarket.registry.calendar import rule_source

    if rule_source(day) == "chinesecalendar":
        return "chinesecalendar 的节假日表"
    return f"周一至周五规则（chinesecalendar 未收录 {day.year} 年）"


def _row(override: CalendarOverride) -> dict[str, object]:
    from techmarket.registry.calendar import rule_says, weekday_zh

    return {
        "day": override.day.isoformat(),
        "weekday": weekday_zh(override.day),
        "is_working_day": override.is_working_day,
        "note": override.note,
        "same_as_rule": rule_says(override.day) == override.is_working_day,
    }


def _print_spanning(count: int) -> None:
    if count:
        console.print(
            f"[yellow]注意：{count} 件审查中合同的期限跨越所改日期，仍按修改前的日历计算，"
            "不会自动重算。[/yellow]"
        )


@app.command("set")
@fails_cleanly
def set_(
    day: DayArg,
    holiday: Annotated[bool, typer.Option("--holiday", help="放假（休息日） a holiday")] = False,
    workday: Annotated[
        bool, typer.Option("--workday", help="上班（含调休的周末） a working day")
    ] = False,
    note: Annotated[
        str, typer.Option("--note", help="依据，如“国办发明电〔2026〕X号” the notice (required)")
    ] = "",
    as_json: JsonOpt = False,
) -> None:
    """设置 Make a day a holiday or a working day, replacing an earlier entry for it."""
    from techmarket.domain.problems import DomainError
    from techmarket.registry import calendar

    if holiday == workday:
        raise DomainError(
            "须指定 --holiday 或 --workday 之一",
            "give exactly one of --holiday and --workday",
            code="holiday_or_workday",
        )
    when = calendar.parse_day(day)
    before = calendar.find_day(when)
    override = calendar.set_day(when, working=workday, note=note)
    spanning = calendar.deadlines_spanning([when])
    data = {
        **_row(override),
        "created": before is None,
        "previous": (
            {"is_working_day": before.is_working_day, "note": before.note} if before else None
        ),
        "rule": calendar.rule_source(when),
        "deadlines_spanning": spanning,
    }
    if as_json:
        print_json(data)
        return
    console.print(
        f"已设置 {when}（{data['weekday']}）为{_kind(workday, when)}，依据：{escape(override.note)}"
    )
    if before is not None:
        console.print(
            f"（原为{_kind(before.is_working_day, when)}，依据：{escape(before.note) or '无'}）"
        )
    if calendar.rule_says(when) == workday:
        console.print(
            f"[yellow]注意：按{_rule_label(when)}，该日本来就是{_kind(workday, when)}；"
            "已照样保存，这条设置与规则一致。[/yellow]"
        )
    _print_spanning(spanning)


@app.command("remove")
@fails_cleanly
def remove(day: DayArg, as_json: JsonOpt = False) -> None:
    """删除 Remove a day's entry; the package (or Monday–Friday) decides that day again."""
    from techmarket.domain.problems import NotFound
    from techmarket.registry import calendar

    when = calendar.parse_day(day)
    if not calendar.remove_day(when):
        raise NotFound(
            f"{when} 没有录入的调整", f"no calendar entry for {when}", code="no_calendar_entry"
        )
    working = calendar.rule_says(when)
    spanning = calendar.deadlines_spanning([when])
    data = {
        "day": when.isoformat(),
        "removed": True,
        "is_working_day": working,
        "rule": calendar.rule_source(when),
        "deadlines_spanning": spanning,
    }
    if as_json:
        print_json(data)
        return
    console.print(f"已删除 {when} 的调整；按{_rule_label(when)}，该日为{_kind(working, when)}")
    _print_spanning(spanning)


def _warnings(coverage: Coverage) -> list[dict[str, object]]:
    return [
        {
            "year": year,
            "message": f"{year} 年既不在 chinesecalendar 收录范围内，也没有录入任何放假安排："
            "该年的期限按周一至周五计算。请录入国务院办公厅公布的放假安排"
            "（techmarket calendar import）。",
            "message_en": f"{year}: chinesecalendar does not know its holidays and no "
            "arrangement has been entered, so deadlines in it count Monday–Friday",
        }
        for year in coverage["weekday_only_years"]
    ]


@app.command("list")
@fails_cleanly
def list_(
    year: Annotated[int | None, typer.Option("--year", help="只列出该年 only this year")] = None,
    as_json: JsonOpt = False,
) -> None:
    """列出 Entered days, the years chinesecalendar knows, and years counted Monday–Friday."""
    from django.utils import timezone

    from techmarket.registry import calendar

    coverage = calendar.coverage(timezone.localdate())
    rows = [_row(o) for o in calendar.list_days(year)]
    warnings = _warnings(coverage)
    if as_json:
        print_json({"overrides": rows, "coverage": coverage, "warnings": warnings})
        return
    table = Table("日期", "星期", "安排", "依据", "备注")
    for row in rows:
        day = date.fromisoformat(str(row["day"]))
        table.add_row(
            str(row["day"]),
            str(row["weekday"]),
            _kind(bool(row["is_working_day"]), day),
            escape(str(row["note"])),
            "与规则一致" if row["same_as_rule"] else "",
        )
    console.print(table)
    span = coverage["package_years"]
    console.print(
        f"chinesecalendar {coverage['package_version'] or ''} 收录节假日："
        + (f"{span[0]}–{span[1]} 年" if span else "无")
    )
    entered = coverage["override_years"]
    console.print(
        "已录入调整的年份："
        + (
            "、".join(
                f"{y['year']}（休息日 {y['holidays']} 天，工作日 {y['workdays']} 天）"
                for y in entered
            )
            or "无"
        )
    )
    for warning in warnings:
        console.print(f"[yellow]警告：{warning['message']}[/yellow]")


@app.command("import")
@fails_cleanly
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV: 日期,是否工作日,说明 (day,is_working_day,note); 是否工作日 1/0 true/false 是/否"
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    """导入 Enter a year's arrangement from a CSV: every line or none; errors name their line."""
    from techmarket.registry import calendar

    result = calendar.import_file(file)
    spanning = calendar.deadlines_spanning(result.created + result.updated)
    data = {**result.as_dict(), "deadlines_spanning": spanning}
    if as_json:
        print_json(data)
        return
    console.print(
        f"已导入 {len(result.created) + len(result.updated)} 天："
        f"新增 {len(result.created)}，更新 {len(result.updated)}"
    )
    if result.same_as_rule:
        days = "、".join(d.isoformat() for d in result.same_as_rule)
        console.print(f"[yellow]注意：以下日期的设置与规则本来一致（已照样保存）：{days}[/yellow]")
    _print_spanning(spanning)
