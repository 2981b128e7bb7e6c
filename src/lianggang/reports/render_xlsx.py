"""The report's statistical tables as an Excel workbook, one sheet each."""

from __future__ import annotations

import io
import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from .document import Document

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub(" ", name).strip()[:31] or "sheet"
    candidate, n = base, 2
    while candidate in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


def _value(text: str, numeric: bool) -> str | float:
    """A figure as a number where it is one (unstable rates keep their * as text)."""
    if numeric and _NUMBER.match(text):
        return float(text)
    return text


def render_xlsx(doc: Document) -> bytes:
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    taken: set[str] = set()
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="EEF2F6")
    for table in doc.tables():
        ws = wb.create_sheet(_sheet_name(table.sheet, taken))
        ws.append([table.title])
        ws["A1"].font = Font(bold=True, size=12)
        if doc.demo_note:
            ws.append([doc.demo_note])
            ws.cell(ws.max_row, 1).font = Font(bold=True, color="B03A2E")
        ws.append(table.columns)
        header_row = ws.max_row
        for cell in ws[header_row]:
            cell.font, cell.fill = bold, header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            ws.append([_value(t, n) for t, n in zip(row, table.numeric, strict=True)])
        for note in table.notes:
            ws.append([note])
        ws.freeze_panes = ws.cell(header_row + 1, 1)
        for i, column in enumerate(table.columns, start=1):
            width = max(len(str(column)), *(len(r[i - 1]) for r in table.rows)) if table.rows else 8
            ws.column_dimensions[ws.cell(header_row, i).column_letter].width = min(
                max(8, width * 1.8), 60
            )
    if not wb.sheetnames:
        wb.create_sheet(_("Tables"))
    out = io.BytesIO()
    wb.properties.title = doc.title
    wb.properties.creator = "Lianggang"
    wb.save(out)
    return out.getvalue()
