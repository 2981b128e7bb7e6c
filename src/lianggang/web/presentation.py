"""How figures and judgements are shown: labels, colours, number formats."""

from __future__ import annotations

from lianggang.analytics.engine.precision import rounded
from lianggang.analytics.models import SUBSTATUS_LABELS
from lianggang.analytics.status import WORDS, label

# The statuses' words are declared once (analytics/status.py); the pages take each status's
# CSS class and one-character symbol from there, so that a status never relies on colour alone.
STATUS_STYLE = {code: (words.css, words.symbol) for code, words in WORDS.items()}


def status_label(status: str) -> str:
    return label(status) if status else ""


def substatus_label(substatus: str) -> str:
    return str(SUBSTATUS_LABELS.get(substatus, substatus)) if substatus else ""


def format_value(value: float | str | None, decimals: int = 1) -> str:
    """A figure as published: rounded half away from zero on its exact decimal, as the
    judgement compares it with the target (docs/methodology.md §三). A missing figure is "—":
    None, NaN, or the "" a template gives for the figure of a row that has no value at all."""
    if value is None or value == "" or value != value:
        return "—"
    return f"{rounded(float(value), decimals):,.{decimals}f}"
