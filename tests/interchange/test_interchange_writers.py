"""Writing records, the import template and error reports; export → import round trips."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from techmarket.domain.fields import RECORD_FIELDS
from techmarket.domain.problems import Problem
from techmarket.interchange.readers import open_records
from techmarket.interchange.writers import (
    EXAMPLE_RECORD,
    write_problems,
    write_records,
    write_template,
)

KEYS = [f.key for f in RECORD_FIELDS]
TRICKY_TEXTS = ["=SUM(A1:A9)", "-减号开头", "+86 591 1234", "@mention", "'=already quoted", "''-x"]


def read_back(path: Path) -> list[dict[str, str]]:
    """Rows as canonical strings ("" for empty cells, which xlsx gives as None)."""
    return [
        {k: "" if v is None else str(v) for k, v in values.items()}
        for _, values in open_records(path)
    ]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_written_records_read_back_exactly(
    tmp_path: Path, fmt: str, record: dict[str, str]
) -> None:
    rows = [
        dict(record, name=text, external_id=text, seller_name=f"卖方{i}")
        for i, text in enumerate(TRICKY_TEXTS)
    ]
    rows.append(dict(record, objective="", patent_numbers="", name="多行\n名称"))
    path = tmp_path / f"export.{fmt}"
    assert write_records(path, iter(rows), format=fmt, keys=KEYS) == len(rows)
    source = open_records(path)
    assert source.keys == KEYS
    assert read_back(path) == rows


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_text_that_looks_like_a_formula_is_escaped_in_the_file(
    tmp_path: Path, fmt: str, record: dict[str, str]
) -> None:
    path = tmp_path / f"export.{fmt}"
    write_records(path, [dict(record, name='=HYPERLINK("http://x")')], format=fmt, keys=KEYS)
    if fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            cells = list(csv.reader(handle))[1]
    else:
        ws = openpyxl.load_workbook(path).active
        cells = [c.value for c in ws[2]]
        assert all(c.data_type != "f" for c in ws[2])
    assert cells[KEYS.index("name")] == '\'=HYPERLINK("http://x")'


def test_csv_has_a_bom_and_english_headers_by_default(
    tmp_path: Path, record: dict[str, str]
) -> None:
    path = tmp_path / "e.csv"
    write_records(path, [record], format="csv", keys=KEYS)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + b"external_id,name,")
    write_records(path, [record], format="csv", keys=KEYS, chinese_headers=True)
    assert path.read_bytes().startswith("\ufeff卖方合同编号,合同名称,".encode())
    assert read_back(path) == [record]


def test_xlsx_has_chinese_headers_and_a_frozen_header_row(
    tmp_path: Path, record: dict[str, str]
) -> None:
    path = tmp_path / "e.xlsx"
    write_records(path, [record], format="xlsx", keys=KEYS)
    ws = openpyxl.load_workbook(path).active
    assert [c.value for c in ws[1]] == [f.label_zh for f in RECORD_FIELDS]
    assert ws.freeze_panes == "A2"
    assert ws.cell(row=2, column=KEYS.index("total_amount") + 1).value == "1200000.00"
    assert ws.cell(row=2, column=KEYS.index("tech_field") + 1).value == "05"


def test_jsonl_uses_english_keys_and_keeps_empty_values(
    tmp_path: Path, record: dict[str, str]
) -> None:
    path = tmp_path / "e.jsonl"
    write_records(path, [record], format="jsonl", keys=KEYS, chinese_headers=True)
    line = json.loads(path.read_text(encoding="utf-8"))
    assert list(line) == KEYS and line["objective"] == ""


def test_writing_an_unknown_key_or_format_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_records(tmp_path / "x.csv", [], format="csv", keys=["colour"])
    with pytest.raises(ValueError):
        write_records(tmp_path / "x.xls", [], format="xls", keys=KEYS)


def test_a_failed_export_leaves_no_file(tmp_path: Path, record: dict[str, str]) -> None:
    def rows():  # type: ignore[no-untyped-def]
        yield record
        raise RuntimeError("database went away")

    path = tmp_path / "e.csv"
    with pytest.raises(RuntimeError):
        write_records(path, rows(), format="csv", keys=KEYS)
    assert list(tmp_path.iterdir()) == []


def test_the_template_opens_and_has_every_header(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["合同", "示例", "代码表"]
    headers = [c.value for c in wb["合同"][1]]
    assert headers == [f.label_zh for f in RECORD_FIELDS]
    required = {
        c.value
        for c in wb["合同"][1]
        if c.font.color is not None and c.font.color.rgb == "00C00000"
    }
    assert required == {f.label_zh for f in RECORD_FIELDS if f.required}
    assert "必填" in wb["合同"]["B1"].comment.text
    example = wb["示例"]
    assert [c.value for c in example[1]] == headers
    assert example["B2"].value
    codes = {(row[1], row[2]) for row in wb["代码表"].iter_rows(min_row=2, values_only=True)}
    assert ("contract_types", "development") in codes and ("tech_fields", "05") in codes
    # The reader accepts the template as is: the 合同 sheet, no rows yet.
    source = open_records(path)
    assert source.headers == headers and list(source) == []


def test_the_template_example_row_reads_as_a_record(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["示例"]
    wb.remove(wb["合同"])
    wb.save(path)
    [(row, values)] = list(open_records(path))
    assert (
        row == 1 and values["contract_type"] == "development" and ws["A1"].value == "卖方合同编号"
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_problem_report_has_the_section_7_columns(tmp_path: Path, fmt: str) -> None:
    problems = [
        Problem(
            17,
            "seller_id",
            "uscc_check_digit",
            "统一社会信用代码校验位错误：应为 G，实际为 7",
            "Check character should be G, found 7",
        ),
        Problem(0, "", "formula", "=A1 含公式", "=A1 is a formula", "warning"),
    ]
    path = tmp_path / f"problems.{fmt}"
    assert write_problems(path, problems, fmt) == 2
    if fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            table = list(csv.reader(handle))
    else:
        table = [
            [c for c in row]
            for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True)
        ]
    assert table[0] == ["行号", "字段", "代码", "级别", "说明", "说明(英文)"]
    assert [str(v) for v in table[1]] == [
        "17",
        "seller_id",
        "uscc_check_digit",
        "error",
        problems[0].message,
        problems[0].message_en,
    ]
    assert table[2][4] == "'=A1 含公式"


def test_the_template_example_row_is_a_record_without_any_problem(tmp_path: Path) -> None:
    """The example is what sellers copy: not even a warning, so every identifier is right."""
    from techmarket.domain.record import parse_record

    path = tmp_path / "template.xlsx"
    write_template(path)
    wb = openpyxl.load_workbook(path)
    wb.remove(wb["合同"])
    wb.save(path)
    source = open_records(path)
    [(row, values)] = list(source)
    parsed, problems = parse_record(values, row, wan_yuan_fields=source.wan_yuan_fields)
    assert problems == [] and parsed is not None
    assert parsed.to_row() == parse_record(EXAMPLE_RECORD, 1)[0].to_row()  # type: ignore[union-attr]
