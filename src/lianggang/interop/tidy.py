"""Lianggang's own tidy files (``export values``' columns) in CSV and Excel, and its template."""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING, Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from lianggang.cells import NotAWorkbook, UnsafeUpload, is_ole2, read_xls
from lianggang.collection.errors import ErrorCode
from lianggang.collection.workbook import (
    CSV_COLUMNS,
    META,
    RawValue,
    ReadResult,
    is_clear_marker,
    read_csv,
    read_workbook,
)

from .model import TOTAL, Conflict, Parsed

if TYPE_CHECKING:
    from .importing import ImportSettings


def from_read_result(read: ReadResult) -> Parsed:
    parsed = Parsed(values=list(read.values))
    for p in read.problems:
        parsed.conflicts.append(
            Conflict(
                p.message, property=p.column, row=p.row, file=p.sheet, code="E7600", reason=p.code
            )
        )
    return parsed


def read_tidy_csv(content: bytes, name: str = "") -> Parsed:
    return from_read_result(read_csv(content, name=name))


def read_xlsx(content: bytes, name: str = "") -> Parsed:
    """A filled-in template, or a tidy sheet as ``export values --format xlsx`` writes it; in
    an .xlsx or a legacy .xls."""
    wb: Any
    try:
        if is_ole2(content):
            wb = read_xls(content, name)
        else:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (
        UnsafeUpload,
        NotAWorkbook,
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        OSError,
    ):
        return from_read_result(read_workbook(content, name=name))  # its own clear message
    if META in wb.sheetnames:
        wb.close()
        return from_read_result(read_workbook(content, name=name))
    parsed = Parsed()
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [str(h or "").strip() for h in next(rows, ())]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        parsed.conflicts.append(
            Conflict.of(
                ErrorCode.HEADER_INCOMPLETE, row=1, file=ws.title, columns=", ".join(missing)
            )
        )
        wb.close()
        return parsed
    at = {c: header.index(c) for c in header if c}
    for line, cells in enumerate(rows, start=2):
        if not any(c not in (None, "") for c in cells):
            continue
        cell = dict(zip(header, cells, strict=False))
        try:
            year = int(str(cell.get("year") or "").strip())
        except ValueError:
            parsed.conflicts.append(
                Conflict.of(
                    ErrorCode.NOT_A_YEAR,
                    property="year",
                    row=line,
                    file=ws.title,
                    text=cell.get("year"),
                )
            )
            continue
        parsed.values.append(
            RawValue(
                str(cell.get("orgunit") or "").strip(),
                str(cell.get("data_element") or "").strip(),
                str(cell.get("disaggregation") or TOTAL).strip() or TOTAL,
                year,
                cell.get("value"),
                str(cell.get("comment") or "").strip() if "comment" in at else "",
                ws.title,
                line,
                "value",
                is_clear_marker(cell.get("value")),
            )
        )
    wb.close()
    return parsed


# The registry's readers (lianggang.interop.formats): (content, settings, name) -> Parsed.


def import_csv(content: bytes, settings: ImportSettings, name: str) -> Parsed:
    return read_tidy_csv(content, name)


def import_xlsx(content: bytes, settings: ImportSettings, name: str) -> Parsed:
    return read_xlsx(content, name)
