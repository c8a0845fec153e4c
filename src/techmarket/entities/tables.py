"""The register's lists as tables (`exports.model.TableResult`): rows once, and the xlsx
writer of the statistics renders them, as every list page and the API export them."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from techmarket.domain import entities as rules
from techmarket.exports.model import Column, TableResult
from techmarket.exports.xlsx import write_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EXPORT_CAP = 100_000


def _text(key: str, zh: str, en: str) -> Column:
    return Column(key, zh, en, "text")


def _count(key: str, zh: str, en: str) -> Column:
    return Column(key, zh, en, "count")


def _pct(key: str, zh: str, en: str) -> Column:
    return Column(key, zh, en, "pct")


_ORGANISATION = [
    _text("name", "单位名称", "Organisation"),
    _text("uscc", "统一社会信用代码", "USCC"),
    _text("region", "所在地区代码", "Region code"),
    _text("region_name", "所在地区", "Region"),
]
_RECOGNITION = [
    _text("kind_name", "认定类别", "Kind"),
    _text("level_name", "级别", "Level"),
    _text("number", "证书或登记编号", "Number"),
    _text("batch", "批次", "Batch"),
    _text("granted_on", "发证或入库日期", "Granted on"),
    _text("valid_to", "有效期至", "Valid to"),
    _text("status_name", "状态", "Status"),
    _text("revoked_on", "撤销生效日期", "Revoked from"),
]


def _flat(row: dict[str, Any]) -> dict[str, object]:
    out: dict[str, object] = {
        k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()
    }
    if "level" in row:
        out["level_name"] = rules.label(rules.LEVELS, row["level"])
    if "status" in row:
        out["status_name"] = rules.label(rules.STATUSES, row["status"])
    if "stage" in row:
        out["stage_name"] = rules.label(rules.CANDIDATE_STAGES, row["stage"])
    if "renewed" in row:
        out["renewed"] = "是" if row["renewed"] else "否"
    return out


def recognitions_table(rows: Sequence[dict[str, Any]], *, as_of: date, region: str) -> TableResult:
    return TableResult(
        "entity_recognitions",
        "创新主体认定名录",
        "Recognised organisations",
        f"状态截至 {as_of.isoformat()}",
        region,
        "认定名录",
        [*_ORGANISATION, *_RECOGNITION],
        [_flat(r) for r in rows],
        ["状态按所列日期推算：有效期内且未撤销为“有效”；撤销自生效日期起计。"],
    )


def expiring_table(
    rows: Sequence[dict[str, Any]], *, on: date, months: int, region: str
) -> TableResult:
    return TableResult(
        "entity_expiring",
        f"{months} 个月内到期的认定",
        f"Recognitions ending within {months} months",
        f"自 {on.isoformat()} 起 {months} 个月",
        region,
        "到期提醒",
        [
            *_ORGANISATION,
            *_RECOGNITION[:6],
            _count("days_left", "剩余天数", "Days left"),
            _text("renewed", "已重新认定", "Re-recognised"),
        ],
        [_flat(r) for r in rows],
        ["“已重新认定”：同一单位已有同类、发证日期更晚且未撤销的认定。"],
    )


def candidates_table(
    rows: Sequence[dict[str, Any]], *, round_name: str, region: str
) -> TableResult:
    return TableResult(
        "entity_candidates",
        f"培育对象 {round_name}",
        f"Candidates of {round_name}",
        round_name,
        region,
        "培育库",
        [
            _text("stage_name", "阶段", "Stage"),
            _text("district", "所属区代码", "District code"),
            _text("district_name", "所属区", "District"),
            _text("name", "单位名称", "Organisation"),
            _text("uscc", "统一社会信用代码", "USCC"),
            _text("kind", "拟认定类别", "Kind"),
            _text("note", "备注", "Note"),
        ],
        [_flat(r) for r in rows],
    )


def yield_table(rows: Sequence[dict[str, Any]], *, region: str) -> TableResult:
    return TableResult(
        "entity_round_yield",
        "培育批次成效（按区）",
        "Yield of each round by district",
        "全部批次",
        region,
        "培育库",
        [
            _text("round", "培育批次", "Round"),
            _count("year", "年度", "Year"),
            _text("district", "所属区代码", "District code"),
            _text("district_name", "所属区", "District"),
            _count("candidates", "入库数", "Candidates"),
            _count("applied", "申报数", "Applied"),
            _count("recognised", "认定数", "Recognised"),
            _count("dropped", "退出数", "Dropped"),
            _pct("applied_rate", "申报率(%)", "Applied (%)"),
            _pct("recognised_rate", "申报通过率(%)", "Recognised of applied (%)"),
            _pct("yield_rate", "入库认定率(%)", "Recognised of candidates (%)"),
        ],
        [_flat(r) for r in rows],
        ["申报数含已认定；申报后退出的对象只计入退出数（培育对象只记当前阶段）。"],
    )


def workbook(table: TableResult) -> bytes:
    """The table as an xlsx workbook (the statistics writer: Chinese headers, formats)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "table.xlsx"
        write_report(path, [table])
        return path.read_bytes()
