"""What every format reads into: values with where they came from, and what was refused."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from lianggang.collection.errors import ErrorCode
from lianggang.collection.workbook import Problem, RawValue

TOTAL = "total"
# DHIS2's default category option combination (and ADX's): the value is not broken down.
DEFAULT_COMBO = "default"
DEFAULT_COMBO_UID = "HllvX50cXC0"


@dataclass(frozen=True)
class Conflict:
    """One value (or the whole file, when row is None) refused, and why.

    ``row`` is what a person finds in the file: the line of a CSV, the n-th value of a JSON or
    XML file; ``index`` is DHIS2's 0-based position of the value in the file.
    """

    message: str
    object: str = ""
    property: str = ""
    row: int | None = None
    index: int | None = None
    code: str = "E7600"
    file: str = ""
    # Lianggang's stable code (collection.errors.ErrorCode) where one applies: the same for a
    # value refused through any door.
    reason: str = ""

    def __str__(self) -> str:
        return str(Problem(self.message, sheet=self.file, row=self.row, column=self.property))

    @classmethod
    def of(
        cls,
        reason: ErrorCode,
        *,
        row: int | None = None,
        index: int | None = None,
        property: str = "",
        object: str = "",
        code: str = "E7600",
        file: str = "",
        **params: Any,
    ) -> Conflict:
        """A conflict worded from the one catalogue (``collection.errors.MESSAGES``)."""
        p = Problem.of(reason, **params)
        return cls(p.message, object, property, row, index, code, file, str(reason))


@dataclass
class Parsed:
    """Values read from a file, each with its row, and the values refused while reading."""

    values: list[RawValue] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    # Rows read but deliberately not imported (a derived rate, a total recomputed by us).
    skipped: list[Conflict] = field(default_factory=list)
    index_of_row: dict[int, int] = field(default_factory=dict)


# Periods --------------------------------------------------------------------------------------

_PERIOD_KINDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^\d{4}$"), "yearly"),
    (re.compile(r"^\d{6}$|^\d{4}-\d{2}$"), "monthly"),
    (re.compile(r"^\d{8}$|^\d{4}-\d{2}-\d{2}$"), "daily"),
    (re.compile(r"^\d{4}Q[1-4]$"), "quarterly"),
    (re.compile(r"^\d{4}S[12]$"), "six-monthly"),
    (re.compile(r"^\d{4}(April|July|Oct|Nov)$"), "financial-year"),
    (re.compile(r"^\d{4}(AprilS|NovS)[12]$"), "six-monthly"),
    (re.compile(r"^\d{6}B$"), "bi-monthly"),
    (re.compile(r"^\d{4}BiW\d{1,2}$"), "bi-weekly"),
    (re.compile(r"^\d{4}(Wed|Thu|Sat|Sun)?W\d{1,2}$"), "weekly"),
]


def period_kind(period: str) -> str:
    """DHIS2's period type of an ISO period string ("" when it is none of them)."""
    for pattern, kind in _PERIOD_KINDS:
        if pattern.match(period):
            return kind
    return ""


def _kind_label(kind: str) -> str:
    return {
        "monthly": _("monthly"),
        "daily": _("daily"),
        "quarterly": _("quarterly"),
        "six-monthly": _("six-monthly"),
        "financial-year": _("a financial year"),
        "bi-monthly": _("bi-monthly"),
        "bi-weekly": _("bi-weekly"),
        "weekly": _("weekly"),
    }.get(kind, kind)


def year_of_period(period: str) -> int:
    """The year of a DHIS2 yearly period ("2024"); ValueError with the user's message otherwise."""
    period = period.strip()
    kind = period_kind(period)
    if kind == "yearly":
        return int(period)
    if kind:
        raise ValueError(
            _(
                "Period “%(period)s” is %(kind)s; Lianggang collects yearly figures only "
                "(a year such as 2024)."
            )
            % {"period": period, "kind": _kind_label(kind)}
        )
    raise ValueError(
        _("“%(period)s” is not a period; expected a year such as 2024.") % {"period": period}
    )


_ADX_PERIOD = re.compile(r"^(\d{4})-(\d{2})-(\d{2})/P(\d+)([YMWD])$")


def year_of_adx_period(period: str) -> int:
    """The year of an ADX period ("2024-01-01/P1Y"); ValueError saying why otherwise."""
    m = _ADX_PERIOD.match(period.strip())
    if m is None:
        raise ValueError(
            _("“%(period)s” is not an ADX period; expected a year such as 2024-01-01/P1Y.")
            % {"period": period}
        )
    year, month, day, n, unit = m.groups()
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(
            _("“%(period)s” starts on a date that does not exist.") % {"period": period}
        ) from None
    if (month, day, n, unit) == ("01", "01", "1", "Y"):
        return int(year)
    kind = {"M": "monthly", "W": "weekly", "D": "daily"}.get(unit, "")
    if unit == "M" and n == "3":
        kind = "quarterly"
    elif unit == "M" and n == "6":
        kind = "six-monthly"
    elif unit == "M" and n == "2":
        kind = "bi-monthly"
    elif unit == "Y":
        kind = "financial-year"
    raise ValueError(
        _(
            "Period “%(period)s” is %(kind)s; Lianggang collects calendar years only "
            "(such as 2024-01-01/P1Y)."
        )
        % {"period": period, "kind": _kind_label(kind)}
    )


def adx_period(year: int) -> str:
    return f"{year}-01-01/P1Y"


def number_text(value: float | None) -> str:
    """A value as text without a spurious ".0" (10.0 → "10", 0.25 → "0.25")."""
    if value is None:
        return ""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))
