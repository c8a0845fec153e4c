"""Statistics reports as PDF: every table, with a bar chart of its turnover, for a director's desk.

HTML is built here (every value escaped) and laid out by WeasyPrint; the charts are plain HTML
bars, so nothing needs a browser or the network. Chinese text needs a CJK font on the machine:
Debian's `fonts-noto-cjk` (installed by `.ci/run`).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape
from pathlib import Path

from techmarket.exports.model import TableResult
from techmarket.exports.text import cell

CHART_TABLES = {"by_type", "by_field", "by_region", "by_seller_nature", "flows", "monthly"}
STYLE = """
@page { size: A4; margin: 16mm 14mm; @bottom-center { content: counter(page); font-size: 8pt; } }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; font-size: 9pt; color: #222; }
h1 { font-size: 18pt; margin: 0 0 4mm; }
h2 { font-size: 12pt; margin: 8mm 0 2mm; border-bottom: 1px solid #999; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin-bottom: 3mm; }
th, td { border: 1px solid #bbb; padding: 1mm 1.5mm; }
th { background: #eef2f7; font-weight: bold; }
td.n { text-align: right; white-space: nowrap; }
td.t { min-width: 22mm; }
.bar { display: flex; align-items: center; margin: 0.6mm 0; }
.bar .label { width: 45mm; overflow: hidden; white-space: nowrap; }
.bar .fill { background: #3b6ea5; height: 3.2mm; }
.bar .value { margin-left: 2mm; font-size: 8pt; }
.notes { font-size: 8pt; color: #555; }
"""


def _chart(result: TableResult) -> str:
    values = [
        (str(row.get("name", "")), row.get("total_amount"))
        for row in result.rows
        if isinstance(row.get("total_amount"), Decimal)
    ][:15]
    top = max((v for _, v in values), default=Decimal(0))
    if not values or top <= 0:
        return ""
    bars = []
    for label, value in values:
        width = int(value / top * 110)
        bars.append(
            f'<div class="bar"><span class="label">{escape(label)}</span>'
            f'<span class="fill" style="width:{width}mm"></span>'
            f'<span class="value">{escape(cell(value, "amount"))} 万元</span></div>'
        )
    return "<div class='chart'>" + "".join(bars) + "</div>"


KEEP_CODES = {"large_contracts", "top_sellers"}  # where the code (a number) is the point
# A page is only so wide: turnover's 环比 stands for the three (the workbook has them all).
LEFT_OUT = {"count_pop_pct", "tech_amount_pop_pct"}
# Shown only when some row has a value; 环比 also only when it differs from 同比 somewhere (for a
# whole year the previous period is last year, so the two columns would repeat each other).
SHOWN_WHEN_FILLED = {"gdp", "total_amount_gdp_pct"}
SHOWN_WHEN_DIFFERENT = {"total_amount_pop_pct": "total_amount_yoy_pct"}


def _worth_showing(result: TableResult, key: str) -> bool:
    if key in LEFT_OUT:
        return False
    if key in SHOWN_WHEN_FILLED and all(row.get(key) is None for row in result.rows):
        return False
    if key in SHOWN_WHEN_DIFFERENT:
        twin = SHOWN_WHEN_DIFFERENT[key]
        return any(
            row.get(key) is not None and row.get(key) != row.get(twin) for row in result.rows
        )
    return key != "code" or result.name in KEEP_CODES


def _table(result: TableResult) -> str:
    columns = [c for c in result.columns if _worth_showing(result, c.key)]
    head = "".join(f"<th>{escape(c.label_zh.replace('（元）', '（万元）'))}</th>" for c in columns)
    body = []
    for row in result.rows:
        cells = "".join(
            f"<td class='{'n' if c.kind != 'text' else 't'}'>"
            f"{escape(cell(row.get(c.key), c.kind))}</td>"
            for c in columns
        )
        body.append(f"<tr>{cells}</tr>")
    if not body:
        body.append(f"<tr><td colspan='{len(columns)}'>（本期无数据）</td></tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def report_html(results: Sequence[TableResult], *, title: str) -> str:
    sections = []
    for result in results:
        chart = _chart(result) if result.name in CHART_TABLES else ""
        sections.append(f"<h2>{escape(result.title_zh)}</h2>{chart}{_table(result)}")
    notes = results[0].notes if results else []
    return (
        f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>"
        + "".join(f"<p class='notes'>{escape(n)}</p>" for n in notes)
        + "".join(sections)
        + "</body></html>"
    )


def write_pdf(path: Path, results: Sequence[TableResult], *, title: str) -> None:
    from weasyprint import HTML

    HTML(string=report_html(results, title=title)).write_pdf(path)
