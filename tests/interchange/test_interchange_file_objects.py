"""Record files passed as binary file objects (an upload) read exactly like files on disk."""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

import openpyxl
import pytest
from tests.interchange.test_interchange_readers import (
    CHINESE_HEADER,
    DATA_LINE,
    REQUIRED,
    ROW_VALUES,
)

from techmarket.domain.problems import FileProblem
from techmarket.interchange.readers import open_records

CSV_TEXT = f"{CHINESE_HEADER}\r\n{DATA_LINE}\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_an_uploaded_csv_in_utf8_bom_or_gb18030_reads_like_the_file(encoding: str) -> None:
    upload = io.BytesIO(CSV_TEXT.encode(encoding))
    source = open_records(upload, name="合同.csv")
    assert (source.format, source.name, source.path) == ("csv", "合同.csv", None)
    assert list(source) == [(1, ROW_VALUES)]
    assert list(source) == [(1, ROW_VALUES)], "a second pass reads the file again from its start"


def test_a_file_object_is_read_from_its_start_and_left_open() -> None:
    upload = io.BytesIO(CSV_TEXT.encode("gb18030"))
    upload.seek(7)
    rows = list(open_records(upload, "csv"))
    assert rows == [(1, ROW_VALUES)]
    assert not upload.closed


def test_a_bad_line_in_an_uploaded_csv_is_named_with_its_reason_as_the_code() -> None:
    data = f"{CHINESE_HEADER}\n{DATA_LINE}\n".encode() + (DATA_LINE + "\n").encode("gbk")
    with pytest.raises(FileProblem) as caught:
        list(open_records(io.BytesIO(data), name="mixed.csv"))
    assert (caught.value.code, caught.value.details["reason"]) == ("encoding", "encoding")
    assert caught.value.details["line"] == 3


def test_uploaded_json_lines_read_like_the_file() -> None:
    line = json.dumps(ROW_VALUES, ensure_ascii=False)
    upload = io.BytesIO(f"{line}\n\n{line}\n".encode())
    source = open_records(upload, name="records.jsonl")
    assert source.format == "jsonl"
    assert list(source) == [(1, ROW_VALUES), (3, ROW_VALUES)]


def test_an_uploaded_workbook_reads_like_the_file() -> None:
    wb = openpyxl.Workbook()
    wb.active.append([f.label_zh for f in REQUIRED])
    wb.active.append([ROW_VALUES[f.key] for f in REQUIRED])
    upload = io.BytesIO()
    wb.save(upload)
    source = open_records(upload, "xlsx")
    assert source.format == "xlsx"
    assert list(source) == [(1, ROW_VALUES)]
    assert list(source) == [(1, ROW_VALUES)]


def test_a_corrupt_uploaded_workbook_is_a_bad_xlsx() -> None:
    with pytest.raises(FileProblem) as caught:
        open_records(io.BytesIO(b"PK\x03\x04 not really a zip"), name="broken.xlsx")
    assert caught.value.code == "bad_xlsx" and "broken.xlsx" in caught.value.message


def test_a_file_object_without_a_name_or_format_is_refused_as_unknown_format() -> None:
    with pytest.raises(FileProblem) as caught:
        open_records(io.BytesIO(CSV_TEXT.encode()))
    assert caught.value.code == "unknown_format"
    assert "--" not in caught.value.message_en


def test_a_text_mode_file_object_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="binary"):
        open_records(io.StringIO(CSV_TEXT), "csv")


def test_a_spooled_upload_read_in_forked_processes_at_once_gives_each_every_row(
    tmp_path: Path,
) -> None:
    """A file with a descriptor is read at each reader's own offset: the importer's forked
    workers share the descriptor, and with it one offset that seek-then-read would race on."""
    count = 20_000
    lines = [DATA_LINE.replace(ROW_VALUES["name"], f"合同{i}") for i in range(count)]
    with tempfile.TemporaryFile(dir=tmp_path) as spooled:
        spooled.write(("\n".join([CHINESE_HEADER, *lines]) + "\n").encode("gb18030"))
        source = open_records(spooled, "csv")
        first, second = iter(source), iter(source)
        assert [next(first)[1]["name"] for _ in range(3)] == ["合同0", "合同1", "合同2"]
        assert next(second)[1]["name"] == "合同0"
        children = []
        for _ in range(3):
            pid = os.fork()
            if pid == 0:  # each child reads the whole file while the others do
                names = [values["name"] for _, values in source]
                os._exit(0 if names == [f"合同{i}" for i in range(count)] else 1)
            children.append(pid)
        assert [values["name"] for _, values in source] == [f"合同{i}" for i in range(count)]
        codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
        assert codes == [0, 0, 0]


def test_a_missing_path_keeps_its_not_found_code(tmp_path: Path) -> None:
    with pytest.raises(FileProblem) as caught:
        open_records(tmp_path / "nope.csv")
    assert (caught.value.code, caught.value.details["reason"]) == ("not_found", "not_found")
