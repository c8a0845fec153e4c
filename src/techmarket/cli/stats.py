"""`techmarket stats`: the snapshot, the standard tables and reports."""

from __future__ import annotations

import contextlib
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
    writable_output,
)

app = typer.Typer(help="技术市场统计 Statistics.", no_args_is_help=True)
gdp_app = typer.Typer(
    help="地区生产总值 GDP by region and year (亿元), for 成交额占 GDP 比重.", no_args_is_help=True
)
app.add_typer(gdp_app, name="gdp")

PeriodOpt = Annotated[
    str, typer.Option(help="2024 | 2024H1 | 2024Q3 | 2024-03 | 2024YTD06 | FROM..TO")
]
RegionOpt = Annotated[
    str | None,
    typer.Option(help="GB/T 2260 code; 000000 = all (default: the reader's own region, or all)"),
]
AsOpt = Annotated[
    str | None, typer.Option("--as", help="read as this user (their jurisdiction limits regions)")
]
ViewOpt = Annotated[str, typer.Option(help="registered | output | absorbed")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="cancellations up to this date count")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document")]
LevelOpt = Annotated[
    str | None,
    typer.Option(
        help="by_region only: rank every province | city | county within the region "
        "(the four municipalities count as cities); default: the region's direct children"
    ),
]


def _reader_scope(  # type: ignore[no-untyped-def]
    as_user: str | None,
    period: str,
    region: str | None,
    view: str,
    as_of: str | None,
    level: str | None = None,
):
    """Who reads (`--as`, else the operator) and the scope in their jurisdiction.

    The command line is one process: it refreshes the snapshot first, through the same writer
    lock as every other refresh, then reads it read-only like any front end.
    """
    from techmarket.registry.actors import actor_for, system_actor
    from techmarket.stats.access import readable_region
    from techmarket.stats.queries import parse_scope
    from techmarket.stats.refresher import refresh as refresh_snapshot

    actor = actor_for(as_user) if as_user else system_actor()
    scope = parse_scope(period, readable_region(actor, region), view, as_of, level)
    refresh_snapshot()
    return actor, scope


@app.command("refresh")
@fails_cleanly
def refresh(
    full: Annotated[bool, typer.Option("--full", help="rebuild from scratch")] = False,
    watch: Annotated[
        bool, typer.Option("--watch", help="keep serving refresh requests (beside the server)")
    ] = False,
    interval: Annotated[
        float,
        typer.Option(
            min=0.2,
            help="seconds between looks: registrations reach the figures within about this",
        ),
    ] = 10.0,
    as_json: JsonOpt = False,
) -> None:
    """Bring the analytics snapshot up to date with the registry (incremental by default)."""
    from techmarket.stats.refresher import refresh as refresh_snapshot

    if watch:
        import signal
        import threading

        from techmarket.stats.refresher import watch as watch_requests

        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        with contextlib.suppress(KeyboardInterrupt):
            watch_requests(interval=interval, stop=stop, full=full)
        return

    report = refresh_snapshot(full=full)  # waits while another refresh runs
    data = {
        "rebuilt": report.rebuilt,
        "reason": report.reason or None,
        "contracts_changed": report.contracts_changed,
        "last_seq": report.last_seq,
        "facts": report.facts,
    }
    if as_json:
        print_json(data)
    else:
        console.print(
            f"快照已更新：{report.facts} 条登记合同（本次变动 {report.contracts_changed}）"
        )
        if report.reason == "history":
            console.print("数据库的审计历史与快照不符（已恢复备份或换了数据库），快照已全部重建。")


@app.command("tables")
@fails_cleanly
def tables(as_json: JsonOpt = False) -> None:
    """List the standard tables."""
    from techmarket.stats.tables import ALL_TABLE_NAMES, table_title

    rows = [
        {"name": n, "title": table_title(n)[0], "title_en": table_title(n)[1]}
        for n in ALL_TABLE_NAMES
    ]
    if as_json:
        print_json({"tables": rows})
        return
    listing = Table("名称", "标题", "Title")
    for row in rows:
        listing.add_row(row["name"], row["title"], row["title_en"])
    console.print(listing)


@app.command("table")
@fails_cleanly
def table(
    name: str,
    period: PeriodOpt,
    region: RegionOpt = None,
    view: ViewOpt = "registered",
    level: LevelOpt = None,
    as_of: AsOfOpt = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Compute one standard table (refreshing the snapshot first).

    For a whole year, overview and by_region show turnover as a share of the GDP entered with
    `stats gdp set`. `by_region --level city` ranks every city within the region, as the press
    does ("second among all cities, after Beijing").
    """
    from techmarket.domain.problems import NotFound
    from techmarket.stats.queries import read_tables, table_document
    from techmarket.stats.tables import ALL_TABLE_NAMES

    if name not in ALL_TABLE_NAMES:
        raise NotFound(
            f"没有统计表 {name}；可用：{', '.join(ALL_TABLE_NAMES)}",
            f"no table {name}; known: {', '.join(ALL_TABLE_NAMES)}",
            code="unknown_table",
        )
    actor, scope = _reader_scope(as_user, period, region, view, as_of, level)
    read = read_tables(actor, [name], scope)
    [result] = read.tables
    if as_json:
        print_json(table_document(result, read.freshness))
        return
    from techmarket.exports.text import render_table

    console.print(render_table(result))
    console.print(read.freshness.note(), style="dim")


@app.command("report")
@fails_cleanly
def report(
    period: PeriodOpt,
    output: Annotated[Path, typer.Option("-o", "--output")],
    region: RegionOpt = None,
    view: ViewOpt = "registered",
    format: Annotated[str | None, typer.Option(help="xlsx | pdf | json (default: suffix)")] = None,
    as_of: AsOfOpt = None,
    as_user: AsOpt = None,
) -> None:
    """Every standard table for a period, as one workbook, PDF report or JSON document."""
    import json

    from techmarket.stats.queries import read_tables, table_document
    from techmarket.stats.tables import ALL_TABLE_NAMES

    actor, scope = _reader_scope(as_user, period, region, view, as_of)
    fmt = writable_output(output, ("xlsx", "pdf", "json"), format)
    read = read_tables(actor, ALL_TABLE_NAMES, scope)
    results = read.tables
    if fmt == "json":
        document = {
            "snapshot": read.freshness.as_dict(),
            "tables": [table_document(r) for r in results],
        }
        output.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    elif fmt == "xlsx":
        from techmarket.exports.xlsx import write_report

        write_report(output, results)
    elif fmt == "pdf":
        from techmarket.codes.regions import full_name
        from techmarket.exports.pdf import write_pdf

        place = full_name(scope.region)
        write_pdf(output, results, title=f"{place}技术市场统计（{scope.period.label}）")
    else:
        from techmarket.domain.problems import DomainError

        raise DomainError(
            f"不支持的格式 {fmt}（xlsx、pdf 或 json）",
            f"unsupported format {fmt} (xlsx, pdf or json)",
            code="unsupported_format",
        )
    console.print(f"已写入 {output}（{len(results)} 张表）")


@app.command("agencies")
@fails_cleanly
def agencies(
    period: PeriodOpt,
    region: RegionOpt = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Agency service quality, ranked: decisions, working days to decision (median, P90), share
    within the legal limit, correction and refusal rates, backlog, overdue and turnover.

    Read from the audit trail (no snapshot refresh). Ranked by share within the limit, then the
    median; agencies that decided nothing in the period are listed last, unranked.
    """
    from django.utils import timezone

    from techmarket.registry.actors import actor_for, system_actor
    from techmarket.stats.agency_quality import agency_quality_document

    actor = actor_for(as_user) if as_user else system_actor()
    document = agency_quality_document(actor, period, region, today=timezone.localdate())
    if as_json:
        print_json(document)
        return
    listing = Table(
        "名次",
        "机构",
        "受理",
        "登记",
        "不予",
        "撤回",
        "用时中位",
        "用时P90",
        "按时率%",
        "补正率%",
        "不予率%",
        "积压",
        "超期",
        "登记成交额",
        title=f"登记机构服务质量 {document['period']}（积压截至 {document['as_of']}）",
    )
    for row in document["agencies"]:  # type: ignore[attr-defined]
        listing.add_row(
            str(row["rank"] or "—"),
            f"{row['code']} {row['name']}",
            *(str(row[k]) for k in ("received", "registered", "refused", "withdrawn")),
            *(
                "—" if row[k] is None else str(row[k])
                for k in (
                    "median_working_days",
                    "p90_working_days",
                    "within_limit_pct",
                    "correction_rate_pct",
                    "refusal_rate_pct",
                )
            ),
            str(row["backlog"]),
            str(row["overdue"]),
            row["registered_turnover"],
        )
    console.print(listing)
    console.print("用时按工作日计（提交至登记或不予登记）。", style="dim")


def _gdp_json(row) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "region": row.region_code,
        "year": row.year,
        "value": plain(row.value),
        "unit": row.unit,
        "source_note": row.source_note,
        "in_force": row.in_force,
        "entered_by": row.entered_by,
        "entered_at": row.entered_at.isoformat(),
        "superseded_at": row.superseded_at.isoformat() if row.superseded_at else None,
        "withdrawn_by": row.withdrawn_by or None,
    }


RegionArg = Annotated[str, typer.Argument(help="GB/T 2260 code; 000000 = all of China")]
YearArg = Annotated[int, typer.Argument(help="year, e.g. 2020")]
UserOpt = Annotated[
    str | None, typer.Option("--user", help="who enters it (default: your login name)")
]
WithdrawerOpt = Annotated[
    str | None, typer.Option("--user", help="who withdraws it (default: your login name)")
]


@gdp_app.command("set")
@fails_cleanly
def gdp_set(
    region: RegionArg,
    year: YearArg,
    value: Annotated[str, typer.Argument(help="亿元, e.g. 25019.11")],
    source: Annotated[str, typer.Option("--source", help="where the figure is published")] = "",
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Enter a region's GDP for a year; entering it again keeps the old value in the history."""
    from django.utils import timezone

    from techmarket.stats.indicators import set_value
    from techmarket.stats.models import IndicatorValue

    row, changed = set_value(
        "gdp",
        region,
        year,
        value,
        user=user or default_user(),
        now=timezone.now(),
        source_note=source,
    )
    before = IndicatorValue.objects.filter(superseded_by=row).first() if changed else None
    data = _gdp_json(row) | {
        "changed": changed,
        "replaced_value": plain(before.value) if before else None,
    }
    if as_json:
        print_json(data)
    elif not changed:
        console.print(f"未变更：{region} {year} 年 GDP 已是 {plain(row.value)} 亿元")
    else:
        replaced = replaced_note(before.value if before else None, row.value, " 亿元")
        console.print(f"已录入 {region} {year} 年 GDP {plain(row.value)} 亿元{replaced}")


@gdp_app.command("remove")
@fails_cleanly
def gdp_remove(
    region: RegionArg, year: YearArg, user: WithdrawerOpt = None, as_json: JsonOpt = False
) -> None:
    """Withdraw a region's GDP for a year; it stays in the history (gdp list --history)."""
    from django.utils import timezone

    from techmarket.stats.indicators import remove_value

    row = remove_value("gdp", region, year, user=user or default_user(), now=timezone.now())
    if as_json:
        print_json(_gdp_json(row))
    else:
        console.print(f"已撤销 {region} {year} 年 GDP（{plain(row.value)} 亿元，保留在历史中）")


@gdp_app.command("list")
@fails_cleanly
def gdp_list(
    region: Annotated[str | None, typer.Option(help="only this region")] = None,
    year: Annotated[int | None, typer.Option(help="only this year")] = None,
    history: Annotated[
        bool, typer.Option("--history", help="include superseded and withdrawn values")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Entered GDP figures by region and year."""
    from techmarket.codes.regions import full_name
    from techmarket.stats.indicators import value_rows

    rows = [
        _gdp_json(row)
        for row in value_rows("gdp", region=region, year=year, include_history=history)
    ]
    if as_json:
        print_json({"indicator": "gdp", "unit": "亿元", "values": rows})
        return
    table = Table("地区", "名称", "年份", "GDP（亿元）", "状态", "来源", "录入人", "录入时间")
    for r in rows:
        code = str(r["region"])
        table.add_row(
            code,
            full_name(code),
            str(r["year"]),
            str(r["value"]),
            "现行" if r["in_force"] else ("已撤销" if r["withdrawn_by"] else "已替换"),
            str(r["source_note"]),
            str(r["entered_by"]),
            str(r["entered_at"]),
        )
    console.print(table)
