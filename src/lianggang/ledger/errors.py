"""Typed errors of the ledger, with stable codes and translatable messages."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from lianggang.errors import CodedError


class ErrorCode(StrEnum):
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    OUT_OF_SCOPE = "out_of_scope"
    INVALID = "invalid"
    BAD_FILE = "bad_file"
    NOT_RECOMMENDED = "not_recommended"
    ALREADY_DECIDED = "already_decided"
    PURPOSE_REQUIRED = "purpose_required"
    CASE_CLOSED = "case_closed"
    REASON_REQUIRED = "reason_required"


MESSAGES: dict[ErrorCode, Any] = {
    ErrorCode.FORBIDDEN: _("Your role does not allow this."),
    ErrorCode.NOT_FOUND: _("Not found."),
    ErrorCode.OUT_OF_SCOPE: _("%(orgunit)s is outside your scope."),
    ErrorCode.INVALID: _("%(problems)s"),
    ErrorCode.BAD_FILE: _("The file cannot be read as an Excel workbook: %(problem)s"),
    ErrorCode.NOT_RECOMMENDED: _(
        "%(family)s can be put to the %(level)s level only after being selected at the %(below)s "
        "level."
    ),
    ErrorCode.ALREADY_DECIDED: _("This candidacy was already decided (%(decision)s)."),
    ErrorCode.PURPOSE_REQUIRED: _("State why you open this personal data."),
    ErrorCode.CASE_CLOSED: _("The case is closed."),
    ErrorCode.REASON_REQUIRED: _(
        "You are not assigned to this record: state, in at least %(n)d characters, why you must "
        "read it. The reading is shown to its supervisor."
    ),
}


class LedgerError(CodedError):
    messages = MESSAGES
    code: ErrorCode


class Forbidden(LedgerError):
    def __init__(self) -> None:
        super().__init__(ErrorCode.FORBIDDEN)


class NotFound(LedgerError):
    """Also what a record outside the user's reach looks like: "not yours" is "not there"."""

    def __init__(self) -> None:
        super().__init__(ErrorCode.NOT_FOUND)
