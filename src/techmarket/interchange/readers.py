"""Read contract records from CSV, JSON Lines or xlsx files (contract-format.md §1).

A file is a path or a binary file object (an upload); its format comes from an explicit
`format`, else the suffix of the given `name`, the path or the file object's name.

The readers only turn a file into `(row, {key: raw value})` pairs: every whole-file defect
(encoding, headers, formulas, merged cells) becomes one `FileProblem` with a Chinese and an
English message, and everything about a single value is left to the validator. Files are
streamed so a registrar can import a year's contracts without loading them into memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from techmarket.domain.fields import CONTRACTS, FieldTable, header_is_wan_yuan
from techmarket.domain.problems import FileProblem
from techmarket.domain.record import CleanRow
from techmarket.interchange.sources import FileInput, Source, source_of

FORMATS = ("csv", "jsonl", "xlsx")
_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx"}
# Characters that make a spreadsheet treat a text cell as a formula; writers prefix "'".
FORMULA_TRIGGERS = ("=", "+", "-", "@")
_SAMPLE_BYTES = 64 * 1024
_MERGE_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref=\"([^\"]+)\"")

RawValue = str | int | float | Decimal | datetime | date | time | bool | None
Row = dict[str, object]


@dataclass
class RecordSource:
    """An opened, header-checked record file; iterate it (again) to stream its rows.

    `headers` are the non-blank original headers and `keys` their record keys (same order).
    Iterating yields `(row, values)` where row counts data rows from 1 (the header is row 0;
    blank rows are skipped but still counted, so row N is always the N-th line after the
    header). A defect found while streaming (bad encoding, formula, stray cell) raises
    `FileProblem`; callers treat the whole file as rejected.
    """

    format: str
    headers: list[str]
    keys: list[str]
    wan_yuan_fields: frozenset[str]
    path: Path | None = None  # None when read from a file object
    _rows: Callable[[], Iterator[tuple[int, Row]]] | None = field(
        default=None, repr=False, compare=False
    )

    _shared_rows: Callable[[int, int, int], Iterator[tuple[int, Row]]] | None = field(
        default=None, repr=False, compare=False
    )
    name: str = ""  # the file's name, as given or from its path

    def __iter__(self) -> Iterator[tuple[int, Row]]:
        if self._rows is None:
            return iter(())
        return self._rows()

    def share(self, worker: int, workers: int, chunk: int) -> Iterator[tuple[int, Row]]:
        """This worker's share of the rows: runs `worker`, `worker + workers`, … of `chunk`
        consecutive yielded rows, as `pipeline.share` deals them, for checking rows in several
        processes. A CSV file skips building the other workers' rows."""
        if self._shared_rows is not None:
            return self._shared_rows(worker, workers, chunk)
        return (item for index, item in enumerate(self) if (index // chunk) % workers == worker)


def open_records(
    file: FileInput,
    format: str | None = None,
    *,
    name: str | None = None,
    table: FieldTable = CONTRACTS,
) -> RecordSource:
    """Open a record file (a path or a binary file object), check its header and return a
    streaming `RecordSource`; a file object is read from its start and left open.
    `table` says which kind of record the file holds (contracts unless told otherwise)."""
    src = source_of(file, name)
    fmt = format or _SUFFIXES.get(src.suffix)
    if fmt not in FORMATS:
        shown = src.suffix or src.name
        raise FileProblem(
            f"无法识别文件格式“{shown}”：请使用 .csv、.jsonl 或 .xlsx 文件"
            if shown
            else "无法识别文件格式：请给出带 .csv、.jsonl 或 .xlsx 后缀的文件名，或指明格式",
            f"unknown file format {shown!r}: use .csv, .jsonl or .xlsx"
            if shown
            else "unknown file format: give a file name ending .csv, .jsonl or .xlsx, or the format",
            code="unknown_format",
            reason="unknown_format",
            path=src.name,
        )
    if src.path is not None and not src.path.is_file():
        raise FileProblem(
            f"找不到文件：{src.path}",
            f"file not found: {src.path}",
            code="not_found",
            reason="not_found",
            path=src.name,
        )
    if fmt == "csv":
        return _open_csv(src, table)
    if fmt == "jsonl":
        return _open_jsonl(src, table)
    return _open_xlsx(src, table)


# ---------------------------------------------------------------------------------------------
# Shared header and value handling


def unescape_text(value: str) -> str:
    """Undo the writers' formula-injection guard: "'=x" → "=x", "''=x" → "'=x"."""
    if value.startswith("'") and value.lstrip("'")[:1] in FORMULA_TRIGGERS:
        return value[1:]
    return value


def _accepted_headers_hint(table: FieldTable) -> tuple[str, str]:
    fields = table.listed
    return "、".join(f.label_zh for f in fields), ", ".join(f.key for f in fields)


@dataclass(frozen=True)
class _Header:
    headers: list[str]
    keys: list[str]
    columns: list[int]  # 0-based column index of each key
    wan_yuan: frozenset[str]


# Where a cell is, for a message: (Chinese, English), e.g. ("第 3 列", "column 3").
Location = tuple[str, str]


def _resolve_header(
    cells: Sequence[object],
    table: FieldTable,
    *,
    check_required: bool = True,
    describe: Callable[[int], Location],
) -> _Header:
    """Map header cells to keys; refuse unknown, duplicate and missing required columns.

    `describe` names a 0-based column in each language, so a duplicate is located in both.
    """
    headers: list[str] = []
    keys: list[str] = []
    columns: list[int] = []
    wan_yuan: set[str] = set()
    unknown: list[str] = []
    seen: dict[str, str] = {}
    duplicates: list[str] = []
    duplicates_en: list[str] = []
    for index, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip().lstrip("\ufeff").strip()
        if not text:
            continue
        key = table.header_to_key(text)
        if key is None:
            unknown.append(text)
            continue
        if key in seen:
            where, where_en = describe(index)
            duplicates.append(f"{seen[key]} / {text} ({where})")
            duplicates_en.append(f"{seen[key]} / {text} ({where_en})")
            continue
        seen[key] = text
        headers.append(text)
        keys.append(key)
        columns.append(index)
        if header_is_wan_yuan(text) and table.by_key[key].kind == "amount":
            wan_yuan.add(key)
    if not headers and not unknown:
        raise FileProblem(
            "文件没有表头行：第一行应为字段名",
            "the file has no header row",
            code="no_header",
            reason="no_header",
        )
    if unknown:
        labels, english = _accepted_headers_hint(table)
        listed = "、".join(f"“{h}”" for h in unknown)
        raise FileProblem(
            f"无法识别的表头：{listed}。可用的表头为中文表头（{labels}）或英文字段名。",
            f"unknown header(s): {', '.join(repr(h) for h in unknown)}. "
            f"Accepted: the English keys ({english}) or their Chinese labels.",
            code="unknown_headers",
            reason="unknown_headers",
            headers=unknown,
        )
    if duplicates:
        raise FileProblem(
            f"表头重复（同一字段出现多次）：{'；'.join(duplicates)}",
            f"duplicate header(s) for the same field: {'; '.join(duplicates_en)}",
            code="duplicate_headers",
            reason="duplicate_headers",
            headers=duplicates,
        )
    if check_required:
        missing = [f for f in table.required if f.key not in seen]
        if missing:
            raise FileProblem(
                "缺少必填列：" + "、".join(f"{f.label_zh}（{f.key}）" for f in missing),
                "missing required column(s): " + ", ".join(f.key for f in missing),
                code="missing_columns",
                reason="missing_columns",
                keys=[f.key for f in missing],
            )
    return _Header(headers, keys, columns, frozenset(wan_yuan))


def _in_both(text: str) -> Location:
    """A location that reads the same in either language: a JSON key, a cell reference."""
    return text, text


def _stray_cell_problem(row: int, location: Location, value: object) -> FileProblem:
    where, where_en = location
    return FileProblem(
        f"第 {row} 行在{where}有值“{value}”，但该列没有表头（单元格数多于表头）",
        f"row {row} has a value {value!r} at {where_en}, which has no header "
        "(more cells than headers)",
        code="too_many_cells",
        reason="too_many_cells",
        row=row,
    )


# ---------------------------------------------------------------------------------------------
# CSV


class _LineDecoder:
    """Decode physical lines with the detected codec, naming the line on failure.

    A sample decides between UTF-8 and GB18030; when the sample is pure ASCII the first
    non-ASCII line decides, so an English header over GBK data is still read right.
    """

    def __init__(self, codec: str | None) -> None:
        self.codec = codec

    def decode(self, raw: bytes, lineno: int) -> str:
        if self.codec is None:
            if raw.isascii():
                return raw.decode("ascii")
            for candidate in ("utf-8", "gb18030"):
                try:
                    text = raw.decode(candidate)
                except UnicodeDecodeError:
                    continue
                self.codec = candidate
                return text
            raise _encoding_problem(lineno, None)
        try:
            return raw.decode(self.codec)
        except UnicodeDecodeError as exc:
            raise _encoding_problem(lineno, self.codec) from exc


def _encoding_problem(lineno: int, codec: str | None) -> FileProblem:
    if codec is None:
        return FileProblem(
            f"文件编码无法识别（第 {lineno} 行既不是 UTF-8 也不是 GBK/GB18030）："
            "请另存为“CSV UTF-8”",
            f"unrecognised encoding (line {lineno} is neither UTF-8 nor GBK/GB18030): "
            "save the file as 'CSV UTF-8'",
            code="encoding",
            reason="encoding",
            line=lineno,
        )
    name = "UTF-8" if codec == "utf-8" else "GB18030/GBK"
    return FileProblem(
        f"第 {lineno} 行编码错误：文件前部为 {name} 编码，但该行不是。"
        "请将整个文件统一另存为“CSV UTF-8”",
        f"line {lineno} is not valid {name} although the start of the file is: "
        "save the whole file as 'CSV UTF-8'",
        code="encoding",
        reason="encoding",
        line=lineno,
        encoding=codec,
    )


def _detect_codec(sample: bytes) -> tuple[str | None, int]:
    """Return (codec or None when undecided, BOM length) from the start of the file."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8", len(codecs.BOM_UTF8)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _utf16_problem()
    if sample.startswith(b"PK\x03\x04") or sample.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(
            "这是 Excel 工作簿而不是 CSV 文件：请使用 .xlsx 扩展名，或另存为“CSV UTF-8”",
            "this is an Excel workbook, not a CSV file: name it .xlsx or save as 'CSV UTF-8'",
            code="not_csv",
            reason="not_csv",
        )
    if b"\x00" in sample:
        # Neither UTF-8 nor GB18030 text has NUL bytes; decoding on would only show the user
        # "headers" full of them.
        raise _utf16_problem() if _looks_like_utf16(sample) else _nul_problem()
    cut = sample.rfind(b"\n")
    body = sample if cut < 0 else sample[: cut + 1]
    if body.isascii():
        return None, 0
    for candidate in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(candidate)().decode(body, final=False)
        except UnicodeDecodeError:
            continue
        return candidate, 0
    # Neither codec reads the whole sample: let the first non-ASCII line decide, so the
    # line that breaks the pattern is the one named.
    return None, 0


def _looks_like_utf16(sample: bytes) -> bool:
    """UTF-16 without a BOM: each ASCII character (comma, digit, line end) is a byte pair with
    a NUL on the same side, so NULs crowd there; other characters (U+4E00 一) rarely add one
    on the other side. UTF-32 has NULs on both sides, binary data anywhere."""
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    crowded, other = max(even, odd), min(even, odd)
    return crowded * 10 >= len(sample) // 2 and other * 4 <= crowded


def _utf16_problem() -> FileProblem:
    return FileProblem(
        "文件是 UTF-16（“Unicode 文本”）编码：请另存为“CSV UTF-8”",
        "the file is UTF-16 ('Unicode text'): save it as 'CSV UTF-8'",
        code="encoding",
        reason="encoding",
    )


def _nul_problem() -> FileProblem:
    return FileProblem(
        "文件含有空字符（NUL），不是 UTF-8 或 GBK 文本：请在 Excel 中另存为“CSV UTF-8”",
        "the file contains NUL bytes, so it is not UTF-8 or GBK text: save it as 'CSV UTF-8'",
        code="encoding",
        reason="encoding",
    )


def _csv_lines(src: Source) -> Iterator[str]:
    """Decoded physical lines (with their line ends), streamed.

    Once the codec is known the file is decoded in large blocks; a decoding error then sends
    us back over the file line by line, to name the line that failed.
    """
    with src.open() as handle:
        codec, bom = _detect_codec(handle.read(_SAMPLE_BYTES))
        handle.seek(bom)
        if codec is None:
            decoder = _LineDecoder(None)
            for lineno, raw in enumerate(handle, start=1):
                yield decoder.decode(raw, lineno)
                if decoder.codec is not None:
                    break
            else:
                return
            codec, consumed = decoder.codec, lineno
        else:
            consumed = 0
        text = io.TextIOWrapper(handle, encoding=codec, newline="")
        try:
            yield from text
        except UnicodeDecodeError:
            raise _first_undecodable(src, bom, codec, after=consumed) from None


def _first_undecodable(src: Source, bom: int, codec: str, *, after: int) -> FileProblem:
    """The problem to report for the first line (past `after`) that `codec` cannot decode."""
    decoder = _LineDecoder(codec)
    with src.open() as handle:
        handle.seek(bom)
        for lineno, raw in enumerate(handle, start=1):
            if lineno > after:
                try:
                    decoder.decode(raw, lineno)
                except FileProblem as problem:
                    return problem
    return _encoding_problem(after + 1, codec)


def _csv_rows(src: Source) -> Iterator[tuple[int, list[str]]]:
    """(physical line where the record ends, cells), streamed.

    The delimiter is a comma, or a tab when the first non-blank line has tabs and no commas
    (Excel's "Text (tab delimited)").
    """
    lines = _csv_lines(src)
    buffered: list[str] = []
    for text in lines:
        buffered.append(text)
        if text.strip():
            break
    head = buffered[-1] if buffered else ""
    delimiter = "\t" if "\t" in head and "," not in head else ","
    reader = csv.reader(itertools.chain(buffered, lines), delimiter=delimiter)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FileProblem(
                f"第 {reader.line_num} 行 CSV 格式错误：{exc}",
                f"line {reader.line_num}: malformed CSV: {exc}",
                code="malformed_csv",
                reason="malformed_csv",
                line=reader.line_num,
            ) from exc
        yield reader.line_num, cells


def _open_csv(src: Source, table: FieldTable) -> RecordSource:
    header_cells: list[str] | None = None
    for _, cells in _csv_rows(src):
        if any(c.strip() for c in cells):
            header_cells = cells
            break
    if header_cells is None:
        raise FileProblem(
            "文件为空：没有表头行", "the file is empty: no header row", code="empty", reason="empty"
        )
    header = _resolve_header(
        header_cells, table, describe=lambda i: (f"第 {i + 1} 列", f"column {i + 1}")
    )
    keys, columns = header.keys, header.columns
    used = set(columns)
    width = max(columns) + 1
    # Unused columns inside the header's width (blank headers); cells past it are unused too.
    # Without any, a row of the header's width cannot hold a stray cell: skip that check.
    has_gaps = len(used) < width

    def rows(worker: int = 0, workers: int = 1, chunk: int = 1) -> Iterator[tuple[int, Row]]:
        started = False
        number = 0
        index = 0  # rows yielded, or that would have been: whose share a row is
        for line, cells in _csv_rows(src):
            if not started:
                started = any(c.strip() for c in cells)
                continue
            number += 1
            if workers > 1 and (index // chunk) % workers != worker:
                # Another worker's row: only whether it is blank matters here. With all cells
                # in used columns that is whether the cells are; otherwise its owner reports
                # a stray cell, and the file is rejected anyway.
                if "".join(cells).strip():
                    index += 1
                continue
            count = len(cells)
            if has_gaps or count > width:
                for col, cell in enumerate(cells):
                    if col not in used and cell.strip():
                        where = (
                            f"第 {col + 1} 列（文件第 {line} 行）",
                            f"column {col + 1} (line {line} of the file)",
                        )
                        raise _stray_cell_problem(number, where, cell)
            # Each used cell is stripped once; the row is blank when all of them are empty
            # (the unused ones are, or the check above raised).
            if count >= width:
                texts = [cells[col].strip() for col in columns]
            else:
                texts = [cells[col].strip() if col < count else "" for col in columns]
            if not any(texts):
                continue
            index += 1
            joined = "".join(texts)
            if (
                "\u3000" in joined
            ):  # rare: ideographic spaces read as plain ones, as the parser would
                texts = [text.replace("\u3000", " ").strip() for text in texts]
            if "'" in joined:  # rare: only a cell starting with "'" can be escaped
                texts = [unescape_text(text) for text in texts]
            yield number, CleanRow(zip(keys, texts, strict=True))

    return RecordSource(
        "csv",
        header.headers,
        header.keys,
        header.wan_yuan,
        src.path,
        rows,
        _shared_rows=rows,
        name=src.name,
    )


# ---------------------------------------------------------------------------------------------
# JSON Lines


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not allowed")


def _pairs_no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _jsonl_objects(src: Source) -> Iterator[tuple[int, dict[str, object]]]:
    """(line number, object) for each non-blank line; refuse anything but an object."""
    with src.open() as handle:
        for lineno, raw in enumerate(handle, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise FileProblem(
                    f"第 {lineno} 行不是 UTF-8 编码：JSON Lines 文件必须为 UTF-8",
                    f"line {lineno} is not UTF-8: JSON Lines files must be UTF-8",
                    code="encoding",
                    reason="encoding",
                    line=lineno,
                ) from exc
            if lineno == 1:
                text = text.lstrip("\ufeff")
            if not text.strip():
                continue
            try:
                obj = json.loads(
                    text,
                    parse_float=Decimal,
                    parse_constant=_reject_constant,
                    object_pairs_hook=_pairs_no_duplicates,
                )
            except ValueError as exc:
                raise FileProblem(
                    f"第 {lineno} 行不是有效的 JSON：{exc}",
                    f"line {lineno} is not valid JSON: {exc}",
                    code="malformed_json",
                    reason="malformed_json",
                    line=lineno,
                ) from exc
            if not isinstance(obj, dict):
                raise FileProblem(
                    f"第 {lineno} 行不是 JSON 对象：每行必须是一个 {{...}} 记录",
                    f"line {lineno} is not a JSON object: each line must be one {{...}} record",
                    code="not_an_object",
                    reason="not_an_object",
                    line=lineno,
                )
            yield lineno, obj


def _jsonl_header(lineno: int, names: tuple[str, ...], table: FieldTable) -> _Header:
    """Resolve one object's keys like a header line; problems name the line."""
    try:
        return _resolve_header(
            names, table, check_required=False, describe=lambda i: _in_both(names[i])
        )
    except FileProblem as exc:
        raise FileProblem(
            f"第 {lineno} 行：{exc.message}",
            f"line {lineno}: {exc.message_en}",
            code=exc.code,
            **{**exc.details, "line": lineno},
        ) from None


def _jsonl_record(lineno: int, obj: dict[str, object], header: _Header) -> Row:
    names = list(obj)
    values: Row = {}
    for key, col in zip(header.keys, header.columns, strict=True):
        value = obj[names[col]]
        if isinstance(value, bool) or not (value is None or isinstance(value, str | int | Decimal)):
            raise FileProblem(
                f"第 {lineno} 行字段 {names[col]} 的值必须是字符串、数字或 null",
                f"line {lineno}: the value of {names[col]!r} must be a string, number or null",
                code="bad_json_value",
                reason="bad_json_value",
                line=lineno,
                field=key,
            )
        values[key] = value.strip() if isinstance(value, str) else value
    return values


def _open_jsonl(src: Source, table: FieldTable) -> RecordSource:
    """Keys come from the first object; each later object is checked as it is read.

    A JSON Lines file has no header, so missing required keys are the validator's per-record
    business rather than a file problem.
    """
    first: tuple[int, dict[str, object]] | None = None
    for item in _jsonl_objects(src):
        first = item
        break
    if first is None:
        raise FileProblem(
            "文件为空：没有任何记录", "the file is empty: no records", code="empty", reason="empty"
        )
    header = _jsonl_header(first[0], tuple(first[1]), table)

    def rows() -> Iterator[tuple[int, Row]]:
        headers: dict[tuple[str, ...], _Header] = {}
        for lineno, obj in _jsonl_objects(src):
            names = tuple(obj)
            if names not in headers:
                if len(headers) > 64:
                    headers.clear()
                headers[names] = _jsonl_header(lineno, names, table)
            yield lineno, _jsonl_record(lineno, obj, headers[names])

    return RecordSource(
        "jsonl", header.headers, header.keys, header.wan_yuan, src.path, rows, name=src.name
    )


# ---------------------------------------------------------------------------------------------
# xlsx


class _UnsizedSheet(ReadOnlyWorksheet):
    """A read-only sheet that skips openpyxl's size probe.

    Without a <dimension> element (write-only workbooks, ours included) the probe parses the
    whole sheet on every load; the readers call `reset_dimensions()` anyway.
    """

    def _get_size(self) -> None:
        return None


class _WorkbookReader(ExcelReader):
    """`load_workbook(read_only=True)` with `_UnsizedSheet` worksheets (chartsheets skipped)."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue
            ws = _UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
            ws.sheet_state = sheet.state
            self.wb._sheets.append(ws)


def _load_workbook(stream: IO[bytes], name: str):  # type: ignore[no-untyped-def]
    """The workbook in `stream`, which must stay open while the workbook is read."""
    reader: _WorkbookReader | None = None
    try:
        reader = _WorkbookReader(stream, read_only=True, data_only=False)
        reader.read()
        if not reader.wb.worksheets:
            raise ValueError("no worksheets")
        return reader.wb
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        if reader is not None and getattr(reader, "archive", None) is not None:
            reader.archive.close()
        stream.seek(0)
        magic = stream.read(8)
        if magic.startswith(b"\xd0\xcf\x11\xe0"):
            raise FileProblem(
                "这是旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx",
                "this is an old Excel (.xls) file: save it as .xlsx",
                code="bad_xlsx",
                reason="bad_xlsx",
            ) from exc
        raise FileProblem(
            f"不是有效的 xlsx 文件（文件已损坏或不是 Excel 工作簿）：{Path(name).name}",
            f"not a valid xlsx file (corrupt or not an Excel workbook): {Path(name).name}",
            code="bad_xlsx",
            reason="bad_xlsx",
        ) from exc


def _pick_sheet(wb, names: tuple[str, ...]):  # type: ignore[no-untyped-def]
    by_name = {name.strip().lower(): name for name in wb.sheetnames}
    for wanted in names:
        if wanted in by_name:
            return wb[by_name[wanted]]
    return wb.worksheets[0]


def _merged_ranges(stream: IO[bytes], sheet_path: str) -> list[tuple[str, int, int]]:
    """(range, min_row, max_row) of every merge, read by scanning the sheet XML bytes.

    Read-only mode cannot see merges; a byte scan stays streaming and cheap for big sheets.
    """
    found: list[tuple[str, int, int]] = []
    tail = b""
    with zipfile.ZipFile(stream) as archive:
        name = sheet_path.lstrip("/")
        if name not in archive.namelist():
            return found
        with archive.open(name) as member:
            while chunk := member.read(1 << 20):
                data = tail + chunk
                last_end = 0
                for match in _MERGE_RE.finditer(data):
                    ref = match.group(1).decode("ascii", "replace")
                    try:
                        _, min_row, _, max_row = range_boundaries(ref)
                    except ValueError:
                        continue
                    found.append((ref, min_row or 1, max_row or 1_048_576))
                    last_end = match.end()
                tail = data[max(last_end, len(data) - 512) :]
    return found


def _cell_ref(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def _check_formula(cell: object, sheet_row: int, col: int, header: _Header | None) -> None:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) != "f" and not isinstance(
        value, ArrayFormula | DataTableFormula
    ):
        return
    letter = get_column_letter(col)
    label = ""
    if header is not None and (col - 1) in header.columns:
        label = header.headers[header.columns.index(col - 1)]
    text = getattr(value, "text", value)
    raise FileProblem(
        f"第 {sheet_row} 行 {letter} 列{f'（{label}）' if label else ''}含公式 {text}："
        "不接受公式，请把计算结果作为数值输入（复制后“选择性粘贴-数值”）",
        f"cell {letter}{sheet_row}{f' ({label})' if label else ''} holds a formula {text}: "
        "formulas are not accepted, type the value in (paste special - values)",
        code="formula",
        reason="formula",
        cell=f"{letter}{sheet_row}",
    )


def _open_xlsx(src: Source, table: FieldTable) -> RecordSource:
    with src.open() as stream:
        return _check_xlsx(src, stream, table)


def _check_xlsx(src: Source, stream: IO[bytes], table: FieldTable) -> RecordSource:
    wb = _load_workbook(stream, src.name)
    try:
        ws = _pick_sheet(wb, table.sheet_names)
        sheet_name = ws.title
        sheet_path = getattr(ws, "_worksheet_path", "xl/worksheets/sheet1.xml")
        ws.reset_dimensions()  # stale <dimension> tags would pad or cut rows
        header_row = 0
        header_cells: tuple[object, ...] = ()
        scan = ws.iter_rows()
        try:
            for sheet_row, cells in enumerate(scan, start=1):
                if any(_is_filled(c) for c in cells):
                    header_cells, header_row = cells, sheet_row
                    break
        finally:
            scan.close()  # closes the sheet's zip member now, not at garbage collection
    finally:
        wb.close()
    if not header_row:
        raise FileProblem(
            f"工作表“{sheet_name}”为空：没有表头行",
            f"sheet {sheet_name!r} is empty: no header row",
            code="empty",
            reason="empty",
        )
    for col, cell in enumerate(header_cells, start=1):
        _check_formula(cell, header_row, col, None)
    header = _resolve_header(
        [getattr(c, "value", None) for c in header_cells],
        table,
        describe=lambda i: _in_both(_cell_ref(header_row, i + 1)),
    )
    merged = [
        ref for ref, _, max_row in _merged_ranges(stream, sheet_path) if max_row >= header_row
    ]
    if merged:
        raise FileProblem(
            f"工作表“{sheet_name}”含合并单元格 {'、'.join(merged)}："
            "请取消合并，每个单元格填写一个值",
            f"sheet {sheet_name!r} has merged cells {', '.join(merged)}: "
            "unmerge them and fill every cell",
            code="merged_cells",
            reason="merged_cells",
            ranges=merged,
        )

    def rows() -> Iterator[tuple[int, Row]]:
        with src.open() as stream:
            yield from book_rows(_load_workbook(stream, src.name))

    def book_rows(book) -> Iterator[tuple[int, Row]]:  # type: ignore[no-untyped-def]
        sheet = book[sheet_name]
        sheet.reset_dimensions()
        wanted = {col + 1: key for key, col in zip(header.keys, header.columns, strict=True)}
        cells_by_row = sheet.iter_rows(min_row=header_row + 1)
        try:
            for sheet_row, cells in enumerate(cells_by_row, start=header_row + 1):
                number = sheet_row - header_row
                values: Row = dict.fromkeys(header.keys)
                present = False
                for col, cell in enumerate(cells, start=1):
                    value = getattr(cell, "value", None)
                    if value is None:
                        continue
                    _check_formula(cell, sheet_row, col, header)
                    if isinstance(value, str):
                        value = unescape_text(value.strip())
                        if not value:
                            continue
                    key = wanted.get(col)
                    if key is None:
                        ref = _cell_ref(sheet_row, col)
                        raise _stray_cell_problem(number, (f"单元格 {ref}", f"cell {ref}"), value)
                    values[key] = value
                    present = True
                if present:
                    yield number, values
        finally:
            cells_by_row.close()
            book.close()

    return RecordSource(
        "xlsx", header.headers, header.keys, header.wan_yuan, src.path, rows, name=src.name
    )


def _is_filled(cell: object) -> bool:
    value = getattr(cell, "value", None)
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def record_format(name: str) -> str | None:
    """The format a file name's suffix says (csv, jsonl, xlsx), or None."""
    return _SUFFIXES.get(Path(name).suffix.lower())


def estimated_rows(path: Path) -> int | None:
    """About how many records a file holds, for a progress bar, without reading them: the lines
    of a JSON Lines file, or of a CSV file less its header (a cell with line breaks makes that
    an overestimate). None for xlsx, whose sheets often do not state their size."""
    fmt = record_format(path.name)
    if fmt not in ("csv", "jsonl"):
        return None
    lines, last = 0, b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    lines += last != b"\n"  # a last line without its line break
    return max(lines - (fmt == "csv"), 0)
