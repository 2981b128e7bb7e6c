"""Typed errors of user administration, with stable codes and translatable messages."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from lianggang.errors import CodedError


class ErrorCode(StrEnum):
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    OUT_OF_SCOPE = "out_of_scope"
    SELF = "self"
    USERNAME_TAKEN = "username_taken"


MESSAGES: dict[ErrorCode, Any] = {
    ErrorCode.FORBIDDEN: _("Your role does not allow this."),
    ErrorCode.NOT_FOUND: _("Not found."),
    ErrorCode.OUT_OF_SCOPE: _("%(what)s is outside your scope."),
    ErrorCode.SELF: _("You cannot change your own account here: ask another administrator."),
    ErrorCode.USERNAME_TAKEN: _("The user name “%(username)s” is taken."),
}


class AccountsError(CodedError):
    messages = MESSAGES
    code: ErrorCode


class Forbidden(AccountsError):
    def __init__(self, **params: Any) -> None:
        super().__init__(ErrorCode.FORBIDDEN, **params)


class NotFound(AccountsError):
    def __init__(self, **params: Any) -> None:
        super().__init__(ErrorCode.NOT_FOUND, **params)
