"""What Lianggang writes into spreadsheets and reads back from uploads, made safe.

Exports: a cell of text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be read by Excel or WPS as a formula (CSV injection, OWASP). In CSV such text gets
a leading apostrophe, which spreadsheets take as "text follows" and Lianggang's own readers take
away again; numbers, negative ones included, are left as they are. In Excel files the cell is
stored as text, so nothing shows but the text itself.

Uploads: an .xlsx is a zip; a small one can expand to gigabytes (a zip bomb), and a sheet can
claim millions of rows. Both are refused before the workbook is opened.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils.cell import range_boundaries

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_EXPANSION = 100  # an honest workbook expands 5–20 times
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_SHEET_ROWS = 200_000
MAX_SHEET_COLUMNS = 200


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def inert(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula (numbers stay numbers)."""
    if isinstance(value, str) and value[:1] in TRIGGERS and not _is_number(value):
        return "'" + value
    return value


def restore(text: str) -> str:
    """The text a CSV cell held before :func:`inert` (for reading Lianggang's own files)."""
    if text[:1] == "'" and text[1:2] in TRIGGERS and not _is_number(text[1:]):
        return text[1:]
    return text


class InertWriter:
    """``csv.writer`` whose every cell goes through :func:`inert`."""

    def __init__(self, stream: Any, **kwargs: Any) -> None:  # anything with write(str)
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([inert(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook saved, with every formula-looking text stored as text.

    openpyxl writes any string starting with "=" as a formula; Lianggang's workbooks hold no
    formula of their own, so every such cell is text typed by someone.
    """
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


class UnsafeUpload(ValueError):
    """An upload refused before it is opened; the message says why."""


def check_xlsx(content: bytes) -> None:
    """Refuse a workbook that expands too much or whose sheets claim too many cells."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            infos = zf.infolist()
            unpacked = sum(i.file_size for i in infos)
            if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_EXPANSION * max(len(content), 1):
                raise UnsafeUpload(
                    _(
                        "The workbook would unpack to %(size)s MB: more than an honest "
                        "workbook of this size; it is refused unopened."
                    )
                    % {"size": f"{unpacked / 1048576:.0f}"}
                )
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    with zf.open(info) as f:
                        head = f.read(4096).decode("utf-8", "replace")
                    _check_dimension(head, info.filename)
    except zipfile.BadZipFile:
        return  # not a zip at all: the reader says it is not a workbook


def _check_dimension(head: str, name: str) -> None:
    m = re.search(r'<(?:\w+:)?dimension ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"', head)
    if m is None:
        return
    try:
        _min_col, _min_row, max_col, max_row = range_boundaries(m.group(1))
    except ValueError:
        return
    if (max_row or 0) > MAX_SHEET_ROWS or (max_col or 0) > MAX_SHEET_COLUMNS:
        raise UnsafeUpload(
            _(
                "A sheet (%(name)s) claims %(rows)s rows and %(columns)s columns; at most "
                "%(max_rows)s rows and %(max_columns)s columns are read."
            )
            % {
                "name": name.rsplit("/", 1)[-1],
                "rows": max_row,
                "columns": max_col,
                "max_rows": MAX_SHEET_ROWS,
                "max_columns": MAX_SHEET_COLUMNS,
            }
        )
