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
