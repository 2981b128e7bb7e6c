"""What Lianggang writes into spreadsheets and reads back from uploads, made safe.

Exports: a cell of text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be read by Excel or WPS as a formula (CSV injection, OWASP). In CSV such text gets
a leading apostrophe, which spreadsheets take as "text follows" and Lianggang's own readers take
away again; numbers, negative ones included, are left as they are. In Excel files the cell is
stored as text, so nothing shows but the text itself.

Uploads: an .xlsx is a zip; a small one can expand to gigabytes (a zip bomb), and a sheet can
claim millions of rows. Both are refused before the workbook is opened. A workbook with a password
is an OLE2 container holding an ``EncryptedPackage``: refused with a message that says so. A legacy
``.xls`` (BIFF, also an OLE2 container) is read with python-calamine into :class:`ValuesBook`,
which answers the few questions the readers ask of an openpyxl workbook.

Text uploads (CSV) are decoded by :func:`decode_text`: UTF-8 with or without a BOM, UTF-16 with
a BOM (Excel's "Unicode text") and GB18030 (which contains GBK and GB2312, what WPS and a Chinese
Excel write by default).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import python_calamine
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils.cell import range_boundaries

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_EXPANSION = 100  # an honest workbook expands 5–20 times
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_SHEET_ROWS = 200_000
MAX_SHEET_COLUMNS = 200
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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


class NotText(ValueError):
    """An upload that is not text in any encoding read; the message names the file and place."""


class NotAWorkbook(ValueError):
    """Bytes that no workbook reader could open."""


_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(content: bytes, name: str = "") -> str:
    """The text of an uploaded text file, whichever encoding an office program saved it in.

    A byte order mark decides (UTF-8 or UTF-16); without one, UTF-8 is tried first, strictly,
    then GB18030 (a superset of GBK and GB2312). A file that is neither raises :class:`NotText`
    naming the file and the line and byte of the first byte that cannot be read.

    >>> decode_text("妇女".encode("gb18030")), decode_text("\ufeff儿童".encode("utf-16-le"))
    ('妇女', '儿童')
    """
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            body = content[len(bom) :]
            try:
                return body.decode(encoding)
            except UnicodeDecodeError as exc:
                raise _not_text(name, body, encoding, exc, len(bom)) from None
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as as_utf8:
        try:
            return content.decode("gb18030")
        except UnicodeDecodeError as as_gb:
            # The reading that got further is the likelier intent: a GBK file with one broken
            # byte is pointed at that byte, not at its first Chinese character.
            encoding, furthest = max(
                (("utf-8", as_utf8), ("gb18030", as_gb)), key=lambda pair: pair[1].start
            )
            raise _not_text(name, content, encoding, furthest, 0) from None


def _not_text(
    name: str, body: bytes, encoding: str, exc: UnicodeDecodeError, skipped: int
) -> NotText:
    line = body[: exc.start].decode(encoding, "replace").count("\n") + 1
    place = {"name": name, "line": line, "offset": skipped + exc.start + 1}
    if name:
        return NotText(
            _(
                "The file “%(name)s” cannot be read as text (UTF-8, GB18030 or UTF-16): line "
                "%(line)d (byte %(offset)d of the file) is not a character. Save it as “CSV "
                "UTF-8” and upload it again."
            )
            % place
        )
    return NotText(
        _(
            "The file cannot be read as text (UTF-8, GB18030 or UTF-16): line %(line)d (byte "
            "%(offset)d of the file) is not a character. Save it as “CSV UTF-8” and upload it "
            "again."
        )
        % place
    )


def csv_delimiter(text: str) -> str:
    """A tab when the first line has tabs and no comma (Excel's "Unicode text"), else a comma."""
    first = text.split("\n", 1)[0]
    return "\t" if "\t" in first and "," not in first else ","


def is_ole2(content: bytes) -> bool:
    """An OLE2 compound file: a legacy .xls, or a workbook encrypted with a password."""
    return content.startswith(OLE2_SIGNATURE)


def ole_stream_names(content: bytes) -> list[str]:
    """The names in an OLE2 compound file's directory ([] when it cannot be walked).

    Only the header's own list of FAT sectors is read (109 of them: files up to ~7 MB with
    512-byte sectors), which is where the directory of any upload this size is found.
    """
    if not is_ole2(content) or len(content) < 512:
        return []
    size = 1 << int.from_bytes(content[30:32], "little")
    if size not in (512, 4096):
        return []

    def sector(n: int) -> bytes:
        return content[512 + n * size : 512 + (n + 1) * size]

    fat: list[int] = []
    for i in range(109):
        n = int.from_bytes(content[76 + 4 * i : 80 + 4 * i], "little")
        if n >= 0xFFFFFFFA:
            break
        raw = sector(n)
        fat.extend(int.from_bytes(raw[j : j + 4], "little") for j in range(0, len(raw), 4))
    names = []
    seen: set[int] = set()
    n = int.from_bytes(content[48:52], "little")
    while n < 0xFFFFFFFA and n not in seen and len(seen) < 10_000:
        seen.add(n)
        raw = sector(n)
        for at in range(0, len(raw) - 127, 128):
            length = int.from_bytes(raw[at + 64 : at + 66], "little")
            if raw[at + 66] != 0 and 2 <= length <= 64:
                names.append(raw[at : at + length - 2].decode("utf-16-le", "replace"))
        n = fat[n] if n < len(fat) else 0xFFFFFFFE
    return names


def is_encrypted_workbook(content: bytes) -> bool:
    """A workbook saved with a password to open (Excel, WPS and LibreOffice all do it so)."""
    names = set(ole_stream_names(content))
    return {"EncryptionInfo", "EncryptedPackage"} <= names


def _password_protected(name: str) -> UnsafeUpload:
    if name:
        return UnsafeUpload(
            _(
                "This workbook (%(name)s) is password-protected: remove the password in Excel "
                "and upload it again."
            )
            % {"name": name}
        )
    return UnsafeUpload(
        _("This workbook is password-protected: remove the password in Excel and upload it again.")
    )


class ValuesSheet:
    """A sheet's cell values, asked as an openpyxl worksheet is (``iter_rows``, ``title``)."""

    def __init__(self, title: str, rows: list[tuple[Any, ...]]) -> None:
        self.title = title
        self._rows = rows

    @property
    def max_row(self) -> int:
        return len(self._rows)

    def iter_rows(
        self,
        min_row: int = 1,
        max_row: int | None = None,
        min_col: int = 1,
        max_col: int | None = None,
        values_only: bool = True,
    ) -> Iterator[tuple[Any, ...]]:
        assert values_only, "a .xls is read as values only"
        for row in self._rows[min_row - 1 : max_row]:
            yield row[min_col - 1 : max_col]


class ValuesBook:
    """A workbook's sheets by name, asked as an openpyxl workbook is (values only)."""

    def __init__(self, sheets: list[ValuesSheet]) -> None:
        self.worksheets = sheets
        self.sheetnames = [s.title for s in sheets]

    def __getitem__(self, title: str) -> ValuesSheet:
        return self.worksheets[self.sheetnames.index(title)]

    def close(self) -> None:
        pass


def _as_openpyxl(value: Any) -> Any:
    """A value as openpyxl gives it from an .xlsx: None for an empty cell, 1480 not 1480.0."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_xls(content: bytes, name: str = "") -> ValuesBook:
    """A legacy Excel workbook (.xls, BIFF) as its cells' values, read with python-calamine.

    Raises :class:`UnsafeUpload` for a password-protected workbook or a sheet too large to read,
    :class:`NotAWorkbook` for anything else that cannot be opened. Formulas come as their saved
    results; styles, protection and hidden states are not read (the readers need none of them).
    """
    if is_encrypted_workbook(content):
        raise _password_protected(name)
    try:
        wb = python_calamine.CalamineWorkbook.from_object(io.BytesIO(content))
    except python_calamine.PasswordError:
        raise _password_protected(name) from None
    except (python_calamine.CalamineError, ValueError, TypeError, OSError) as exc:
        raise NotAWorkbook(str(exc)) from exc
    sheets = []
    try:
        for title in wb.sheet_names:
            sheet = wb.get_sheet_by_name(title)
            end = sheet.end or (-1, -1)
            if end[0] + 1 > MAX_SHEET_ROWS or end[1] + 1 > MAX_SHEET_COLUMNS:
                raise _too_large(title, end[0] + 1, end[1] + 1)
            rows = [
                tuple(_as_openpyxl(v) for v in row)
                for row in sheet.to_python(skip_empty_area=False)
            ]
            sheets.append(ValuesSheet(title, rows))
    except python_calamine.PasswordError:
        raise _password_protected(name) from None
    except (python_calamine.CalamineError, ValueError, TypeError, OSError) as exc:
        if isinstance(exc, UnsafeUpload):
            raise
        raise NotAWorkbook(str(exc)) from exc
    finally:
        wb.close()
    return ValuesBook(sheets)


@dataclass(frozen=True)
class SheetProblem:
    """Where and what, for the user: sheet, row, column, message (the ledger's and the user
    import's readers)."""

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = [_("sheet “%(sheet)s”") % {"sheet": self.sheet}] if self.sheet else []
        if self.row is not None:
            where.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("column “%(column)s”") % {"column": self.column})
        return ("，".join(where) + "：" if where else "") + self.message


def merged_ranges(content: bytes, name: str = "") -> dict[str, list[tuple[int, int, int, int]]]:
    """The merged cell ranges of each sheet of an .xlsx or .xls, 1-based and inclusive:
    (first row, first column, last row, last column). Read with python-calamine, which reports
    them for both formats (openpyxl's streaming reader does not). A workbook it cannot open has
    none here: the reader that opens it says why."""
    try:
        wb = python_calamine.CalamineWorkbook.from_object(io.BytesIO(content))
    except (python_calamine.CalamineError, python_calamine.PasswordError, ValueError, OSError):
        return {}
    found: dict[str, list[tuple[int, int, int, int]]] = {}
    try:
        for title in wb.sheet_names:
            ranges = wb.get_sheet_by_name(title).merged_cell_ranges or []
            found[title] = [(r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in ranges]
    except (python_calamine.CalamineError, python_calamine.PasswordError, ValueError, OSError):
        return found
    finally:
        wb.close()
    return found


def check_xlsx(content: bytes, name: str = "") -> None:
    """Refuse a workbook that expands too much or whose sheets claim too many cells, or that
    is locked with a password (``name``, the file's, goes into that message)."""
    if is_ole2(content):
        if is_encrypted_workbook(content):
            raise _password_protected(name)
        return  # a legacy .xls: read by read_xls, or refused by an .xlsx reader
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
        raise _too_large(name.rsplit("/", 1)[-1], max_row or 0, max_col or 0)


def _too_large(name: str, max_row: int, max_col: int) -> UnsafeUpload:
    return UnsafeUpload(
        _(
            "A sheet (%(name)s) claims %(rows)s rows and %(columns)s columns; at most "
            "%(max_rows)s rows and %(max_columns)s columns are read."
        )
        % {
            "name": name,
            "rows": max_row,
            "columns": max_col,
            "max_rows": MAX_SHEET_ROWS,
            "max_columns": MAX_SHEET_COLUMNS,
        }
    )
