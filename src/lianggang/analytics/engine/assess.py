"""The judgement of a target for one series (docs/methodology.md §三, with 规范 3c).

A series is the yearly observations of one indicator in one org unit; a :class:`Rule` is the
indicator's configuration with the org unit's target. :func:`assess` evaluates the steps of the
method in order and returns a :class:`Judgement`, with the projection's 95 % prediction interval
and the chance of meeting the target.

>>> rule = Rule(direction=">=", target=90, target_year=2030, baseline_year=2020)
>>> j = assess([Observation(2020, 70.0), Observation(2024, 80.0)], rule)
>>> str(j.status), j.slope, round(j.projected_value, 1), j.year_met
('ON_TRACK', 2.5, 95.0, 2028)

A value outside its scale is refused, never clamped:

>>> assess([Observation(2024, -1.0)], Rule(">=", 5, 2030, 2020, scale="log"))
Traceback (most recent call last):
...
lianggang.analytics.engine.assess.SeriesError: 2024: value -1.0 is outside the log scale
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from fractions import Fraction
from statistics import NormalDist

import numpy as np
from scipy.special import stdtr, stdtrit

from .intervals import poisson_interval, wilson_interval
from .precision import exact, meets, rate_exact, within
from .trend import SCALES, in_domain, inverse, line_fit, poisson_slope, transform

DIRECTIONS = (">=", "<=", "~", "up", "down")
KINDS = ("value", "count", "proportion")
HORIZON_YEARS = 50
LEVEL = 0.95
_NORMAL = NormalDist()


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
    INVALID_DATA = "invalid_data"
    IMPROVING = "improving"
    STAGNANT = "stagnant"
    UNCERTAIN_DECLINE = "uncertain_decline"
    MOVING_AWAY = "moving_away"
    STRONG_IMPROVEMENT = "strong_improvement"
    MODERATE_IMPROVEMENT = "moderate_improvement"
    LIMITED_IMPROVEMENT = "limited_improvement"
    DETERIORATION = "deterioration"


class SeriesError(ValueError):
    """A series the method refuses to judge (docs/methodology.md §三, 规范 3c): ``code`` says why,
    ``year`` which observation (None when the rule itself is at fault), ``params`` the values to
    quote."""

    def __init__(self, code: str, message: str, year: int | None = None, **params: object):
        super().__init__(f"{year}: {message}" if year is not None else message)
        self.code = code
        self.year = year
        self.params = params


@dataclass(frozen=True)
class Rule:
    """How one series is judged.

    ``direction``: ``>=`` / ``<=`` (target T), ``~`` (around T), ``up`` / ``down`` (no numeric
    target: a trend category). ``target_change`` sets a target relative to the baseline
    (``-0.2``: 20 % below the baseline year's value); ``tolerance`` is the half-width of the band
    of an ``~`` target (default 1 point for percentages, else 2 % of T). ``decimals``: the
    indicator's published precision (None: compare with a relative tolerance); ``unit``: the
    indicator's unit (``%`` makes it a percentage). ``baseline_year`` None: the window is the ten
    latest years and there is no baseline value.
    """

    direction: str
    target: float | None
    target_year: int
    baseline_year: int | None
    scale: str = "linear"
    kind: str = "value"
    factor: float = 1.0
    target_change: float | None = None
    tolerance: float | None = None
    percent: bool = False
    window: int = 10
    min_events: int = 20
    decimals: int | None = None
    unit: str = ""

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
        if self.decimals is not None and self.decimals < 0:
            raise ValueError(f"decimals must not be negative, not {self.decimals!r}")

    @property
    def is_percentage(self) -> bool:
        """A percentage: unit %, logit scale or factor 100 (the 1-point band of "around")."""
        return (
            self.percent or self.unit.strip() == "%" or self.scale == "logit" or self.factor == 100
        )


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
    latest_year: int | None = None
    latest_value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    pooled_years: int = 1
    period_start: int | None = None
    period_end: int | None = None
    single_year: int | None = None
    single_value: float | None = None
    events: float | None = None
    baseline_value: float | None = None
    slope: float | None = None
    slope_se: float | None = None
    p_value: float | None = None
    trend_method: str = ""
    projected_value: float | None = None
    projected_low: float | None = None
    projected_high: float | None = None
    chance_of_meeting: float | None = None
    year_met: int | None = None
    met_beyond_horizon: bool = False
    pace: float | None = None
    required_pace: float | None = None
    pace_ratio: float | None = None
    share_of_way: float | None = None
    share_of_time: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def pooled(self) -> bool:
        """True when the judgement used a value pooled over several years."""
        return self.pooled_years > 1


@dataclass(frozen=True)
class _Point:
    """The latest value used for the judgement (pooled for small counts)."""

    year: int
    value: float
    exact: Fraction
    ci_low: float | None
    ci_high: float | None
    events: float | None
    pooled_years: int
    first_year: int


@dataclass(frozen=True)
class _Fit:
    slope: float
    method: str
    se: float | None = None  # the Poisson fit's standard error of the slope
    p_value: float | None = None
    n: int = 0
    t_mean: float = 0.0
    sxx: float = 0.0
    residual_sd: float | None = None


def observation_value(obs: Observation, rule: Rule) -> float | None:
    """Return the observation's value, computing it from numerator and denominator if needed."""
    if obs.value is not None and not math.isnan(obs.value):
        return obs.value
    if obs.numerator is not None and obs.denominator:
        return obs.numerator / obs.denominator * rule.factor
    return None


def exact_value(obs: Observation, rule: Rule) -> Fraction:
    """The observation's exact value: D/N × factor when it was computed from them, else the
    value as typed."""
    assert obs.value is not None
    if obs.numerator is not None and obs.denominator:
        quotient = rate_exact(obs.numerator, obs.denominator, rule.factor)
        if math.isclose(float(quotient), obs.value, rel_tol=1e-12, abs_tol=1e-300):
            return quotient
    return exact(obs.value)


def assess(observations: Iterable[Observation], rule: Rule, as_of: int | None = None) -> Judgement:
    """Judge a series as of a year (default: its latest observation).

    Raises :class:`SeriesError` for a series the method refuses (a value outside its scale, a
    count without its events, a target outside its scale, a count on a scale other than log).
    """
    given = [o for o in observations]
    valued_all = sorted(
        (replace(o, value=v) for o in given if (v := observation_value(o, rule)) is not None),
        key=lambda o: o.year,
    )
    years = [o.year for o in valued_all]
    if len(set(years)) != len(years):
        raise ValueError("a series has two observations for the same year")
    valued = [o for o in valued_all if as_of is None or o.year <= as_of]
    _check(valued, rule)  # a later year's bad value does not refuse an earlier judgement
    if not valued:
        return Judgement(Status.NO_DATA)
    end = as_of if as_of is not None else valued[-1].year
    start = end - (rule.window - 1)
    if rule.baseline_year is not None:
        start = min(start, rule.baseline_year)
    window = [o for o in valued if start <= o.year <= end]
    if not window:
        return Judgement(Status.NO_DATA)

    delta = _edge(valued_all, rule)
    latest = _latest_point(window, rule)
    baseline = _baseline_value(valued, rule)
    j = Judgement(
        Status.NO_DATA,
        latest_year=latest.year,
        latest_value=latest.value,
        ci_low=latest.ci_low,
        ci_high=latest.ci_high,
        pooled_years=latest.pooled_years,
        period_start=latest.first_year,
        period_end=window[-1].year,
        single_year=window[-1].year,
        single_value=window[-1].value,
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
        return _trend_only(window, latest, rule, delta, j)
    assert target is not None
    if not in_domain(rule.scale, target):
        raise SeriesError(
            "target_out_of_domain",
            f"target {target!r} is outside the {rule.scale} scale",
            target=target,
            scale=rule.scale,
        )
    if rule.direction == "~":
        return _around(window, latest, rule, target, baseline, delta, j)

    d = 1.0 if rule.direction == ">=" else -1.0
    dec = rule.decimals

    # 2. Small-number gate.
    if rule.kind == "count" and (latest.events or 0.0) < rule.min_events:
        if _bound_meets(latest, d, target, dec):
            j.status, j.substatus = Status.ACHIEVED, Substatus.CONFIRMED
            j.year_met = latest.year
        else:
            j.status, j.substatus = Status.INSUFFICIENT_DATA, Substatus.SMALL_NUMBERS
        return j

    # 3. Achieved.
    if meets(latest.exact, target, d, dec):
        j.status = Status.ACHIEVED
        j.substatus = (
            Substatus.CONFIRMED
            if rule.kind == "value" or _bound_meets(latest, d, target, dec)
            else Substatus.PROVISIONAL
        )
        j.year_met = _first_year_of_final_run(
            window, latest, lambda o: meets(exact_value(o, rule), target, d, dec)
        )
        return j

    # 3b. Met earlier in the window, lost since.
    earlier = [
        o
        for o in window
        if o.year < latest.first_year
        and (rule.kind != "count" or (o.numerator or 0.0) >= rule.min_events)
    ]
    if any(meets(exact_value(o, rule), target, d, dec) for o in earlier):
        j.status, j.substatus = Status.REGRESSING, Substatus.LOST
        _fit_and_project(window, latest, rule, target, baseline, d, delta, j)
        return j

    # 4. Enough points for a trend?
    if _too_few_points(window):
        j.status, j.substatus = Status.INSUFFICIENT_DATA, Substatus.TOO_FEW_POINTS
        return j

    # 5–7. Trend, projection, on track.
    beta = _fit_and_project(window, latest, rule, target, baseline, d, delta, j)
    assert j.projected_value is not None
    if _projection_meets(j.projected_value, target, d):
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


def _projection_meets(projected: float, target: float, d: float) -> bool:
    """Step 7: the projection meets the target (exactly meeting it counts; no rounding)."""
    return meets(projected, target, d, None)


def _too_few_points(window: Sequence[Observation]) -> bool:
    """Step 4: fewer than 2 points, or a span under 2 years."""
    return len(window) < 2 or window[-1].year - window[0].year < 2


def _check(valued: Sequence[Observation], rule: Rule) -> None:
    """Refuse what the method cannot judge (docs/methodology.md, 规范 3c): never clamp, never
    read a missing count as 0."""
    if rule.kind == "count" and rule.scale != "log":
        raise SeriesError(
            "count_scale", f"a count is judged on the log scale, not {rule.scale}", scale=rule.scale
        )
    for o in valued:
        assert o.value is not None
        if rule.kind == "count" and (o.numerator is None or not o.denominator):
            raise SeriesError(
                "count_needs_events",
                "count kind needs the events and the population",
                o.year,
            )
        if not in_domain(rule.scale, o.value):
            raise SeriesError(
                "out_of_domain",
                f"value {o.value!r} is outside the {rule.scale} scale",
                o.year,
                value=o.value,
                scale=rule.scale,
            )


def _edge(valued: Sequence[Observation], rule: Rule) -> float:
    """δ: how far an exact 0 (log) or 0 / 100 (logit) is moved inside the scale — half a unit of
    the indicator's last decimal, or without decimals 1e−6 of the series' largest value."""
    if rule.decimals is not None:
        return 0.5 * 10.0 ** (-rule.decimals)
    largest = max((abs(o.value or 0.0) for o in valued), default=0.0)
    if largest == 0 and rule.scale != "linear" and rule.kind != "count":
        raise SeriesError(
            "all_zero",
            f"every value is 0: without decimals nothing says how far to move 0 on the "
            f"{rule.scale} scale",
        )
    return 1e-6 * largest


def _z(rule: Rule, y: float, delta: float) -> float:
    """g(y), with an exact 0 (and 100 on logit) moved inside the scale by δ."""
    if rule.scale != "linear":
        if y == 0:
            y = delta
        elif rule.scale == "logit" and y == 100:
            y = 100.0 - delta
    return transform(rule.scale, y)


def _latest_point(window: Sequence[Observation], rule: Rule) -> _Point:
    last = window[-1]
    assert last.value is not None
    if rule.kind == "count" and last.numerator is not None and last.denominator:
        events, exposure, pooled, first = last.numerator, last.denominator, 1, last.year
        if events < rule.min_events:
            for k in (3, 5):
                sub = [o for o in window if o.year > last.year - k]
                events = sum(o.numerator or 0.0 for o in sub)
                exposure = sum(o.denominator or 0.0 for o in sub)
                pooled, first = len(sub), sub[0].year
                if events >= rule.min_events:
                    break
        lo, hi = poisson_interval(np.array([events]))
        scale = rule.factor / exposure
        return _Point(
            year=(first + last.year) // 2,
            value=events / exposure * rule.factor,
            exact=rate_exact(events, exposure, rule.factor),
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
            exact_value(last, rule),
            float(lo[0]) * rule.factor,
            float(hi[0]) * rule.factor,
            last.numerator,
            1,
            last.year,
        )
    return _Point(
        last.year, last.value, exact_value(last, rule), None, None, last.numerator, 1, last.year
    )


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
        assert rule.baseline_year is not None
        near = [o for o in valued if abs(o.year - rule.baseline_year) <= 1 and o.denominator]
        events = sum(o.numerator or 0.0 for o in near)
        exposure = sum(o.denominator or 0.0 for o in near)
        return events / exposure * rule.factor
    return b.value


def _bound_meets(point: _Point, d: float, target: float, decimals: int | None) -> bool:
    """The unfavourable end of the interval meets the target, as published."""
    bound = point.ci_low if d > 0 else point.ci_high
    return bound is not None and meets(bound, target, d, decimals)


def _first_year_of_final_run(
    window: Sequence[Observation], latest: _Point, ok: Callable[[Observation], bool]
) -> int:
    """The first year of the latest unbroken run of observations that meet the target (a year
    without data does not break a run); a pooled point's own date."""
    if latest.pooled_years > 1:
        return latest.year
    year = window[-1].year
    for o in reversed(window):
        if not ok(o):
            break
        year = o.year
    return year


def _fit(window: Sequence[Observation], rule: Rule, delta: float) -> _Fit:
    """Step 5: Poisson for counts; OLS for 2–4 points, Theil–Sen for 5 or more otherwise."""
    years = [float(o.year) for o in window]
    if rule.kind == "count":
        fit = poisson_slope(
            years, [o.numerator or 0.0 for o in window], [o.denominator or 0.0 for o in window]
        )
        return _Fit(fit.slope, "poisson", fit.se, fit.p_value)
    line = line_fit(years, [_z(rule, o.value or 0.0, delta) for o in window])
    return _Fit(
        line.slope, line.method, None, None, line.n, line.t_mean, line.sxx, line.residual_sd
    )


def _fit_and_project(
    window: Sequence[Observation],
    latest: _Point,
    rule: Rule,
    target: float,
    baseline: float | None,
    d: float,
    delta: float,
    j: Judgement,
    band: tuple[float, float] | None = None,
) -> float:
    """Fit the trend and fill the projection, its interval, the chance of meeting the target,
    the year met and the secondary figures; return β. ``band``: an "around" target's band, whose
    chance is that of landing inside it."""
    if len(window) < 2 or window[-1].year == window[0].year:
        return 0.0
    g = rule.scale
    fit = _fit(window, rule, delta)
    beta = fit.slope
    j.slope, j.slope_se, j.p_value, j.trend_method = beta, fit.se, fit.p_value, fit.method
    z_last = _z(rule, latest.value, delta)
    horizon = max(0, rule.target_year - latest.year)
    z_hat = z_last + beta * horizon
    # At or past the target year the projection is the latest value itself (not its δ-moved z).
    j.projected_value = inverse(g, z_hat) if horizon else latest.value
    _uncertainty(fit, rule, latest, target, d, horizon, z_hat, j, band)
    j.pace = beta if g == "linear" else (math.exp(beta) - 1.0) * 100.0
    z_target = transform(g, target)
    gap = z_target - z_last
    if rule.target_year > latest.year and math.isfinite(gap):
        j.required_pace = gap / (rule.target_year - latest.year)
        if j.required_pace:
            j.pace_ratio = beta / j.required_pace
    if d * beta > 0:
        t_star = latest.year + gap / beta
        if not math.isfinite(t_star) or t_star - latest.year > HORIZON_YEARS:
            j.met_beyond_horizon = True
        else:
            j.year_met = math.ceil(t_star - 1e-9)
    if baseline is not None and math.isfinite(z_target):
        z_base = _z(rule, baseline, delta)
        way = z_target - z_base
        if way:
            j.share_of_way = (z_last - z_base) / way
    if rule.baseline_year is not None and rule.target_year > rule.baseline_year:
        j.share_of_time = (latest.year - rule.baseline_year) / (
            rule.target_year - rule.baseline_year
        )
    return beta


def _uncertainty(
    fit: _Fit,
    rule: Rule,
    latest: _Point,
    target: float,
    d: float,
    horizon: int,
    z_hat: float,
    j: Judgement,
    band: tuple[float, float] | None,
) -> None:
    """The 95 % prediction interval of the projection and the chance of meeting the target
    (docs/methodology.md §三, 规范 3c), centred on the projection ẑ so that the chance is ≥ 50 %
    exactly when the series is on track."""
    if latest.year > rule.target_year:
        return
    g = rule.scale
    if fit.method == "poisson":
        assert fit.se is not None
        assert latest.events
        se = math.sqrt(horizon**2 * fit.se**2 + 1.0 / latest.events)
        quantile = _NORMAL.inv_cdf(0.5 + LEVEL / 2)
        cdf = _NORMAL.cdf
    else:
        if fit.residual_sd is None:
            return  # two points: no residuals, no interval
        x0 = latest.year + horizon
        se = fit.residual_sd * math.sqrt(1 + 1 / fit.n + (x0 - fit.t_mean) ** 2 / fit.sxx)
        df = fit.n - 2
        # Student's t quantile and distribution function (scipy.special's ufuncs: the same
        # values as scipy.stats.t, without its per-call overhead).
        quantile = float(stdtrit(df, 0.5 + LEVEL / 2))

        def cdf(x: float) -> float:
            return float(stdtr(df, x))

    projected = inverse(g, z_hat) if horizon else latest.value
    if not math.isfinite(se) or se <= 1e-12 * max(1.0, abs(z_hat)):
        j.projected_low = j.projected_high = projected
        if band is not None:
            hit = band[0] <= projected <= band[1]
        else:
            hit = math.isfinite(transform(g, target)) and _projection_meets(projected, target, d)
        j.chance_of_meeting = 1.0 if hit else 0.0
        return
    j.projected_low = inverse(g, z_hat - quantile * se)
    j.projected_high = inverse(g, z_hat + quantile * se)
    if band is not None:
        lo, hi = (transform(g, _into_domain(g, b)) for b in band)
        j.chance_of_meeting = max(0.0, cdf((hi - z_hat) / se) - cdf((lo - z_hat) / se))
        return
    z_target = transform(g, target)
    if not math.isfinite(z_target):
        # A target at the scale's bound (0 on log, 0 or 100 on logit) is never reached by a trend.
        j.chance_of_meeting = 0.0
        return
    j.chance_of_meeting = cdf(d * (z_hat - z_target) / se)


def _into_domain(scale: str, y: float) -> float:
    """The nearest value of the scale's domain (for the edges of an "around" band)."""
    if scale == "log":
        return max(y, 0.0)
    if scale == "logit":
        return min(max(y, 0.0), 100.0)
    return y


def _dead_band(
    rule: Rule, target: float | None, baseline: float | None, window: Sequence[Observation]
) -> float:
    """Return ε: 0.005/yr on log and logit scales; 0.5 % of max(|T|, |y_b|)/yr on linear."""
    if rule.scale != "linear":
        return 0.005
    y_b = baseline if baseline is not None else window[0].value
    return 0.005 * max(abs(target or 0.0), abs(y_b or 0.0))


def _trend_only(
    window: Sequence[Observation], latest: _Point, rule: Rule, delta: float, j: Judgement
) -> Judgement:
    d = 1.0 if rule.direction == "up" else -1.0
    if rule.kind == "count" and (latest.events or 0.0) < rule.min_events:
        j.status, j.substatus = Status.INSUFFICIENT_DATA, Substatus.SMALL_NUMBERS
        return j
    if _too_few_points(window):
        j.status, j.substatus = Status.INSUFFICIENT_DATA, Substatus.TOO_FEW_POINTS
        return j
    fit = _fit(window, rule, delta)
    beta = fit.slope
    j.slope, j.slope_se, j.p_value, j.trend_method = beta, fit.se, fit.p_value, fit.method
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
    delta: float,
    j: Judgement,
) -> Judgement:
    """ "Around T" (保持在T左右): achieved inside the band T ± tolerance, as published; outside
    it, off track — improving toward the band, stagnant within the dead band, or moving away."""
    tol = rule.tolerance
    if tol is None:
        tol = 1.0 if rule.is_percentage else 0.02 * abs(target)
    dec = rule.decimals
    if rule.kind == "count" and (latest.events or 0.0) < rule.min_events:
        # The small-number gate (step 2) for a band: achieved only when the whole interval lies
        # inside it.
        inside = (
            latest.ci_low is not None
            and latest.ci_high is not None
            and within(latest.ci_low, target, tol, dec)
            and within(latest.ci_high, target, tol, dec)
        )
        if inside:
            j.status, j.substatus, j.year_met = Status.ACHIEVED, Substatus.CONFIRMED, latest.year
        else:
            j.status, j.substatus = Status.INSUFFICIENT_DATA, Substatus.SMALL_NUMBERS
        return j
    if within(latest.exact, target, tol, dec):
        j.status = Status.ACHIEVED
        inside = (
            latest.ci_low is None
            or latest.ci_high is None
            or (
                within(latest.ci_low, target, tol, dec) and within(latest.ci_high, target, tol, dec)
            )
        )
        j.substatus = Substatus.CONFIRMED if inside else Substatus.PROVISIONAL
        j.year_met = _first_year_of_final_run(
            window, latest, lambda o: within(exact_value(o, rule), target, tol, dec)
        )
        return j
    if _too_few_points(window):
        j.status, j.substatus = Status.INSUFFICIENT_DATA, Substatus.TOO_FEW_POINTS
        return j
    d = 1.0 if target > latest.value else -1.0
    edge = _into_domain(rule.scale, target - d * tol)
    beta = _fit_and_project(
        window, latest, rule, edge, baseline, d, delta, j, band=(target - tol, target + tol)
    )
    eps = _dead_band(rule, target, baseline, window)
    j.status = Status.OFF_TRACK
    if abs(beta) <= eps:
        j.substatus = Substatus.STAGNANT
    elif d * beta > 0:
        j.substatus = Substatus.IMPROVING
    else:
        j.substatus = Substatus.MOVING_AWAY
    return j
