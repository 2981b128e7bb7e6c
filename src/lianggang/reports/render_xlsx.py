"""The report's statistical tables as an Excel workbook, one sheet each."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from lianggang.cells import workbook_bytes

from .document import Document, display_width

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


def _number_format(text: str) -> str:
    """The format that shows a number as the report writes it: "0.60" keeps its two decimals."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    return "0." + "0" * decimals if decimals else "0"


def render_xlsx(doc: Document) -> bytes:
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    taken: set[str] = set()
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="EEF2F6")
    right = Alignment(horizontal="right")
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
        ws.row_dimensions[header_row].height = 60
        for row in table.rows:
            ws.append([_value(t, n) for t, n in zip(row, table.numeric, strict=True)])
            for cell, text, numeric in zip(ws[ws.max_row], row, table.numeric, strict=True):
                if isinstance(cell.value, float):
                    cell.number_format = _number_format(text)
                if numeric:  # figures line up on the right, "5.3*" too
                    cell.alignment = right
        for note in table.notes:
            ws.append([note])
        ws.freeze_panes = ws.cell(header_row + 1, 1)
        for i, numeric in enumerate(table.numeric):
            longest = max((display_width(r[i]) for r in table.rows), default=4)
            limit = 14 if numeric else 40
            letter = ws.cell(header_row, i + 1).column_letter
            ws.column_dimensions[letter].width = min(max(12 if numeric else 8, longest + 2), limit)
    if not wb.sheetnames:
        wb.create_sheet(_("Tables"))
    wb.properties.title = doc.title
    wb.properties.creator = "Lianggang"
    return workbook_bytes(wb)
