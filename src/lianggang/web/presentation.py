"""How figures and judgements are shown: labels, colours, number formats."""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from lianggang.analytics.engine.precision import rounded
from lianggang.analytics.models import SUBSTATUS_LABELS, Status

STATUS_LABELS = {
    Status.ACHIEVED: pgettext_lazy("status", "Achieved"),
    Status.ON_TRACK: pgettext_lazy("status", "On track"),
    Status.OFF_TRACK: pgettext_lazy("status", "Off track"),
    Status.REGRESSING: pgettext_lazy("status", "Regressing"),
    Status.INSUFFICIENT_DATA: pgettext_lazy("status", "Insufficient data"),
    Status.NO_DATA: pgettext_lazy("status", "No data"),
    Status.NO_TARGET: pgettext_lazy("status", "No numeric target"),
}


# CSS class and a one-character symbol, so that status never relies on colour alone.
STATUS_STYLE = {
    "ACHIEVED": ("st-achieved", "✓"),
    "ON_TRACK": ("st-on-track", "↗"),
    "OFF_TRACK": ("st-off-track", "!"),
    "REGRESSING": ("st-regressing", "↘"),
    "INSUFFICIENT_DATA": ("st-insufficient", "?"),
    "NO_DATA": ("st-no-data", "–"),
    "NO_TARGET": ("st-no-target", "~"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(Status(status), status)) if status else ""


def substatus_label(substatus: str) -> str:
    return str(SUBSTATUS_LABELS.get(substatus, substatus)) if substatus else ""


def format_value(value: float | None, decimals: int = 1) -> str:
    """A figure as published: rounded half away from zero on its exact decimal, as the
    judgement compares it with the target (docs/methodology.md §3)."""
    if value is None or value != value:
        return "—"
    return f"{rounded(value, decimals):,.{decimals}f}"
