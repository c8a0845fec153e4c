"""Reading contract record files: encodings, headers, and whole-file problems."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from techmarket.domain.fields import RECORD_FIELDS, Field
from techmarket.domain.problems import FileProblem
from techmarket.interchange.readers import open_records

REQUIRED = [f for f in RECORD_FIELDS if f.required]
ENGLISH_HEADER = ",".join(f.key for f in REQUIRED)
CHINESE_HEADER = ",".join(f.label_zh for f in REQUIRED)
ROW_VALUES = {
    "name": "锂电池隔膜技术开发合同",
    "contract_type": "技术开发",
    "signed_on": "2024-03-15",
    "valid_from": "2024-03-15",
    "valid_to": "2025-03-14",
    "total_amount": "1200000.00",
    "tech_amount": "1000000.00",
    "payment_method": "分期支付",
    "tech_field": "05",
    "ip_type": "00",
    "seller_name": "福州新材料研究院有限公司",
    "seller_nature": "110",
    "buyer_name": "厦门动力电池股份有限公司",
    "buyer_nature": "160",
}
DATA_LINE = ",".join(ROW_VALUES[f.key] for f in REQUIRED)


def write_csv(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def rows_of(path: Path) -> list[tuple[int, dict[str, object]]]:
    return list(open_records(path))


def build_xlsx(path: Path, rows: list[list[object]], title: str = "Sheet") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def problem_of(path: Path, **kwargs: object) -> FileProblem:
    with pytest.raises(FileProblem) as caught:
        rows_of(path) if not kwargs else open_records(path, **kwargs)  # type: ignore[arg-type]
    return caught.value


# --- CSV encodings -------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_in_utf8_utf8_bom_and_gb18030_reads_identically(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "c.csv", f"{CHINESE_HEADER}\r\n{DATA_LINE}\r\n", encoding)
    source = open_records(path)
    assert source.format == "csv"
    assert source.keys == [f.key for f in REQUIRED]
    assert rows_of(path) == [(1, ROW_VALUES)]


def test_gbk_data_under_an_ascii_header_is_detected_after_a_long_ascii_start(
    tmp_path: Path,
) -> None:
    ascii_line = DATA_LINE.replace(ROW_VALUES["name"], "ascii contract name")
    for key in ("contract_type", "payment_method", "seller_name", "buyer_name"):
        ascii_line = ascii_line.replace(ROW_VALUES[key], "x")
    filler = (ascii_line + "\n") * 2000  # > 64 KiB of ASCII before the first Chinese line
    path = write_csv(tmp_path / "c.csv", f"{ENGLISH_HEADER}\n{filler}{DATA_LINE}\n", "gbk")
    rows = rows_of(path)
    assert rows[-1] == (2001, ROW_VALUES)


def test_a_line_in_another_encoding_later_in_the_file_is_named(tmp_path: Path) -> None:
    data = f"{CHINESE_HEADER}\n{DATA_LINE}\n".encode() + (DATA_LINE + "\n").encode("gbk")
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    problem = problem_of(path)
    assert "第 3 行" in problem.message and "UTF-8" in problem.message
    assert problem.details["line"] == 3


def test_a_file_in_no_known_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(ENGLISH_HEADER.encode() + b"\n\xff\xfe\xff\xfe\x80\n")
    problem = problem_of(path)
    assert "编码" in problem.message and problem.details["line"] == 2


def test_utf16_is_refused_with_a_save_as_hint(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "u.csv", f"{ENGLISH_HEADER}\n", "utf-16")
    assert "UTF-16" in problem_of(path).message


def test_a_tab_separated_file_is_accepted(tmp_path: Path) -> None:
    text = CHINESE_HEADER.replace(",", "\t") + "\n" + DATA_LINE.replace(",", "\t") + "\n"
    path = write_csv(tmp_path / "t.csv", text, "utf-8")
    assert rows_of(path) == [(1, ROW_VALUES)]


def test_values_are_stripped_and_blank_rows_skipped_but_counted(tmp_path: Path) -> None:
    spaced = ",".join(f" {ROW_VALUES[f.key]} " for f in REQUIRED)
    blank = "," * (len(REQUIRED) - 1)
    path = write_csv(tmp_path / "c.csv", f"{ENGLISH_HEADER}\n{blank}\n\n{spaced}\n", "utf-8")
    assert rows_of(path) == [(3, ROW_VALUES)]


def test_short_rows_give_empty_strings(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", f"{ENGLISH_HEADER}\nonly a name\n", "utf-8")
    [(_, values)] = rows_of(path)
    assert values["name"] == "only a name" and values["buyer_nature"] == ""


# --- headers -------------------------------------------------------------------------------


def test_chinese_headers_and_english_headers_give_the_same_keys(tmp_path: Path) -> None:
    zh = open_records(write_csv(tmp_path / "zh.csv", CHINESE_HEADER + "\n", "utf-8"))
    en = open_records(write_csv(tmp_path / "en.csv", ENGLISH_HEADER + "\n", "utf-8"))
    assert zh.keys == en.keys == [f.key for f in REQUIRED]
    assert zh.headers == [f.label_zh for f in REQUIRED]


def test_a_wan_yuan_amount_header_is_flagged(tmp_path: Path) -> None:
    header = CHINESE_HEADER.replace("合同成交额(元)", "合同成交额（万元）")
    source = open_records(write_csv(tmp_path / "w.csv", header + "\n", "utf-8"))
    assert source.wan_yuan_fields == frozenset({"total_amount"})
    assert "total_amount" in source.keys


def test_unknown_headers_are_all_listed_with_the_accepted_ones(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "u.csv", ENGLISH_HEADER + ",colour,备注\n", "utf-8")
    problem = problem_of(path)
    assert "colour" in problem.message and "备注" in problem.message
    assert "合同名称" in problem.message  # the accepted headers are named
    assert "colour" in problem.message_en and "total_amount" in problem.message_en
    assert problem.details["headers"] == ["colour", "备注"]


def test_the_same_field_twice_is_a_duplicate_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", ENGLISH_HEADER + ",合同名称\n", "utf-8")
    problem = problem_of(path)
    assert "重复" in problem.message and "合同名称" in problem.message


def test_a_missing_required_column_is_named(tmp_path: Path) -> None:
    header = ",".join(f.key for f in REQUIRED if f.key != "tech_field")
    problem = problem_of(write_csv(tmp_path / "m.csv", header + "\n", "utf-8"))
    assert "技术领域" in problem.message and "tech_field" in problem.message_en
    assert problem.details["keys"] == ["tech_field"]


def test_an_empty_file_has_no_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", "", "utf-8")
    assert "为空" in problem_of(path).message
    path = write_csv(tmp_path / "blank.csv", "\n  \n", "utf-8-sig")
    assert "为空" in problem_of(path).message


def test_a_missing_file_is_a_file_problem(tmp_path: Path) -> None:
    problem = problem_of(tmp_path / "nope.csv")
    assert "找不到文件" in problem.message and "not found" in problem.message_en


def test_an_unknown_suffix_is_refused_unless_the_format_is_given(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.txt", ENGLISH_HEADER + "\n" + DATA_LINE + "\n", "utf-8")
    with pytest.raises(FileProblem):
        open_records(path)
    assert rows_of_format(path, "csv") == [(1, ROW_VALUES)]


def rows_of_format(path: Path, fmt: str) -> list[tuple[int, dict[str, object]]]:
    return list(open_records(path, fmt))


def test_a_row_with_more_cells_than_headers_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", f"{ENGLISH_HEADER}\n{DATA_LINE},extra\n", "utf-8")
    problem = problem_of(path)
    assert "第 1 行" in problem.message and "extra" in problem.message


def test_trailing_empty_cells_beyond_the_header_are_fine(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", f"{ENGLISH_HEADER},,\n{DATA_LINE},,\n", "utf-8")
    assert rows_of(path) == [(1, ROW_VALUES)]


def test_an_xlsx_workbook_named_csv_is_explained(tmp_path: Path) -> None:
    xlsx = build_xlsx(tmp_path / "book.xlsx", [["name"]])
    path = tmp_path / "book.csv"
    path.write_bytes(xlsx.read_bytes())
    assert "xlsx" in problem_of(path).message


# --- JSON Lines ----------------------------------------------------------------------------


def test_json_lines_keep_numbers_exact_and_skip_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(
        '{"name": "甲", "total_amount": 1234567.80, "tech_amount": 10, "objective": null}\n'
        "\n"
        '{"合同名称": "乙", "合同成交额(元)": "5.00"}\n',
        encoding="utf-8",
    )
    source = open_records(path)
    assert source.format == "jsonl"
    assert source.keys == ["name", "total_amount", "tech_amount", "objective"]
    rows = list(source)
    assert rows[0] == (
        1,
        {"name": "甲", "total_amount": Decimal("1234567.80"), "tech_amount": 10, "objective": None},
    )
    assert rows[1] == (3, {"name": "乙", "total_amount": "5.00"})
    assert str(rows[0][1]["total_amount"]) == "1234567.80"


def test_a_json_line_that_is_not_an_object_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"name": "甲"}\n[1, 2]\n', encoding="utf-8")
    problem = problem_of(path)
    assert "第 2 行" in problem.message and problem.details["line"] == 2
    path.write_text('{"name": "甲"}\n{"name": \n', encoding="utf-8")
    assert "第 2 行" in problem_of(path).message


def test_an_unknown_json_key_later_in_the_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"name": "甲"}\n{"name": "乙", "colour": "red"}\n', encoding="utf-8")
    problem = problem_of(path)
    assert "第 2 行" in problem.message and "colour" in problem.message


def test_nested_json_values_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"name": "甲", "patent_numbers": ["a"]}\n', encoding="utf-8")
    assert "patent_numbers" in problem_of(path).message


def test_an_empty_json_lines_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.ndjson"
    path.write_text("\n\n", encoding="utf-8")
    assert "为空" in problem_of(path).message


# --- xlsx ----------------------------------------------------------------------------------


def test_xlsx_values_come_back_as_openpyxl_gives_them(tmp_path: Path) -> None:
    headers = [f.label_zh for f in REQUIRED]
    values: list[object] = [ROW_VALUES[f.key] for f in REQUIRED]
    values[2] = datetime(2024, 3, 15)
    values[5] = 1200000
    path = build_xlsx(tmp_path / "r.xlsx", [[], headers, [None] * len(headers), values])
    source = open_records(path)
    assert source.format == "xlsx" and source.keys == [f.key for f in REQUIRED]
    [(row, got)] = list(source)
    assert row == 2  # the header is sheet row 2; the blank sheet row 3 still counts
    assert got["signed_on"] == datetime(2024, 3, 15)
    assert got["total_amount"] == 1200000
    assert got["name"] == ROW_VALUES["name"]


def test_the_contracts_sheet_is_preferred_over_the_first_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["说明：请在“合同”工作表填写"])
    ws = wb.create_sheet("合同")
    ws.append([f.label_zh for f in REQUIRED])
    ws.append([ROW_VALUES[f.key] for f in REQUIRED])
    wb.save(tmp_path / "r.xlsx")
    assert rows_of(tmp_path / "r.xlsx") == [(1, ROW_VALUES)]


def test_a_formula_cell_is_refused_with_its_row_and_column(tmp_path: Path) -> None:
    headers = [f.label_zh for f in REQUIRED]
    values: list[object] = [ROW_VALUES[f.key] for f in REQUIRED]
    values[5] = "=1000000+200000"
    path = build_xlsx(tmp_path / "f.xlsx", [headers, values])
    problem = problem_of(path)
    assert "第 2 行 F 列" in problem.message and "公式" in problem.message
    assert problem.details["cell"] == "F2"


def test_merged_cells_in_the_data_area_are_refused_with_the_range(tmp_path: Path) -> None:
    headers = [f.label_zh for f in REQUIRED]
    path = tmp_path / "m.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    ws.append([ROW_VALUES[f.key] for f in REQUIRED])
    ws.append([ROW_VALUES[f.key] for f in REQUIRED])
    ws.merge_cells("L2:L3")
    wb.save(path)
    problem = problem_of(path)
    assert "合并单元格" in problem.message and "L2:L3" in problem.message


def test_a_merged_title_above_the_header_is_not_a_merge_problem(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2024 年技术合同"])
    ws.merge_cells("A1:D1")
    ws.append([f.label_zh for f in REQUIRED])
    wb.save(path)
    # The title row becomes the header and is refused as unknown, not as a merge.
    problem = problem_of(path)
    assert "无法识别的表头" in problem.message


def test_a_corrupt_xlsx_is_a_file_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_text("name,contract_type\n", encoding="utf-8")
    assert "xlsx" in problem_of(path).message
    with zipfile.ZipFile(tmp_path / "empty.xlsx", "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert "xlsx" in problem_of(tmp_path / "empty.xlsx").message


def test_an_empty_sheet_has_no_header(tmp_path: Path) -> None:
    path = build_xlsx(tmp_path / "e.xlsx", [])
    assert "为空" in problem_of(path).message


def test_an_xlsx_cell_beyond_the_header_is_refused(tmp_path: Path) -> None:
    headers = [f.label_zh for f in REQUIRED]
    values = [ROW_VALUES[f.key] for f in REQUIRED] + ["stray"]
    path = build_xlsx(tmp_path / "s.xlsx", [headers, values])
    problem = problem_of(path)
    assert "stray" in problem.message and "O2" in problem.message


def test_a_record_source_can_be_iterated_twice(tmp_path: Path) -> None:
    headers = [f.label_zh for f in REQUIRED]
    path = build_xlsx(tmp_path / "r.xlsx", [headers, [ROW_VALUES[f.key] for f in REQUIRED]])
    source = open_records(path)
    assert list(source) == list(source) == [(1, ROW_VALUES)]


def test_csv_rows_parse_exactly_as_the_same_values_given_raw(
    tmp_path: Path, record: dict[str, str]
) -> None:
    """The CSV reader hands out clean text the parser trusts; cleaning there must not differ."""
    from techmarket.domain.record import parse_record

    spaced = dict(record)
    spaced["name"] = "\u3000" + record["name"][:4] + "\u3000" + record["name"][4:] + " "
    spaced["seller_name"] = " " + record["seller_name"] + "\u3000"
    spaced["total_amount"] = "\u3000" + record["total_amount"]
    header = ",".join(spaced)
    line = ",".join(spaced.values())
    path = write_csv(tmp_path / "spaces.csv", f"{header}\n{line}\n", "utf-8")
    ((row, values),) = rows_of(path)
    from_file, from_raw = parse_record(values, row), parse_record(spaced, row)
    assert from_file[0] is not None and from_raw[0] is not None, from_file[1]
    assert from_file[0].to_row() == from_raw[0].to_row()
    assert from_file[0].name == record["name"][:4] + " " + record["name"][4:]
    assert from_file[1] == from_raw[1]


@pytest.mark.parametrize("workers", [2, 3])
def test_shares_of_a_csv_file_are_what_dealing_its_rows_gives(tmp_path: Path, workers: int) -> None:
    """Each checking process reads only its own rows; together, in the dealt order, all rows."""
    blank = "," * (len(REQUIRED) - 1)
    lines = [ENGLISH_HEADER]
    for n in range(40):
        lines.append(
            blank
            if n % 7 == 3
            else "　"
            if n % 11 == 5
            else ""
            if n % 13 == 8
            else DATA_LINE.replace("锂电池", f"锂电池{n}")
        )
    path = write_csv(tmp_path / "s.csv", "\n".join(lines) + "\n", "utf-8")
    source = open_records(path)
    everything = list(source)
    for worker in range(workers):
        dealt = [item for index, item in enumerate(everything) if (index // 4) % workers == worker]
        assert list(source.share(worker, workers, 4)) == dealt


# --- 万元 amount columns, English locations, UTF-16 without a BOM ---------------------------

AMOUNT_FIELDS = [f for f in RECORD_FIELDS if f.kind == "amount"]
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def header_with(label: str, replaced: str) -> str:
    """The required Chinese header with `replaced`'s column headed `label` (added if absent)."""
    labels = [f.label_zh for f in REQUIRED]
    if replaced in labels:
        return ",".join(label if h == replaced else h for h in labels)
    return ",".join([*labels, label])


@pytest.mark.parametrize("suffix", ["(万元)", "（万元）", " (万元)"])
@pytest.mark.parametrize("amount", AMOUNT_FIELDS, ids=lambda f: f.key)
def test_every_amount_column_may_be_headed_in_wan_yuan(
    tmp_path: Path, amount: Field, suffix: str
) -> None:
    label = amount.label_zh.removesuffix("(元)") + suffix
    path = write_csv(tmp_path / "w.csv", header_with(label, amount.label_zh) + "\n", "utf-8")
    source = open_records(path)
    assert amount.key in source.keys and label.strip() in source.headers
    assert source.wan_yuan_fields == frozenset({amount.key})


def test_non_technical_costs_in_wan_yuan_convert_exactly_like_the_total(
    tmp_path: Path, record: dict[str, str]
) -> None:
    from techmarket.domain.record import parse_record

    in_wan = {
        "total_amount": "120",
        "tech_amount": "100",
        "non_tech_equipment": "15",
        "non_tech_materials": "4.99999",
        "non_tech_other": "0.00001",
    }
    headers = [
        f.label_zh.removesuffix("(元)") + "（万元）" if f.key in in_wan else f.key
        for f in RECORD_FIELDS
    ]
    line = ",".join(in_wan.get(f.key, record[f.key]) for f in RECORD_FIELDS)
    path = write_csv(tmp_path / "w.csv", ",".join(headers) + "\n" + line + "\n", "utf-8")
    source = open_records(path)
    assert source.wan_yuan_fields == frozenset(in_wan)
    [(row, values)] = list(source)
    parsed, problems = parse_record(values, row, wan_yuan_fields=source.wan_yuan_fields)
    assert parsed is not None, problems
    assert parsed.non_tech_equipment == Decimal("150000.00")
    assert parsed.non_tech_materials == Decimal("49999.90")
    assert parsed.non_tech_other == Decimal("0.10")
    assert parsed.total_amount == Decimal("1200000.00")


def test_a_stray_csv_cell_is_located_in_each_language(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", f"{ENGLISH_HEADER}\n{DATA_LINE},extra\n", "utf-8")
    problem = problem_of(path)
    assert "第 15 列（文件第 2 行）" in problem.message
    assert "column 15 (line 2 of the file)" in problem.message_en
    assert not CJK.search(problem.message_en)


def test_a_stray_xlsx_cell_is_located_in_each_language(tmp_path: Path) -> None:
    headers = [f.label_zh for f in REQUIRED]
    values = [ROW_VALUES[f.key] for f in REQUIRED] + ["stray"]
    problem = problem_of(build_xlsx(tmp_path / "s.xlsx", [headers, values]))
    assert "单元格 O2" in problem.message
    assert "cell O2" in problem.message_en and not CJK.search(problem.message_en)


def test_a_duplicate_csv_header_is_located_in_each_language(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", ENGLISH_HEADER + ",objective,合同名称\n", "utf-8")
    problem = problem_of(path)
    assert "name / 合同名称 (第 16 列)" in problem.message
    assert "name / 合同名称 (column 16)" in problem.message_en
    # The only Chinese left in English is the header as the file spells it.
    assert not CJK.search(problem.message_en.replace("合同名称", ""))


def test_a_duplicate_xlsx_header_names_its_cell(tmp_path: Path) -> None:
    headers = [f.label_zh for f in REQUIRED] + ["name"]
    problem = problem_of(build_xlsx(tmp_path / "d.xlsx", [headers]))
    assert "合同名称 / name (O1)" in problem.message
    assert "合同名称 / name (O1)" in problem.message_en


UTF16_MESSAGE = "文件是 UTF-16（“Unicode 文本”）编码：请另存为“CSV UTF-8”"
UTF16_MESSAGE_EN = "the file is UTF-16 ('Unicode text'): save it as 'CSV UTF-8'"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("header", [ENGLISH_HEADER, CHINESE_HEADER], ids=["english", "chinese"])
def test_utf16_without_a_bom_gets_the_same_message_as_with_one(
    tmp_path: Path, encoding: str, header: str
) -> None:
    # "统一" puts a NUL byte on the other side too (U+4E00): the pattern still shows.
    data_line = DATA_LINE.replace(ROW_VALUES["name"], "统一技术服务合同")
    path = write_csv(tmp_path / "u.csv", f"{header}\r\n{data_line}\r\n", encoding)
    problem = problem_of(path)
    assert (problem.message, problem.message_en) == (UTF16_MESSAGE, UTF16_MESSAGE_EN)
    with_bom = problem_of(write_csv(tmp_path / "b.csv", f"{header}\r\n", "utf-16"))
    assert (with_bom.message, with_bom.message_en) == (problem.message, problem.message_en)


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x00\x00\x00\x01\x02binary\x00\x00\xff\n",
        ENGLISH_HEADER.encode("utf-32-le"),
        ENGLISH_HEADER.encode() + b"\n" + DATA_LINE.encode() + b"\x00\n",
    ],
    ids=["binary", "utf-32", "one-nul"],
)
def test_any_nul_byte_in_the_sample_is_a_clear_file_problem(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "n.csv"
    path.write_bytes(data)
    problem = problem_of(path)
    assert problem.details["reason"] == "encoding"
    assert "\x00" not in problem.message + problem.message_en
    assert "NUL" in problem.message and "NUL" in problem.message_en
