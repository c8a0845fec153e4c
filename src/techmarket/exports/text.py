"""A computed table for the terminal (Rich), amounts in 万元 for readability."""

from __future__ import annotations

from decimal import Decimal

from rich.table import Table

from techmarket.exports.model import TableResult

WAN = Decimal(10000)


def cell(value: object, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "amount" and isinstance(value, Decimal):
        return f"{value / WAN:,.2f}"
    if kind == "pct" and isinstance(value, Decimal):
        return f"{value:.2f}"
    if kind == "number" and isinstance(value, Decimal):
        return f"{value:,.2f}"
    if kind == "count" and isinstance(value, int):
        return f"{value:,}"
    return str(value)


def render_table(result: TableResult) -> Table:
    table = Table(
        title=f"{result.title_zh}（{result.period}，{result.region}，{result.view}）",
        caption="\n".join(result.notes),
    )
    for column in result.columns:
        label = column.label_zh.replace("（元）", "（万元）")
        table.add_column(label, justify="left" if column.kind == "text" else "right")
    for row in result.rows:
        table.add_row(*(cell(row.get(c.key), c.kind) for c in result.columns))
    return table
