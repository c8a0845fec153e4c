"""Statistics workbooks: one sheet per table, Chinese headers, number formats, a notes sheet."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from techmarket.exports.model import TableResult

NUMBER_FORMATS = {
    "amount": "#,##0.00",
    "count": "#,##0",
    "pct": "0.00",
    "rank": "0",
    "number": "#,##0.00",
}
FORMULA_START = ("=", "+", "-", "@")
# Characters a sheet's name may not hold, and what stands for each.
SHEET_NAME_SWAPS = str.maketrans(
    {"/": "／", "\\": "＼", "*": "＊", "?": "？", ":": "：", "[": "［", "]": "］"}
)


def _value(value: object) -> object:
    """Decimals as numbers (Excel sums them); text that looks like a formula is neutralised,
    and control characters, which the file format cannot hold, are dropped."""
    if isinstance(value, Decimal):
        return float(value) if value.copy_abs() < Decimal(10) ** 13 else str(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_START):
            return "'" + value
    return value


def _sheet_name(title: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", title).translate(SHEET_NAME_SWAPS)[:31] or "表"


def write_report(path: Path, results: Sequence[TableResult]) -> None:
    workbook = Workbook(write_only=True)
    for result in results:
        sheet = workbook.create_sheet(_sheet_name(result.title_zh))
        sheet.freeze_panes = "A3"
        sheet.append(
            [
                _value(
                    f"{result.title_zh}  {result.period}  地区 {result.region}  口径 {result.view}"
                )
            ]
        )
        sheet.append([_value(c.label_zh) for c in result.columns])
        for row in result.rows:
            sheet.append([_value(row.get(c.key)) for c in result.columns])
        for index, column in enumerate(result.columns, start=1):
            letter = sheet_column_letter(index)
            sheet.column_dimensions[letter].width = 28 if column.kind == "text" else 18
    notes = workbook.create_sheet("说明")
    notes.append(["口径与定义"])
    seen: set[str] = set()
    for result in results:
        for note in result.notes:
            if note not in seen:
                seen.add(note)
                notes.append([_value(note)])
    workbook.save(path)
    _apply_formats(path, results)


def sheet_column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _apply_formats(path: Path, results: Sequence[TableResult]) -> None:
    """Number formats and bold headers (write-only sheets cannot style cells after the fact)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    for result, sheet in zip(results, workbook.worksheets, strict=False):
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet["A1"].font = Font(bold=True, size=13)
        for index, column in enumerate(result.columns, start=1):
            fmt = NUMBER_FORMATS.get(column.kind)
            if fmt is None:
                continue
            for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                cell.number_format = fmt
    workbook.save(path)
