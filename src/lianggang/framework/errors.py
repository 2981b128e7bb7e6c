"""Typed errors of the framework's loader, with stable codes and translatable messages."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from lianggang.errors import CodedError


class FrameworkErrorCode(StrEnum):
    UNKNOWN_ELEMENT = "unknown_element"
    UNKNOWN_DEPARTMENT = "unknown_department"
    UNKNOWN_INDICATOR = "unknown_indicator"
    INVALID_FILE = "invalid_file"
    INVALID_ENTRY = "invalid_entry"
    DUPLICATE_CODE = "duplicate_code"


# Every message names the file and, but for a file that cannot be read, the entry in it
# (``areas[2].targets[0].indicators[1] (code w21-mmr)``; see docs/framework-files.md).
MESSAGES = {
    FrameworkErrorCode.UNKNOWN_ELEMENT: _(
        '%(file)s: %(entry)s: "%(key)s" names data element %(element)s, which is not defined '
        "in elements.yaml."
    ),
    FrameworkErrorCode.UNKNOWN_DEPARTMENT: _(
        "%(file)s: %(entry)s: department %(department)s is not loaded "
        "(run `lianggang orgunits load` first)."
    ),
    FrameworkErrorCode.UNKNOWN_INDICATOR: _(
        "%(file)s: %(entry)s: indicator %(indicator)s is not defined in any outline file."
    ),
    FrameworkErrorCode.INVALID_FILE: _("%(file)s: %(problem)s"),
    FrameworkErrorCode.INVALID_ENTRY: _("%(file)s: %(entry)s: %(problem)s"),
    FrameworkErrorCode.DUPLICATE_CODE: _(
        "%(file)s: %(entry)s: %(key)s %(value)s is already used at %(other)s."
    ),
}


class FrameworkError(CodedError):
    """A shipped or supplied framework file cannot be loaded."""

    messages = MESSAGES
    code: FrameworkErrorCode
