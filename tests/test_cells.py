"""Exports carry no spreadsheet formulas; uploads that would unpack to a flood are refused
unopened. (Issue 9: CSV injection, zip bombs, oversized sheets.)"""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from lianggang.analytics.exports import write_csv, write_xlsx
from lianggang.cells import MAX_SHEET_ROWS, UnsafeUpload, check_xlsx, inert, restore
from lianggang.collection.workbook import read_workbook
from lianggang.interop import dhis2
from lianggang.interop.dhis2 import ExportRow

FORMULAS = ["=1+1", "+SUM(A1:A9)", "-2+3", "@SUM(A1)", "\tcmd", '=HYPERLINK("http://x","y")']


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_text_is_made_inert_and_read_back(text: str) -> None:
    assert inert(text) == "'" + text
    assert restore(inert(text)) == text


@pytest.mark.parametrize("value", [-5, -2.5, "-5", "-1.5e3", "+7", "总计", "", None])
def test_numbers_and_plain_text_are_left_alone(value: object) -> None:
    assert inert(value) == value
    if isinstance(value, str):
        assert restore(value) == value


def test_text_already_quoted_is_written_as_it_is() -> None:
    # It does not start a formula; read back, its apostrophe goes like one we added would.
    assert inert("'=x") == "'=x"
    assert restore("'=x") == "=x"


def test_csv_and_excel_exports_hold_the_text_not_a_formula() -> None:
    rows = [["=1+1", -3, "ok"], ["@SUM(A1)", 2.5, "-x"]]
    buf = io.StringIO()
    write_csv(["a", "b", "c"], rows, buf)
    lines = buf.getvalue().splitlines()
    assert lines[1] == "'=1+1,-3,ok"
    assert lines[2] == "'@SUM(A1),2.5,'-x"
    ws = load_workbook(io.BytesIO(write_xlsx(["a", "b", "c"], rows))).active
    assert ws is not None
    assert (ws["A2"].value, ws["A2"].data_type) == ("=1+1", "s")
    assert ws["B2"].value == -3


def test_a_dhis2_csv_comment_survives_its_round_trip_inert() -> None:
    comment = '=HYPERLINK("http://x","y")'
    content = dhis2.write_csv([ExportRow("e", "513301", 2024, "total", -1.0, comment)])
    assert "'=HYPERLINK" in content.decode()
    [value] = dhis2.read_csv(content).values
    assert value.comment == comment


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_a_zip_bomb_is_refused_unopened() -> None:
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"0" * 60_000_000})
    assert len(bomb) < 200_000
    with pytest.raises(UnsafeUpload, match="MB"):
        check_xlsx(bomb)
    result = read_workbook(bomb)
    assert result.problems
    assert "MB" in str(result.problems[0])
    assert not result.values


def test_a_sheet_claiming_too_many_rows_is_refused() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.cell(MAX_SHEET_ROWS + 1, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(UnsafeUpload, match=str(MAX_SHEET_ROWS + 1)):
        check_xlsx(buf.getvalue())
    small = Workbook()
    out = io.BytesIO()
    small.save(out)
    check_xlsx(out.getvalue())  # an ordinary workbook passes
