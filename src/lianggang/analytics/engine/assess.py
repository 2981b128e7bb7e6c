"""The judgement of a target for one series (METHOD.md §3).

A series is the yearly observations of one indicator in one org unit; a :class:`Rule` is the
indicator's configuration with the org unit's target. :func:`assess` evaluates the steps of
METHOD.md §3 in order and returns a :class:`Judgement`.

>>> rule = Rule(direction=">=", target=90, target_year=2030, baseline_year=2020)
>>> j = assess([Observation(2020, 70.0), Observation(2024, 80.0)], rule)
>>> str(j.status), j.slope, round(j.projected_value, 1), j.year_met
('ON_TRACK', 2.5, 95.0, 2028)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np

from .intervals import poisson_interval, wilson_interval
from .trend import SCALES, inverse, ols_slope, poisson_slope, transform

DIRECTIONS = (">=", "<=", "~", "up", "down")
KINDS = ("value", "count", "proportion")
HORIZON_YEARS = 50


class Status(StrEnum):
    ACHIEVED = "ACHIEVED"
    ON_TRACK = "ON_TRACK"
    OFF_TRACK = "OFF_TRACK"
    REGRESSING = "REGRESSING"
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA"
    NO_DATA = "NO_DATA"
    # Indicators without a numeric target ("逐步提高") get a trend category instead.
    NO_TARGET = "NO_TARGET"


class Substatus(StrEnum):
    NONE = ""
    CONFIRMED = "confirmed"
    PROVISIONAL = "provisional"
    LOST = "lost"
    SMALL_NUMBERS = "small_numbers"
    TOO_FEW_POINTS = "too_few_points"
    NO_BASELINE = "no_baseline"
    IMPROVING = "improving"
    STAGNANT = "stagnant"
    UNCERTAIN_DECLINE = "uncertain_decline"
    MOVING_AWAY = "moving_away"
    STRONG_IMPROVEMENT = "strong_improvement"
    MODERATE_IMPROVEMENT = "moderate_improvement"
    LIMITED_IMPROVEMENT = "limited_improvement"
    DETERIORATION = "deterioration"


@dataclass(frozen=True)
class Rule:
    """How one series is judged.

    ``direction``: ``>=`` / ``<=`` (target T), ``~`` (around T), ``up`` / ``down`` (no numeric
    target: a trend category). ``target_change`` sets a target relative to the baseline
    (``-0.2``: 20 % below the baseline year's value); ``tolerance`` is the half-width of the band
    of an ``~`` target (default 1 point for percentages, else 2 % of T).
    """

    direction: str
    target: float | None
    target_year: int
    baseline_year: int
    scale: str = "linear"
    kind: str = "value"
    factor: float = 1.0
    target_change: float | None = None
    tolerance: float | None = None
    percent: bool = False
    window: int = 10
    min_events: int = 20

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, not {self.direction!r}")
        if self.scale not in SCALES:
            raise ValueError(f"scale must be one of {SCALES}, not {self.scale!r}")
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        if (
            self.direction in (">=", "<=", "~")
            and self.target is None
            and (self.target_change is None)
        ):
            raise ValueError(f"a {self.direction!r} rule needs a target")


@dataclass(frozen=True)
class Observation:
    """One year of a series: a value, or for rates also its numerator and denominator."""

    year: int
    value: float | None
    numerator: float | None = None
    denominator: float | None = None


@dataclass
class Judgement:
    status: Status
    substatus: Substatus = Substatus.NONE
    target: float | None = None
    latest_year: float | None = None
    latest_value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    pooled_years: int = 1
    events: float | None = None
    baseline_value: float | None = None
    slope: float | None = None
    slope_se: float | None = None
    p_value: float | None = None
    projected_value: float | None = None
    year_met: int | None = None
    met_beyond_horizon: bool = False
    pace: float | None = None
    required_pace: float | None = None
    pace_ratio: float | None = None
    share_of_way: float | None = None
    share_of_time: float | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Point:
    """The latest value used for the judgement (pooled for small counts)."""

    year: float
    value: float
    ci_low: float | None
    ci_high: float | None
    events: float | None
    pooled_years: int
    first_year: int


def observation_value(obs: Observation, rule: Rule) -> float | None:
    """Return the observation's value, computing it from numerator and denominator if needed."""
    if obs.value is not None and not math.isnan(obs.value):
        return obs.value
    if obs.numerator is not None and obs.denominator:
        return obs.numerator / obs.denominator * rule.factor
    return None


def assess(observations: Iterable[Observation], rule: Rule, as_of: int | None = None) -> Judgement:
    """Judge a series as of a year (default: its latest observation)."""
    valued = sorted(
        (
            replace(o, value=v)
            for o in observations
            if (v := observation_value(o, rule)) is not None and (as_of is None or o.year <= as_of)
        ),
        key=lambda o: o.year,
    )
    years = [o.year for o in valued]
    if len(set(years)) != len(years):
        raise ValueError("a series has two observations for the same year")
    if not valued:
        return Judgement(Status.NO_DATA)
    end = as_of if as_of is not None else valued[-1].year
    window = [o for o in valued if o.year > end - rule.window]
    if not window:
        return Judgement(Status.NO_DATA)

    latest = _latest_point(window, rule)
    baseline = _baseline_value(valued, rule)
    j = Judgement(
        Status.NO_DATA,
        latest_year=latest.year,
        latest_value=latest.value,
        ci_low=latest.ci_low,
        ci_high=latest.ci_high,
        pooled_years=latest.pooled_years,
        events=latest.events,
        baseline_value=baseline,
    )

    target = rule.target
    if rule.target_change is not None:
        if baseline is None:
            j.status, j.substatus = Status.INSUFFICIENT_DATA, Substatus.NO_BASELINE
            return j
        target = baseline * (1.0 + rule.target_change)
    j.target = target

    if rule.direction in ("up", "down"):
        return _trend_only(window, latest, rule, j)
    assert target is not None
    if rule.direction == "~":
        return _around(window, latest, rule, target, baseline, j)

    d = 1.0 if rule.direction == ">=" else -1.0
    small = rule.kind == "count" and (latest.events or 0.0) < rule.min_events

    # 2. Small-number gate.
    if small:
        if _bound_meets(latest, d, target):
            j.status, j.substatus = Status.ACHIEVED, Substatus.CONFIRMED
        else:
            j.status, j.substatus = Status.INSUFFICIENT_DATA, Substatus.SMALL_NUMBERS
        return j

    # 3. Achieved.
    if d * (latest.value - target) >= 0:
        j.status = Status.ACHIEVED
        j.substatus = (
            Substatus.CONFIRMED
            if rule.kind == "value" or _bound_meets(latest, d, target)
            else Substatus.PROVISIONAL
        )
        j.year_met = _first_year_of_final_run(window, rule, d, target, latest)
        return j

    # 3b. Met earlier in the window, lost since.
    earlier = [
        o
        for o in window
        if o.year < latest.first_year
        and (rule.kind != "count" or (o.numerator or 0.0) >= rule.min_events)
    ]
    if any(d * (o.value - target) >= 0 for o in earlier if o.value is not None):
        j.status, j.substatus = Status.REGRESSING, Substatus.LOST
        _fit_and_project(window, latest, rule, target, baseline, d, j)
        return j

    # 4. Enough points for a trend?
    if len(window) < 2 or window[-1].year - window[0].year < 2:
        j.status, j.substatus = Status.INSUFFICIENT_DATA, Substatus.TOO_FEW_POINTS
        return j

    # 5–7. Trend, projection, on track.
    beta = _fit_and_project(window, latest, rule, target, baseline, d, j)
    assert j.projected_value is not None
    if d * (j.projected_value - target) >= -1e-9 * max(1.0, abs(target)):
        j.status = Status.ON_TRACK
        return j

    # 8–9. Regressing or off track.
    eps = _dead_band(rule, target, baseline, window)
    significant = rule.kind != "count" or (j.p_value is not None and j.p_value < 0.05)
    if d * beta < -eps and significant:
        j.status = Status.REGRESSING
    elif d * beta > eps:
        j.status, j.substatus = Status.OFF_TRACK, Substatus.IMPROVING
    elif abs(beta) <= eps:
        j.status, j.substatus = Status.OFF_TRACK, Substatus.STAGNANT
    else:
        j.status, j.substatus = Status.OFF_TRACK, Substatus.UNCERTAIN_DECLINE
    return j


def _latest_point(window: Sequence[Observation], rule: Rule) -> _Point:
    last = window[-1]
    assert last.value is not None
    if rule.kind == "count" and last.numerator is not None and last.denominator:
        events, exposure, pooled, first = last.numerator, last.denominator, 1, last.year
        if events < rule.min_events:
            for k in (3, 5):
                sub = [o for o in window if o.year > last.year - k and o.denominator]
                events = sum(o.numerator or 0.0 for o in sub)
                exposure = sum(o.denominator or 0.0 for o in sub)
                pooled, first = k, last.year - k + 1
                if events >= rule.min_events:
                    break
        lo, hi = poisson_interval(np.array([events]))
        scale = rule.factor / exposure
        return _Point(
            year=last.year - (pooled - 1) / 2,
            value=events / exposure * rule.factor,
            ci_low=float(lo[0]) * scale,
            ci_high=float(hi[0]) * scale,
            events=events,
            pooled_years=pooled,
            first_year=first,
        )
    if rule.kind == "proportion" and last.numerator is not None and last.denominator:
        lo, hi = wilson_interval(np.array([last.numerator]), np.array([last.denominator]))
        return _Point(
            last.year,
            last.value,
            float(lo[0]) * rule.factor,
            float(hi[0]) * rule.factor,
            last.numerator,
            1,
            last.year,
        )
    return _Point(last.year, last.value, None, None, last.numerator, 1, last.year)


def _baseline_value(valued: Sequence[Observation], rule: Rule) -> float | None:
    """Return the value in the baseline year; small counts pooled over the three years around it."""
    base = [o for o in valued if o.year == rule.baseline_year]
    if not base:
        return None
    b = base[0]
    if (
        rule.kind == "count"
        and b.numerator is not None
        and b.numerator < rule.min_events
        and b.denominator
    ):
        near = [o for o in valued if abs(o.year - rule.baseline_year) <= 1 and o.denominator]
        events = sum(o.numerator or 0.0 for o in near)
        exposure = sum(o.denominator or 0.0 for o in near)
        return events / exposure * rule.factor
    return b.value


def _bound_meets(point: _Point, d: float, target: float) -> bool:
    bound = point.ci_low if d > 0 else point.ci_high
    return bound is not None and d * (bound - target) >= 0


def _first_year_of_final_run(
    window: Sequence[Observation], rule: Rule, d: float, target: float, latest: _Point
) -> int:
    if latest.pooled_years > 1:
        return int(latest.year)
    year = window[-1].year
    for o in reversed(window):
        if o.value is None or d * (o.value - target) < 0:
            break
        year = o.year
    return int(year)


def _slope(window: Sequence[Observation], rule: Rule, j: Judgement) -> float:
    years = [float(o.year) for o in window]
    if rule.kind == "count" and all(o.numerator is not None and o.denominator for o in window):
        fit = poisson_slope(
            years, [o.numerator or 0.0 for o in window], [o.denominator or 0.0 for o in window]
        )
        j.slope_se, j.p_value = fit.se, fit.p_value
        return fit.slope
    return ols_slope(years, [transform(rule.scale, o.value or 0.0) for o in window])


def _fit_and_project(
    window: Sequence[Observation],
    latest: _Point,
    rule: Rule,
    target: float,
    baseline: float | None,
    d: float,
    j: Judgement,
) -> float:
    """Fit the trend and fill the projection, year met and secondary figures; return β."""
    if len(window) < 2 or window[-1].year == window[0].year:
        return 0.0
    g = rule.scale
    beta = _slope(window, rule, j)
    j.slope = beta
    z_last = transform(g, latest.value)
    horizon = max(0.0, rule.target_year - latest.year)
    j.projected_value = inverse(g, z_last + beta * horizon)
    j.pace = beta if g == "linear" else (math.exp(beta) - 1.0) * 100.0
    gap = transform(g, target) - z_last
    if rule.target_year > latest.year:
        j.required_pace = gap / (rule.target_year - latest.year)
        if j.required_pace:
            j.pace_ratio = beta / j.required_pace
    if d * beta > 0:
        t_star = latest.year + gap / beta
        if t_star - latest.year > HORIZON_YEARS:
            j.met_beyond_horizon = True
        else:
            j.year_met = math.ceil(t_star - 1e-9)
    if baseline is not None:
        way = transform(g, target) - transform(g, baseline)
        if way:
            j.share_of_way = (z_last - transform(g, baseline)) / way
    if rule.target_year > rule.baseline_year:
        j.share_of_time = (latest.year - rule.baseline_year) / (
            rule.target_year - rule.baseline_year
        )
    return beta


def _dead_band(
    rule: Rule, target: float | None, baseline: float | None, window: Sequence[Observation]
) -> float:
    """Return ε: 0.005/yr on log and logit scales; 0.5 % of max(|T|, |y_b|)/yr on linear."""
    if rule.scale != "linear":
        return 0.005
    y_b = baseline if baseline is not None else window[0].value
    return 0.005 * max(abs(target or 0.0), abs(y_b or 0.0))


def _trend_only(
    window: Sequence[Observation], latest: _Point, rule: Rule, j: Judgement
) -> Judgement:
    d = 1.0 if rule.direction == "up" else -1.0
    if rule.kind == "count" and (latest.events or 0.0) < rule.min_events:
        j.status, j.substatus = Status.INSUFFICIENT_DATA, Substatus.SMALL_NUMBERS
        return j
    if len(window) < 2 or window[-1].year - window[0].year < 2:
        j.status, j.substatus = Status.INSUFFICIENT_DATA, Substatus.TOO_FEW_POINTS
        return j
    beta = _slope(window, rule, j)
    j.slope = beta
    if rule.scale == "linear":
        level = abs(j.baseline_value or 0.0) or abs(float(np.mean([o.value for o in window])))
        change = d * beta / level if level else 0.0
        j.pace = beta
    else:
        change = d * (math.exp(beta) - 1.0)
        j.pace = (math.exp(beta) - 1.0) * 100.0
    j.status = Status.NO_TARGET
    if change >= 0.015:
        j.substatus = Substatus.STRONG_IMPROVEMENT
    elif change >= 0.005:
        j.substatus = Substatus.MODERATE_IMPROVEMENT
    elif change >= 0:
        j.substatus = Substatus.LIMITED_IMPROVEMENT
    else:
        j.substatus = Substatus.DETERIORATION
    return j


def _around(
    window: Sequence[Observation],
    latest: _Point,
    rule: Rule,
    target: float,
    baseline: float | None,
    j: Judgement,
) -> Judgement:
    tol = rule.tolerance
    if tol is None:
        tol = 1.0 if rule.percent else 0.02 * abs(target)
    if abs(latest.value - target) <= tol:
        j.status = Status.ACHIEVED
        inside = (
            latest.ci_low is None
            or latest.ci_high is None
            or (latest.ci_low >= target - tol and latest.ci_high <= target + tol)
        )
        j.substatus = Substatus.CONFIRMED if inside else Substatus.PROVISIONAL
        j.year_met = int(window[-1].year)
        return j
    if len(window) < 2 or window[-1].year - window[0].year < 2:
        j.status, j.substatus = Status.INSUFFICIENT_DATA, Substatus.TOO_FEW_POINTS
        return j
    d = 1.0 if target > latest.value else -1.0
    edge = target - d * tol
    beta = _fit_and_project(window, latest, rule, edge, baseline, d, j)
    j.status = Status.OFF_TRACK
    j.substatus = Substatus.IMPROVING if d * beta > 0 else Substatus.MOVING_AWAY
    return j
