"""The base of the apps' coded errors: a stable code, for the API, the logs and the tests, and a
translatable message filled from named parameters.

>>> from enum import StrEnum
>>> class Code(StrEnum):
...     LOCKED = "locked"
>>> class ExampleError(CodedError):
...     messages = {Code.LOCKED: "This submission is %(state)s: its values are locked."}
>>> exc = ExampleError(Code.LOCKED, state="approved")
>>> exc.code, str(exc)
(<Code.LOCKED: 'locked'>, 'This submission is approved: its values are locked.')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class CodedError(Exception):
    """An error with a code; each app's subclass sets ``messages`` (code → message)."""

    messages: ClassVar[Mapping[Any, Any]] = {}

    def __init__(self, code: Any, **params: Any) -> None:
        self.code = code
        self.params = params
        message = self.messages[code]
        super().__init__(str(message % params) if params else str(message))
