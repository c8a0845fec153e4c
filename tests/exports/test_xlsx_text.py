"""A workbook holds whatever text a table brings: control characters and a sheet name's
forbidden characters came in through a query (an API fuzzing run found the 500)."""

from openpyxl import load_workbook

from techmarket.exports.model import Column, TableResult
from techmarket.exports.xlsx import write_report


def test_control_and_forbidden_characters_are_written_safely(tmp_path):
    table = TableResult(
        "t",
        "培育对象 2025:第[1]批/北区?\x16",
        "Candidates",
        "2025\x07",
        "440100",
        "培育库",
        [Column("name", "名称\x01", "Name", "text")],
        [{"name": "某\x0b公司"}, {"name": "=1+1"}],
        notes=["说明\x1f"],
    )
    path = tmp_path / "t.xlsx"
    write_report(path, [table])
    sheet = load_workbook(path).worksheets[0]
    assert sheet.title == "培育对象 2025：第［1］批／北区？"
    assert [c.value for c in sheet[2]] == ["名称"]
    assert [sheet.cell(row=r, column=1).value for r in (3, 4)] == ["某公司", "'=1+1"]
    assert "\x07" not in sheet["A1"].value
