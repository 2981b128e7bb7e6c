"""Sentence rules of the monitoring reports, in the statistics bureau's wording.

Every sentence a report prints about a figure comes from a function here, each tested case by
case; nothing is free text. The wording follows the national statistics bureau's annual
monitoring reports on the outlines:

- a level: "2024年，孕产妇死亡率为14.3/10万" (the unit written as the indicator's);
- a change on the previous year by the kind of unit: percentages change by 个百分点, per-mille
  figures by 个千分点, rates per 10 000 or 100 000 and plain counts by a relative %, and figures
  in a unit of their own (years of life, doctors per 1 000 children, yuan) by the difference in
  that unit;
- "与上年持平" when the change, written at the figure's precision, is zero (the stated tolerance:
  half a unit of the last digit shown);
- urban/rural or sex splits after "其中";
- the target in the older reports' phrasing: 提前实现 / 已实现 / 距…目标仍有差距 /
  按当前趋势可于…年实现; for a target without a number, the trend category;
- a rate resting on fewer than 20 events: no change on the previous year (it would be noise),
  its 95 % interval instead, and a caution.

All strings go through Django's translation machinery: English msgids, the bureau's Chinese as
their translation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianggang.analytics.engine.precision import rounded
from lianggang.analytics.status import UNDER_WAY

# How a change is written, by the indicator's unit.
POINTS = "points"  # percentages: 个百分点
PER_MILLE_POINTS = "per_mille_points"  # ‰: 个千分点
RATE = "rate"  # rates per 10 000 or 100 000: relative %, 上升/下降
COUNT = "count"  # counts of people, families, events, places: relative %, 增长/下降
ABSOLUTE = "absolute"  # units of their own (岁, 人/千儿童, 元/月): the difference in the unit

_RATE_UNITS = {"1/10万", "1/万"}
_COUNT_UNITS = {"", "人", "人次", "户", "例", "个", "张", "件", "次", "所"}


def change_kind(unit: str) -> str:
    if unit == "%":
        return POINTS
    if unit == "‰":
        return PER_MILLE_POINTS
    if unit in _RATE_UNITS:
        return RATE
    if unit in _COUNT_UNITS:
        return COUNT
    return ABSOLUTE


TREND_WORDS = {
    "strong_improvement": gettext_lazy("a strong improvement"),
    "moderate_improvement": gettext_lazy("a moderate improvement"),
    "limited_improvement": gettext_lazy("a limited improvement"),
    "deterioration": gettext_lazy("a deterioration"),
}


@dataclass(frozen=True)
class Figure:
    """What the sentences need to know about one indicator."""

    name: str
    unit: str
    decimals: int
    direction: str  # ">=", "<=", "~", "up", "down"


def number(x: float, decimals: int) -> str:
    """A number at the figure's precision, half away from zero (as statistical tables round)."""
    value = rounded(x, decimals)
    text = f"{abs(value):.{decimals}f}"
    return f"-{text}" if value < 0 else text


def unit_shown(unit: str) -> str:
    """The unit as written after a number: a rate "1/10万" is written "14.3/10万"."""
    return unit[1:] if unit.startswith("1/") else unit


def level(x: float, fig: Figure) -> str:
    """A value with its unit as the bureau writes it: 14.3/10万, 95.2%, 3.2‰, 76.5岁."""
    return f"{number(x, fig.decimals)}{unit_shown(fig.unit)}"


def change(previous: float | None, current: float, fig: Figure) -> str | None:
    """The change on the previous year ("比上年下降5.3%"), or None without a previous value."""
    if previous is None:
        return None
    kind = change_kind(fig.unit)
    if kind in (RATE, COUNT):
        if previous == 0:
            return None  # no relative change from zero
        diff = (current - previous) / abs(previous) * 100
        shown = number(abs(diff), 1)
        if float(shown) == 0:
            return _("the same as the previous year")
        if diff < 0:
            return _("down %(n)s%% on the previous year") % {"n": shown}
        if kind == RATE:
            return _("up %(n)s%% on the previous year") % {"n": shown}
        return _("an increase of %(n)s%% on the previous year") % {"n": shown}
    diff = current - previous
    shown = number(abs(diff), fig.decimals)
    if float(shown) == 0:
        return _("the same as the previous year")
    up = diff > 0
    if kind == POINTS:
        msg = (
            _("up %(n)s percentage points on the previous year")
            if up
            else _("down %(n)s percentage points on the previous year")
        )
        return msg % {"n": shown}
    if kind == PER_MILLE_POINTS:
        msg = (
            _("up %(n)s per-mille points on the previous year")
            if up
            else _("down %(n)s per-mille points on the previous year")
        )
        return msg % {"n": shown}
    msg = (
        _("up %(n)s%(unit)s on the previous year")
        if up
        else _("down %(n)s%(unit)s on the previous year")
    )
    return msg % {"n": shown, "unit": fig.unit}


def interval(low: float, high: float, fig: Figure) -> str:
    """A 95 % interval as the annex and the text write it: 21.0–150.6/10万."""
    return _("%(low)s–%(high)s") % {"low": number(low, fig.decimals), "high": level(high, fig)}


def data_sentence(
    year: int,
    fig: Figure,
    current: float,
    previous: float | None,
    splits: list[tuple[str, float]] | None = None,
    unstable: tuple[float, float] | None = None,
) -> str:
    """The level, its change and its splits: "2024年，孕产妇死亡率为14.3/10万，比上年下降5.3%。
    其中，城镇为…，农村为…。"

    ``unstable``: the 95 % interval of a rate resting on fewer than 20 events; the sentence
    then gives the interval and a caution instead of the change on the previous year.
    """
    moved = None if unstable else change(previous, current, fig)
    if unstable:
        text = _(
            "In %(year)d, %(name)s was %(value)s (fewer than 20 events: 95%% interval "
            "%(interval)s, to be read with caution)."
        ) % {
            "year": year,
            "name": fig.name,
            "value": level(current, fig),
            "interval": interval(*unstable, fig),
        }
    elif moved:
        text = _("In %(year)d, %(name)s was %(value)s, %(change)s.") % {
            "year": year,
            "name": fig.name,
            "value": level(current, fig),
            "change": moved,
        }
    else:
        text = _("In %(year)d, %(name)s was %(value)s.") % {
            "year": year,
            "name": fig.name,
            "value": level(current, fig),
        }
    if splits:
        parts = _(", ").join(
            _("%(group)s %(value)s") % {"group": group, "value": level(v, fig)}
            for group, v in splits
        )
        text += _(" Of which: %(parts)s.") % {"parts": parts}
    return text


def target_sentence(
    *,
    status: str,
    target_text: str,
    latest_year: float | None,
    target_year: int,
    year_met: int | None,
    outline: str,
    numeric: bool = True,
    trend: str = "",
) -> str | None:
    """The comparison with the target, in the older reports' phrasing; None when there is none.

    ``outline`` is the short title written in 《》 ("纲要"); ``target_text`` the target as worded
    ("降至12/10万以下"); ``numeric`` false for a target without a number ("逐步提高"), which is
    compared by its ``trend`` category (its judgement's sub-status).
    """
    if not target_text:
        return None
    params = {"outline": outline, "target": target_text}
    if not numeric:
        if status != "NO_TARGET" or trend not in TREND_WORDS:
            return None
        return _("Against the %(outline)s's “%(target)s”, the trend shows %(trend)s.") % {
            **params,
            "trend": TREND_WORDS[trend],
        }
    if status == "INSUFFICIENT_DATA":
        return (
            _(
                "The data do not yet tell whether the target of the %(outline)s, “%(target)s”, "
                "will be met."
            )
            % params
        )
    if status == "ACHIEVED":
        if latest_year is not None and latest_year < target_year:
            return _("The target of the %(outline)s, “%(target)s”, has been met ahead of time.") % (
                params
            )
        return _("The target of the %(outline)s, “%(target)s”, has been met.") % params
    if status == "ON_TRACK" and year_met is not None:
        return _(
            "At the current trend the target of the %(outline)s, “%(target)s”, will be met "
            "in %(year)d."
        ) % {**params, "year": year_met}
    if status in UNDER_WAY:
        return _("There is still a gap to the target of the %(outline)s, “%(target)s”.") % params
    return None


def chance_words(share: float) -> str:
    """A chance as a whole percentage: "约88%" ("about 88%"), "<1%" and ">99%" at the ends."""
    pct = share * 100
    if pct < 1:
        return _("below 1%")
    if pct > 99:
        return _("above 99%")
    return _("about %(n)d%%") % {"n": round(pct)}


def pooled_sentence(*, fig: Figure, start: int, end: int, value: float) -> str:
    """Which value the judgement used when it pooled a rate of few events."""
    return _("The judgement uses the %(start)d–%(end)d pooled value, %(value)s.") % {
        "start": start,
        "end": end,
        "value": level(value, fig),
    }


def projection_sentence(
    *,
    fig: Figure,
    target_year: int,
    projected: float | None,
    low: float | None,
    high: float | None,
    chance: float | None,
) -> str | None:
    """The projection with its uncertainty, in words (docs/methodology.md §三, 规范 3c):
    "按当前趋势，2030年预计为11.3/10万（95%区间10.5—12.2），达标可能性约95%"."""
    if projected is None or low is None or high is None or chance is None:
        return None
    return _(
        "At the current trend, the value expected in %(year)d is %(value)s (95%% interval "
        "%(interval)s); the chance of meeting the target is %(chance)s."
    ) % {
        "year": target_year,
        "value": level(projected, fig),
        "interval": interval(low, high, fig),
        "chance": chance_words(chance),
    }


def finding(
    fig: Figure,
    status: str,
    previous: float | None,
    current: float | None,
    substatus: str = "",
) -> str:
    """The one-line finding that heads a sub-item.

    For a judged target it follows the judgement (the trend over the window, not one year's
    change); otherwise the change on the previous year.
    """
    params = {"name": fig.name}
    if status == "ACHIEVED":
        return _("%(name)s has reached the target") % params
    if status == "REGRESSING":
        return _("%(name)s has moved away from the target") % params
    if status == "ON_TRACK":
        return _("%(name)s is improving steadily") % params
    if status == "OFF_TRACK":
        if substatus == "improving":
            return _("%(name)s is improving, but too slowly") % params
        if substatus == "moving_away":
            return _("%(name)s is drifting away from the target") % params
        return _("%(name)s is not improving") % params
    improved = _improved(fig, previous, current)
    if improved is True:
        return _("%(name)s improved on the previous year") % params
    if improved is False:
        return _("%(name)s did not improve on the previous year") % params
    return fig.name


def _improved(fig: Figure, previous: float | None, current: float | None) -> bool | None:
    if previous is None or current is None or current == previous:
        return None
    higher_is_better = fig.direction in (">=", "up")
    if fig.direction == "~":
        return None
    return (current > previous) == higher_is_better
