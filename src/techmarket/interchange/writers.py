"""Write contract records, the import template and error reports (contract-format.md §1, §7).

Every value is written as text so export → import gives back exactly the same strings:
amounts stay "1234567.80" (no float), codes keep leading zeros ("01"), dates are ISO.
Text that a spreadsheet would run as a formula gets a leading "'"; the readers remove it.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import IO

from techmarket.domain.fields import CONTRACTS, RECORD_FIELDS, Field, FieldTable
from techmarket.domain.problems import Problem
from techmarket.interchange.readers import FORMATS, FORMULA_TRIGGERS

PROBLEM_COLUMNS: tuple[tuple[str, str], ...] = (
    ("row", "行号"),
    ("field", "字段"),
    ("code", "代码"),
    ("severity", "级别"),
    ("message", "说明"),
    ("message_en", "说明(英文)"),
)

# Code lists shown on the template's 代码表 sheet, with their Chinese titles.
TEMPLATE_CODE_LISTS: tuple[tuple[str, str], ...] = (
    ("contract_types", "合同类型"),
    ("subtypes", "合同子类"),
    ("tech_fields", "技术领域"),
    ("ip_types", "知识产权类型"),
    ("entity_natures", "买卖方性质"),
    ("payment_methods", "支付方式"),
    ("plan_sources", "计划来源"),
    ("objectives", "社会经济目标"),
    ("countries", "国别"),
)

# A complete, valid record shown on the template's 示例 sheet. Sellers copy it, so it must
# parse without even a warning: both credit codes also embed a valid GB 11714 organisation
# code (the buyer's is MA31W8HB + org_code_check_char, then uscc_check_char).
EXAMPLE_RECORD: dict[str, str] = {
    "external_id": "HT-2024-001",
    "name": "新型锂电池隔膜制备技术开发合同",
    "contract_type": "development",
    "subtype": "commissioned",
    "signed_on": "2024-03-15",
    "valid_from": "2024-03-15",
    "valid_to": "2025-03-14",
    "total_amount": "1200000.00",
    "tech_amount": "1000000.00",
    "non_tech_equipment": "150000.00",
    "non_tech_materials": "50000.00",
    "non_tech_other": "0.00",
    "payment_method": "installments",
    "tech_field": "05",
    "ip_type": "01",
    "patent_numbers": "ZL 2021 1 0921116.9",
    "objective": "",
    "plan_source": "none",
    "seller_name": "福州新材料研究院有限公司",
    "seller_id": "91350100M000100Y43",
    "seller_nature": "110",
    "seller_region": "350100",
    "seller_country": "CHN",
    "buyer_name": "厦门动力电池股份有限公司",
    "buyer_id": "91350200MA31W8HB86",
    "buyer_nature": "160",
    "buyer_region": "350200",
    "buyer_country": "CHN",
}


def escape_text(value: str) -> str:
    """Guard against spreadsheet formula injection; `readers.unescape_text` undoes it."""
    if value.lstrip("'")[:1] in FORMULA_TRIGGERS:
        return "'" + value
    return value


def _as_text(value: object) -> str:
    """Canonical text of a value: None → "", dates ISO, everything else `str`."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _check(format: str, keys: Sequence[str], table: FieldTable) -> None:
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    unknown = [k for k in keys if k not in table.by_key]
    if unknown:
        raise ValueError(f"unknown record keys: {', '.join(unknown)}")
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate record keys")


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """Write to a sibling temporary file and move it into place, so a failed export never
    leaves a half-written file that looks complete."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.part")
    try:
        yield partial
        os.replace(partial, path)
    finally:
        if partial.exists():
            partial.unlink()


def write_records(
    path: Path,
    rows: Iterable[Mapping[str, object]],
    *,
    format: str,
    keys: Sequence[str],
    chinese_headers: bool | None = None,
    table: FieldTable = CONTRACTS,
) -> int:
    """Stream rows of canonical strings to csv, jsonl or xlsx; return how many were written.

    Headers: English keys for csv and jsonl, Chinese labels for xlsx, unless `chinese_headers`
    says otherwise (jsonl always uses the English keys). Empty values are written as "" and
    read back as "" (jsonl keeps every key, so a record's shape survives the trip).
    """
    keys = list(keys)
    _check(format, keys, table)
    chinese = (format == "xlsx") if chinese_headers is None else chinese_headers
    headers = [table.by_key[k].label_zh if chinese else k for k in keys]
    with _atomic(path) as target:
        if format == "csv":
            with target.open("w", encoding="utf-8-sig", newline="") as handle:
                return _write_csv(handle, headers, keys, rows)
        if format == "jsonl":
            with target.open("w", encoding="utf-8", newline="\n") as handle:
                count = 0
                for row in rows:
                    record = {k: _as_text(row.get(k)) for k in keys}
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                    count += 1
                return count
        return _write_xlsx(target, headers, keys, rows, table)


def _write_csv(
    handle: IO[str], headers: Sequence[str], keys: Sequence[str], rows: Iterable[Mapping]
) -> int:
    writer = csv.writer(handle)
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow([escape_text(_as_text(row.get(k))) for k in keys])
        count += 1
    return count


def _header_cells(ws, headers: Sequence[str]) -> list:  # type: ignore[no-untyped-def]
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    fill = PatternFill("solid", fgColor="DDEBF7")
    cells = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        cells.append(cell)
    return cells


def _size_columns(  # type: ignore[no-untyped-def]
    ws, headers: Sequence[str], keys: Sequence[str] | None = None, table: FieldTable = CONTRACTS
) -> None:
    from openpyxl.utils import get_column_letter

    for index, text in enumerate(headers, start=1):
        kind = table.by_key[keys[index - 1]].kind if keys else "text"
        width = max(12, 2 * len(text) + 4, 28 if kind == "text" else 0)
        ws.column_dimensions[get_column_letter(index)].width = width


def _write_xlsx(
    target: Path,
    headers: Sequence[str],
    keys: Sequence[str],
    rows: Iterable[Mapping],
    table: FieldTable,
) -> int:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(table.sheet_names[0])
    ws.freeze_panes = "A2"
    _size_columns(ws, headers, keys, table)
    ws.append(_header_cells(ws, headers))
    count = 0
    for row in rows:
        ws.append([escape_text(_as_text(row.get(k))) or None for k in keys])
        count += 1
    wb.save(target)
    return count


def write_template(path: Path) -> None:
    """The xlsx import template: 合同 (headers to fill, required ones bold red with a
    "必填" comment), 示例 (one complete record) and 代码表 (every code list)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from techmarket.codes.lists import code_list

    fields: tuple[Field, ...] = RECORD_FIELDS
    keys = [f.key for f in fields]
    headers = [f.label_zh for f in fields]

    wb = Workbook()
    sheet = wb.active
    sheet.title = "合同"
    sheet.append(headers)
    sheet.freeze_panes = "A2"
    for index, f in enumerate(fields, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if f.required else None)
        note = f"{f.key}{' · 必填 required' if f.required else ''}"
        if f.kind == "amount":
            note += "\n金额单位：元（表头改为“万元”则按万元换算）"
        elif f.kind == "date":
            note += "\n日期：YYYY-MM-DD"
        elif f.kind == "code":
            note += "\n填写代码或中文名称，见“代码表”"
        cell.comment = Comment(note, "techmarket")
        letter = get_column_letter(index)
        # Text format keeps leading zeros of codes and ids ("01", "010", "350100").
        if f.kind in ("code", "text", "list"):
            sheet.column_dimensions[letter].number_format = "@"
        sheet.column_dimensions[letter].width = max(12, 2 * len(f.label_zh) + 4)

    example = wb.create_sheet("示例")
    example.append(headers)
    example.append([EXAMPLE_RECORD.get(k, "") for k in keys])
    for index, f in enumerate(fields, start=1):
        color = "C00000" if f.required else None
        example.cell(row=1, column=index).font = Font(bold=True, color=color)
        example.column_dimensions[get_column_letter(index)].width = max(
            12, 2 * len(f.label_zh) + 4, len(EXAMPLE_RECORD.get(f.key, "")) + 2
        )
    example.freeze_panes = "A2"

    codes = wb.create_sheet("代码表")
    codes.append(["代码表", "列表名", "代码", "名称", "英文名称", "附加"])
    for cell in codes[1]:
        cell.font = Font(bold=True)
    for name, title in TEMPLATE_CODE_LISTS:
        for code in code_list(name):
            extra = "; ".join(f"{k}={v}" for k, v in dict(code.extra or {}).items())
            codes.append([title, name, code.code, code.name, code.name_en, extra])
    for letter, width in zip("ABCDEF", (14, 16, 10, 36, 40, 24), strict=True):
        codes.column_dimensions[letter].width = width
        codes.column_dimensions[letter].number_format = "@"
    codes.freeze_panes = "A2"

    with _atomic(path) as target:
        wb.save(target)


def write_problems(path: Path, problems: Iterable[Problem], format: str | None = None) -> int:
    """The error report of §7 as csv or xlsx (Chinese headers); returns the number of rows."""
    path = Path(path)
    format = format or path.suffix.lower().lstrip(".")
    if format not in ("csv", "xlsx"):
        raise ValueError(f"error reports are csv or xlsx, not {format!r}")
    headers = [label for _, label in PROBLEM_COLUMNS]

    def lines() -> Iterator[list[object]]:
        for problem in problems:
            data = problem.as_dict()
            yield [
                data[k] if k == "row" else escape_text(_as_text(data[k]))
                for k, _ in PROBLEM_COLUMNS
            ]

    with _atomic(path) as target:
        if format == "csv":
            with target.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(headers)
                count = 0
                for line in lines():
                    writer.writerow(line)
                    count += 1
                return count
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("问题")
        ws.freeze_panes = "A2"
        for letter, width in zip("ABCDEF", (8, 18, 24, 10, 60, 60), strict=True):
            ws.column_dimensions[letter].width = width
        ws.append(_header_cells(ws, headers))
        count = 0
        for line in lines():
            ws.append(line)
            count += 1
        wb.save(target)
        return count
