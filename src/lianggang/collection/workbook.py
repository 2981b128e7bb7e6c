"""Excel templates of submissions, and reading them (and tidy CSVs) back as values to import.

A template has one sheet per org unit: hidden columns A–B hold the element and breakdown
codes, C–G what the officer reads (element, breakdown, unit, the two previous years), H the
value to enter and I a comment. A very hidden ``meta`` sheet names the data set, the year and,
per sheet, the org unit and a signature (HMAC with the secret key) of the codes, so that a
changed code or a template of another data set or year is refused.

The sheet of a submission that is no longer editable (approved, submitted) is written read-only,
with a note saying so: uploaded unchanged it is skipped, changed it is refused (see
:func:`~lianggang.collection.imports.import_plan`). A sheet removed from the workbook is reported
in ``ReadResult.missing``, not imported — never a reason to delete what is stored.

A template saved again as a legacy ``.xls`` (WPS, old Excel) is read too: its sheets, the ``meta``
sheet (hidden or not) and the signatures are cell values, which an .xls keeps; formulas come as
their saved results. A workbook locked with a password is refused with a message that says so.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from lianggang.cells import (
    NotAWorkbook,
    NotText,
    UnsafeUpload,
    check_xlsx,
    csv_delimiter,
    decode_text,
    is_ole2,
    merged_ranges,
    read_xls,
    restore,
    workbook_bytes,
)

from .errors import MESSAGES, ErrorCode
from .models import RoundState, Submission
from .selectors import submission_grid
from .services import EDITABLE

TEMPLATE_VERSION = "lianggang-template-1"
META = "meta"
FIRST_ROW = 4
VALUE_COL, COMMENT_COL = 8, 9
MAX_BYTES_DEFAULT = 10 * 1024 * 1024
CSV_COLUMNS = ("data_element", "orgunit", "year", "disaggregation", "value")


@dataclass(frozen=True)
class Problem:
    """Where and what: sheet (or file), row, column, message — all for the user."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    code: str = ""  # ErrorCode: stable, for the API and the tests

    @classmethod
    def of(
        cls,
        error: ErrorCode,
        /,
        *,
        sheet: str = "",
        row: int | None = None,
        column: str = "",
        **params: Any,
    ) -> Problem:
        """The problem ``code`` with its message from the one catalogue (``errors.MESSAGES``)."""
        message = MESSAGES[error]
        return cls(str(message % params) if params else str(message), sheet, row, column, error)

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(_("sheet “%(sheet)s”") % {"sheet": self.sheet})
        if self.row is not None:
            where.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("column %(column)s") % {"column": self.column})
        return ("，".join(where) + "：" if where else "") + self.message


# What a person types to clear a stored value. A blank cell never clears one: it is left out.
CLEAR_MARKERS = frozenset({"删除", "delete", "清除"})


def is_clear_marker(value: Any) -> bool:
    return isinstance(value, str) and value.strip().casefold() in CLEAR_MARKERS


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class RawValue:
    """A value read from a file, before it is checked against the database.

    ``clear``: the file asks explicitly to clear the stored value (a "删除" marker, DHIS2's
    ``deleted``, an import with the DELETE strategy, the API's explicit null). A blank value
    without it changes nothing.
    """

    orgunit: str
    element: str
    disaggregation: str
    year: int
    value: Any
    comment: str
    sheet: str
    row: int
    column: str
    clear: bool = False


@dataclass
class ReadResult:
    values: list[RawValue] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    data_set: str = ""
    year: int | None = None
    # Sheets named in the template but no longer in the workbook: (sheet title, org unit code).
    missing: list[tuple[str, str]] = field(default_factory=list)


def _signature(data_set: str, year: int, orgunit: str, codes: Iterable[str]) -> str:
    message = f"{TEMPLATE_VERSION}|{data_set}|{year}|{orgunit}|" + ";".join(codes)
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:32]


def lock_reason(sub: Submission) -> str:
    """Why a submission takes no values: its state, or else its round's."""
    if sub.state not in EDITABLE:
        return str(sub.get_state_display())
    return str(sub.round.get_state_display())


def template_workbook(submissions: list[Submission]) -> bytes:
    """One workbook for submissions of one data set and year (one sheet per org unit)."""
    first = submissions[0]
    data_set, year = first.data_set, first.round.year
    wb = Workbook()
    meta = wb.active
    assert meta is not None
    meta.title = META
    meta.append(["template", TEMPLATE_VERSION])
    meta.append(["data_set", data_set.code])
    meta.append(["year", year])
    meta.sheet_state = "veryHidden"
    input_fill = PatternFill("solid", fgColor="FFF7D6")
    locked_fill = PatternFill("solid", fgColor="EEEEEE")
    for sub in submissions:
        assert sub.data_set_id == data_set.pk
        assert sub.round.year == year
        ws = wb.create_sheet(sub.orgunit.name[:31])
        ws["C1"] = f"{data_set.name} · {sub.orgunit.name} · {year}"
        ws["C1"].font = Font(bold=True, size=13)
        # The same rule as the import's: only a draft or returned submission of an open round.
        editable = sub.state in EDITABLE and sub.round.state == RoundState.OPEN
        if editable:
            ws["C2"] = _(
                "Enter values in column H. A blank cell leaves the stored value as it is; type "
                "删除 to clear one. Do not change columns A–B or merge cells."
            )
        else:
            ws["C2"] = _(
                "%(state)s: for viewing only. This sheet is skipped on upload; a changed value "
                "is refused."
            ) % {"state": lock_reason(sub)}
            ws["C2"].font = Font(bold=True, color="9C0006")
        ws.append([])
        ws.cell(3, 1, "element")
        ws.cell(3, 2, "disaggregation")
        headers = [
            _("Data element"),
            _("Breakdown"),
            _("Unit"),
            str(year - 2),
            str(year - 1),
            str(year),
            _("Comment"),
        ]
        for i, h in enumerate(headers, start=3):
            ws.cell(3, i, h).font = Font(bold=True)
        codes = []
        for r, row in enumerate(submission_grid(sub), start=FIRST_ROW):
            code = f"{row.element.code}:{row.disaggregation}"
            codes.append(code)
            ws.cell(r, 1, row.element.code)
            ws.cell(r, 2, row.disaggregation)
            ws.cell(r, 3, row.element.name)
            ws.cell(r, 4, row.label)
            ws.cell(r, 5, row.element.unit)
            ws.cell(r, 6, row.previous[0])
            ws.cell(r, 7, row.previous[1])
            value = ws.cell(r, VALUE_COL, row.value)
            comment = ws.cell(r, COMMENT_COL, row.comment or None)
            for cell in (value, comment):
                if editable:
                    cell.protection = Protection(locked=False)
                    cell.fill = input_fill
                else:
                    cell.fill = locked_fill
        ws.column_dimensions["A"].hidden = True
        ws.column_dimensions["B"].hidden = True
        ws.column_dimensions["C"].width = 36
        ws.column_dimensions["I"].width = 30
        ws.freeze_panes = "H4"
        ws.protection.sheet = True  # no password: a guard against slips, not a lock
        meta.append(
            [
                "sheet",
                ws.title,
                sub.orgunit.code,
                _signature(data_set.code, year, sub.orgunit.code, codes),
            ]
        )
    return workbook_bytes(wb)


def read_workbook(
    content: bytes, *, max_bytes: int | None = None, name: str = "", missing_ok: bool = False
) -> ReadResult:
    """Read a filled-in template (.xlsx or .xls); every problem is collected with its sheet,
    row and column. ``name``, the file's, goes into the messages about the whole file.

    A sheet removed from the workbook is listed in ``missing``; it is a problem too unless
    ``missing_ok`` (the import, which says in its preview what it leaves out)."""
    result = ReadResult()
    limit = max_bytes or int(getattr(settings, "LIANGGANG_UPLOAD_MAX_BYTES", MAX_BYTES_DEFAULT))
    if len(content) > limit:
        result.problems.append(too_big(len(content), limit))
        return result
    xls = is_ole2(content)  # a legacy .xls, or a workbook with a password
    if not xls and not zipfile.is_zipfile(io.BytesIO(content)):
        result.problems.append(Problem.of(ErrorCode.NOT_A_WORKBOOK))
        return result
    try:
        check_xlsx(content, name)
    except UnsafeUpload as exc:
        result.problems.append(Problem.of(ErrorCode.UNREADABLE_FILE, message=str(exc)))
        return result
    formulas_wb: Any
    try:
        if xls:
            formulas_wb = read_xls(content, name)  # values only: formulas as their results
        else:
            # Read-only (streaming) mode, and the cached results of formulas read only when a
            # formula is found: several times faster on large workbooks.
            formulas_wb = load_workbook(io.BytesIO(content), data_only=False, read_only=True)
    except UnsafeUpload as exc:
        result.problems.append(Problem.of(ErrorCode.UNREADABLE_FILE, message=str(exc)))
        return result
    except (NotAWorkbook, InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        result.problems.append(Problem.of(ErrorCode.NOT_A_WORKBOOK))
        return result
    if META not in formulas_wb.sheetnames:
        result.problems.append(Problem.of(ErrorCode.NOT_A_TEMPLATE))
        return result
    meta_rows = list(formulas_wb[META].iter_rows(values_only=True))
    info = {r[0]: r[1] for r in meta_rows if r and r[0] in ("template", "data_set", "year")}
    if info.get("template") != TEMPLATE_VERSION:
        result.problems.append(Problem.of(ErrorCode.NOT_A_TEMPLATE))
        return result
    result.data_set = str(info.get("data_set", ""))
    try:
        result.year = int(info.get("year"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        result.problems.append(Problem.of(ErrorCode.NOT_A_TEMPLATE))
        return result
    sheets = [r for r in meta_rows if r and r[0] == "sheet"]
    with_formulas: dict[str, list[int]] = {}
    merged = merged_ranges(content, name)
    for _tag, title, orgunit, signature, *_rest in sheets:
        if title not in formulas_wb.sheetnames:
            result.missing.append((str(title), str(orgunit)))
            if not missing_ok:
                result.problems.append(Problem.of(ErrorCode.SHEET_MISSING, sheet=str(title)))
            continue
        _read_sheet(formulas_wb[title], str(orgunit), str(signature), result, with_formulas)
        _refuse_merged(str(title), merged.get(str(title), []), result)
    known = {str(r[1]) for r in sheets} | {META}
    for title in formulas_wb.sheetnames:
        if title not in known and _holds_values(formulas_wb[title]):
            result.problems.append(Problem.of(ErrorCode.UNKNOWN_SHEET, sheet=title))
    if with_formulas and not xls:  # an .xls holds no formula text: "=…" there is typed text
        _resolve_formulas(content, with_formulas, result)
    return result


def _resolve_formulas(content: bytes, rows: dict[str, list[int]], result: ReadResult) -> None:
    """Replace formulas by their saved results; a formula without one is a problem."""
    values_wb = load_workbook(io.BytesIO(content), data_only=True, read_only=True)
    cached: dict[tuple[str, int], Any] = {}
    for title, numbers in rows.items():
        wanted = set(numbers)
        for r, row in enumerate(
            values_wb[title].iter_rows(
                min_row=FIRST_ROW, min_col=VALUE_COL, max_col=VALUE_COL, values_only=True
            ),
            start=FIRST_ROW,
        ):
            if r in wanted:
                cached[title, r] = row[0] if row else None
    kept = []
    for v in result.values:
        if isinstance(v.value, str) and v.value.startswith("=") and (v.sheet, v.row) in cached:
            value = cached[v.sheet, v.row]
            if value is None:
                result.problems.append(
                    Problem.of(
                        ErrorCode.FORMULA_WITHOUT_RESULT,
                        sheet=v.sheet,
                        row=v.row,
                        column=v.column,
                        formula=v.value,
                    )
                )
                continue
            v = RawValue(
                v.orgunit,
                v.element,
                v.disaggregation,
                v.year,
                value,
                v.comment,
                v.sheet,
                v.row,
                v.column,
                is_clear_marker(value),
            )
        kept.append(v)
    result.values = kept


def _read_sheet(
    ws: Any, orgunit: str, signature: str, result: ReadResult, with_formulas: dict[str, list[int]]
) -> None:
    codes = []
    rows = []
    for r, cells in enumerate(
        ws.iter_rows(min_row=FIRST_ROW, max_col=COMMENT_COL, values_only=True), start=FIRST_ROW
    ):
        values = tuple(cells) + (None,) * (COMMENT_COL - len(cells))
        element, disagg = values[0], values[1]
        if element is None and disagg is None:
            continue
        codes.append(f"{element}:{disagg}")
        rows.append((r, str(element), str(disagg), values[VALUE_COL - 1], values[COMMENT_COL - 1]))
    assert result.year is not None
    if not hmac.compare_digest(_signature(result.data_set, result.year, orgunit, codes), signature):
        result.problems.append(Problem.of(ErrorCode.CODES_CHANGED, sheet=ws.title, column="A–B"))
        return
    letter = get_column_letter(VALUE_COL)
    for r, element, disagg, value, comment in rows:
        if isinstance(value, str) and value.startswith("="):
            with_formulas.setdefault(ws.title, []).append(r)
        result.values.append(
            RawValue(
                orgunit,
                element,
                disagg,
                result.year,
                value,
                "" if comment is None else str(comment).strip(),
                ws.title,
                r,
                letter,
                is_clear_marker(value),
            )
        )


def _refuse_merged(title: str, ranges: list[tuple[int, int, int, int]], result: ReadResult) -> None:
    """Merged cells over the value or comment columns: a merge keeps only its first cell's
    value, so the others would silently read as blank. Refused, naming the range."""
    for min_row, min_col, max_row, max_col in ranges:
        if max_row < FIRST_ROW or max_col < VALUE_COL or min_col > COMMENT_COL:
            continue
        span = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
        result.problems.append(
            Problem.of(
                ErrorCode.MERGED_CELLS,
                sheet=title,
                row=max(min_row, FIRST_ROW),
                column=get_column_letter(max(min_col, VALUE_COL)),
                range=span,
            )
        )


def _holds_values(ws: Any) -> bool:
    """Whether a sheet holds any non-blank cell (a blank extra sheet is harmless)."""
    return any(not is_blank(v) for row in ws.iter_rows(values_only=True) for v in row)


def too_big(size: int, limit: int) -> Problem:
    return Problem.of(
        ErrorCode.FILE_TOO_BIG, size=f"{size / 1048576:.1f}", limit=f"{limit / 1048576:.0f}"
    )


def read_csv(content: bytes, *, name: str = "") -> ReadResult:
    """Read a CSV in the columns of `lianggang export values`: UTF-8, UTF-16 or GB18030 text
    (see :func:`~lianggang.cells.decode_text`), comma- or tab-separated."""
    result = ReadResult()
    try:
        text = decode_text(content, name)
    except NotText as exc:
        result.problems.append(Problem.of(ErrorCode.UNREADABLE_FILE, message=str(exc)))
        return result
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text))
    header = [h.strip() for h in next(rows, [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        result.problems.append(
            Problem.of(ErrorCode.HEADER_INCOMPLETE, row=1, columns=", ".join(missing))
        )
        return result
    for rownum, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        if any(c in CSV_COLUMNS for c in header[len(cells) :]):
            # A short row: its last columns (the value among them) were left out. Read as
            # blank they would be silently ignored; refused, so that nothing is lost unseen.
            result.problems.append(
                Problem.of(ErrorCode.SHORT_ROW, row=rownum, found=len(cells), expected=len(header))
            )
            continue
        if any(c.strip() for c in cells[len(header) :]):
            # Cells beyond the header: "1,234" unquoted split in two would read as 1.
            result.problems.append(
                Problem.of(ErrorCode.LONG_ROW, row=rownum, found=len(cells), expected=len(header))
            )
            continue
        row = dict(zip(header, cells, strict=False))
        try:
            year = int((row["year"] or "").strip())
        except ValueError:
            result.problems.append(
                Problem.of(ErrorCode.NOT_A_YEAR, row=rownum, column="year", text=row["year"])
            )
            continue
        result.values.append(
            RawValue(
                (row["orgunit"] or "").strip(),
                (row["data_element"] or "").strip(),
                (row["disaggregation"] or "total").strip() or "total",
                year,
                row["value"],
                restore((row.get("comment") or "").strip()),
                "",
                rownum,
                "value",
                is_clear_marker(row["value"]),
            )
        )
    return result
