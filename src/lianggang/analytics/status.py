"""The judgement's statuses in words, declared once: each status's label on its own and within a
sentence (Chinese and English through the catalogue), its style on the pages (a CSS class, and a
symbol so that a status never relies on colour alone) and the groups the pages and reports speak
of.

The codes are the engine's (:class:`lianggang.analytics.engine.assess.Status`); the colours of
each CSS class are in ``web/static/web/app.css``, the only stylesheet, checked against this list
by the tests.

>>> [w.symbol for w in WORDS.values()]
['✓', '↗', '!', '↘', '?', '–', '~']
>>> LAGGING_FIRST[:2], css_class("ON_TRACK"), css_class("")
(('REGRESSING', 'OFF_TRACK'), 'st-on-track', 'st-no-data')
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, pgettext_lazy

from .engine.assess import Status


@dataclass(frozen=True)
class StatusWords:
    status: Status
    label: Promise  # on its own: a badge, a column heading ("Off track", "进展偏慢")
    in_text: Promise  # within a sentence or a report's cell ("off track", "进展偏慢")
    css: str
    symbol: str


# In the order of the pages' columns and counts.
WORDS: dict[str, StatusWords] = {
    w.status.value: w
    for w in (
        StatusWords(
            Status.ACHIEVED,
            pgettext_lazy("status", "Achieved"),
            gettext_lazy("achieved"),
            "st-achieved",
            "✓",
        ),
        StatusWords(
            Status.ON_TRACK,
            pgettext_lazy("status", "On track"),
            gettext_lazy("on track"),
            "st-on-track",
            "↗",
        ),
        StatusWords(
            Status.OFF_TRACK,
            pgettext_lazy("status", "Off track"),
            gettext_lazy("off track"),
            "st-off-track",
            "!",
        ),
        StatusWords(
            Status.REGRESSING,
            pgettext_lazy("status", "Regressing"),
            gettext_lazy("regressing"),
            "st-regressing",
            "↘",
        ),
        StatusWords(
            Status.INSUFFICIENT_DATA,
            pgettext_lazy("status", "Insufficient data"),
            gettext_lazy("insufficient data"),
            "st-insufficient",
            "?",
        ),
        StatusWords(
            Status.NO_DATA,
            pgettext_lazy("status", "No data"),
            gettext_lazy("no data"),
            "st-no-data",
            "–",
        ),
        StatusWords(
            Status.NO_TARGET,
            pgettext_lazy("status", "No numeric target"),
            gettext_lazy("no numeric target"),
            "st-no-target",
            "~",
        ),
    )
}

# The statuses of a numeric target that was judged, those on course, and those lagging.
JUDGED = ("ACHIEVED", "ON_TRACK", "OFF_TRACK", "REGRESSING")
ON_COURSE = ("ACHIEVED", "ON_TRACK")
LAGGING = ("OFF_TRACK", "REGRESSING")
# Judged and not met yet: the target is still ahead.
UNDER_WAY = ("ON_TRACK", "OFF_TRACK", "REGRESSING")
# The lagging first: how the pages sort their lists of targets.
LAGGING_FIRST = (
    "REGRESSING",
    "OFF_TRACK",
    "ON_TRACK",
    "ACHIEVED",
    "INSUFFICIENT_DATA",
    "NO_DATA",
    "NO_TARGET",
)


def label(status: str) -> str:
    """The status in the reader's language ("" for no status)."""
    words = WORDS.get(status)
    return str(words.label) if words else status


def _shown(status: str) -> StatusWords | None:
    """The words a page shows for a status; no status is shown as "no data"."""
    return WORDS.get(status or "NO_DATA")


def css_class(status: str) -> str:
    words = _shown(status)
    return words.css if words else ""


def symbol(status: str) -> str:
    words = _shown(status)
    return words.symbol if words else ""


def in_text(status: str) -> str:
    """The status as a sentence or a report's table writes it ("" for no status)."""
    words = WORDS.get(status)
    return str(words.in_text) if words else status
