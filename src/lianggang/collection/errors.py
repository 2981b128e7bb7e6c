"""Typed errors of the collection workflow, with stable codes and translatable messages."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from lianggang.errors import CodedError


class ErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    ROUND_EXISTS = "round_exists"
    ROUND_NOT_OPEN = "round_not_open"
    ROUND_NOT_CLOSED = "round_not_closed"
    BAD_TRANSITION = "bad_transition"
    LOCKED = "locked"
    REASON_REQUIRED = "reason_required"
    UNKNOWN_ELEMENT = "unknown_element"
    UNKNOWN_DISAGGREGATION = "unknown_disaggregation"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    NOT_WHOLE = "not_whole"
    CONFLICT = "conflict"
    VALIDATION_FAILED = "validation_failed"
    # Reading and planning an import: every way values come in (the grid, a template, a
    # department workbook, a tidy file, DHIS2, ADX, Open SDG, the API, a history load) answers
    # with these codes and messages.
    FILE_TOO_BIG = "file_too_big"
    UNREADABLE_FILE = "unreadable_file"
    NOT_A_WORKBOOK = "not_a_workbook"
    NOT_A_TEMPLATE = "not_a_template"
    WRONG_DATA_SET = "wrong_data_set"
    WRONG_YEAR = "wrong_year"
    SHEET_MISSING = "sheet_missing"
    UNKNOWN_SHEET = "unknown_sheet"
    CODES_CHANGED = "codes_changed"
    MERGED_CELLS = "merged_cells"
    FORMULA_WITHOUT_RESULT = "formula_without_result"
    HEADER_INCOMPLETE = "header_incomplete"
    SHORT_ROW = "short_row"
    LONG_ROW = "long_row"
    NOT_A_YEAR = "not_a_year"
    NO_VALUE = "no_value"
    NO_SUCH_ELEMENT = "no_such_element"
    DUPLICATE = "duplicate"
    OTHER_SUBMISSION = "other_submission"
    NO_OPEN_SUBMISSION = "no_open_submission"
    HISTORY_ROUND_OPEN = "history_round_open"
    HISTORY_DIFFERS = "history_differs"
    HISTORY_NO_DATA_SET = "history_no_data_set"
    HISTORY_SUBMISSION_PENDING = "history_submission_pending"
    NO_SUCH_ORGUNIT = "no_such_orgunit"
    NOT_ASKED = "not_asked"
    HISTORY_OUTSIDE_SCOPE = "history_outside_scope"
    HISTORY_NOTHING_TO_CLEAR = "history_nothing_to_clear"


MESSAGES: dict[ErrorCode, Any] = {
    ErrorCode.NOT_FOUND: _("Not found."),
    ErrorCode.FORBIDDEN: _("Your role does not allow this."),
    ErrorCode.ROUND_EXISTS: _("A round for %(year)s already exists."),
    ErrorCode.ROUND_NOT_OPEN: _("The %(year)s round is not open."),
    ErrorCode.ROUND_NOT_CLOSED: _("The %(year)s round is not closed."),
    ErrorCode.BAD_TRANSITION: _("You cannot %(action)s a submission that is %(state)s."),
    ErrorCode.LOCKED: _("This submission is %(state)s: its values are locked."),
    ErrorCode.REASON_REQUIRED: _("Give a reason."),
    ErrorCode.UNKNOWN_ELEMENT: _("Data element %(element)s is not part of data set %(data_set)s."),
    ErrorCode.UNKNOWN_DISAGGREGATION: _(
        "Data element %(element)s has no breakdown “%(disaggregation)s”."
    ),
    ErrorCode.NOT_A_NUMBER: _("%(element)s: expected a number, found “%(text)s”."),
    ErrorCode.NEGATIVE: _("%(element)s: a count cannot be negative (%(value)s)."),
    ErrorCode.NOT_WHOLE: _("%(element)s: expected a whole number, found %(value)s."),
    ErrorCode.CONFLICT: _(
        "%(element)s was changed by %(user)s meanwhile: it is now %(current)s, you entered "
        "%(yours)s. Nothing was overwritten; reload and decide."
    ),
    ErrorCode.VALIDATION_FAILED: _(
        "The submission has %(errors)d error(s) and %(warnings)d unexplained warning(s)."
    ),
    ErrorCode.FILE_TOO_BIG: _("The file is %(size)s MB; the limit is %(limit)s MB."),
    ErrorCode.UNREADABLE_FILE: "%(message)s",
    ErrorCode.NOT_A_WORKBOOK: _("This is not an Excel workbook (.xlsx)."),
    ErrorCode.NOT_A_TEMPLATE: _("This workbook is not a Lianggang template."),
    ErrorCode.WRONG_DATA_SET: _("This is a template of another data set (%(code)s)."),
    ErrorCode.WRONG_YEAR: _("This template is for %(year)s, not %(expected)s."),
    ErrorCode.SHEET_MISSING: _("The sheet is missing."),
    ErrorCode.UNKNOWN_SHEET: _(
        "This sheet is not one of the template's (a copied or added sheet?): its values would "
        "not be imported. Enter them in the org unit's own sheet, or delete this sheet."
    ),
    ErrorCode.CODES_CHANGED: _(
        "The hidden codes of this sheet were changed; download a new template."
    ),
    ErrorCode.MERGED_CELLS: _(
        "Cells %(range)s are merged over values to import: a merged cell keeps only its first "
        "value. Unmerge them and enter each value in its own cell."
    ),
    ErrorCode.FORMULA_WITHOUT_RESULT: _(
        "The formula %(formula)s has no saved result; open the file in Excel, save it, and "
        "upload it again."
    ),
    ErrorCode.HEADER_INCOMPLETE: _("The header lacks the column(s) %(columns)s."),
    ErrorCode.SHORT_ROW: _(
        "The row has %(found)d column(s); the header has %(expected)d. Was a value or a "
        "separator left out?"
    ),
    ErrorCode.LONG_ROW: _(
        "The row has %(found)d columns; the header has %(expected)d. A thousands separator "
        "in an unquoted number (1,234)? Leave the separator out or quote the number."
    ),
    ErrorCode.NOT_A_YEAR: _("Expected a year, found “%(text)s”."),
    ErrorCode.NO_VALUE: _(
        "The value has no “value”: to clear a stored value say so explicitly (“删除”, or "
        "deleted=true in DHIS2)."
    ),
    ErrorCode.NO_SUCH_ELEMENT: _("Unknown data element code “%(code)s”."),
    ErrorCode.DUPLICATE: _("%(element)s appears twice (also row %(other)d)."),
    ErrorCode.OTHER_SUBMISSION: _(
        "This value belongs to org unit %(orgunit)s, not to this submission."
    ),
    ErrorCode.NO_OPEN_SUBMISSION: _(
        "No open submission of yours takes %(element)s for org unit %(orgunit)s in %(year)s."
    ),
    ErrorCode.HISTORY_ROUND_OPEN: _(
        "The %(year)s round is open: enter its values through the round, not as history."
    ),
    ErrorCode.HISTORY_DIFFERS: _(
        "%(element)s of %(orgunit)s in %(year)s is stored as %(stored)s; the file says "
        "%(uploaded)s. A history load never overwrites a stored value: correct it through the "
        "round."
    ),
    ErrorCode.HISTORY_NO_DATA_SET: _("%(element)s is in no data set for %(orgunit)s."),
    ErrorCode.HISTORY_SUBMISSION_PENDING: _(
        "The %(year)s submission of %(orgunit)s (%(data_set)s) is %(state)s: approve it, or "
        "enter these values through it, rather than as history."
    ),
    ErrorCode.NO_SUCH_ORGUNIT: _("Unknown org unit code “%(code)s”."),
    ErrorCode.HISTORY_OUTSIDE_SCOPE: _(
        "%(data_set)s of %(orgunit)s is outside the org units and departments you administer."
    ),
    ErrorCode.HISTORY_NOTHING_TO_CLEAR: _(
        "A history load stores values and never clears one (nothing is stored here anyway)."
    ),
    ErrorCode.NOT_ASKED: _(
        "%(element)s is not asked for %(year)s: only outlines of other periods use it."
    ),
}


class CollectionError(CodedError):
    messages = MESSAGES
    code: ErrorCode


class NotFound(CollectionError):
    """Outside the user's scope, or absent: the two answer alike."""

    def __init__(self) -> None:
        super().__init__(ErrorCode.NOT_FOUND)


class Forbidden(CollectionError):
    def __init__(self) -> None:
        super().__init__(ErrorCode.FORBIDDEN)
