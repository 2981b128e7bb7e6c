from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class FrameworkErrorCode(StrEnum):
    UNKNOWN_ELEMENT = "unknown_element"
    UNKNOWN_DEPARTMENT = "unknown_department"
    UNKNOWN_INDICATOR = "unknown_indicator"
    INVALID_FILE = "invalid_file"


MESSAGES = {
    FrameworkErrorCode.UNKNOWN_ELEMENT: _(
        "%(file)s: indicator %(indicator)s uses data element %(element)s, which is not defined."
    ),
    FrameworkErrorCode.UNKNOWN_DEPARTMENT: _(
        "%(file)s: indicator %(indicator)s names department %(department)s, which is not loaded "
        "(run `lianggang orgunits load` first)."
    ),
    FrameworkErrorCode.UNKNOWN_INDICATOR: _(
        "%(file)s: an override names indicator %(indicator)s, which is not defined."
    ),
    FrameworkErrorCode.INVALID_FILE: _("%(file)s: %(problem)s"),
}


class FrameworkError(Exception):
    """A shipped or supplied framework file cannot be loaded."""

    def __init__(self, code: FrameworkErrorCode, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(MESSAGES[code] % params)
