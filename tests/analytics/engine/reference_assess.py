"""A deliberately simple, plain-Python reference of the judgement of one series.

docs/methodology.md §三 and its 规范 3c, written from the specification alone (not from the
engine's source) so that the engine (``lianggang.analytics.engine.assess``) can be checked
against it. Standard library only, plus ``scipy.stats`` for the t and chi-square distribution
functions.

It reads any objects with the attributes of the engine's ``Observation`` and ``Rule`` (duck
typing); ``Obs`` and ``Spec`` below are stand-ins with the same field names and defaults, so
that the reference can be tested on its own. It covers the ``>=``, ``<=`` and ``~`` directions
(``up``/``down`` trend categories and ``target_change`` are out of its scope).

Readings of the specification (points settled with the engine's author are marked *settled*;
the others are this reference's own reading):

1. *settled* Window: the observations with a value and min(b, end - (window - 1)) <= year <= end,
   end = ``as_of`` if given, else the latest year with a value; without a baseline year the ten
   latest years. Observations after ``as_of`` are ignored except for the edge δ (point 6).
2. A value-kind observation whose value is None is a missing year (skipped). A count-kind
   observation must have a numerator >= 0 and a denominator > 0, else it is refused; the value
   of a count or proportion observation with numerator and denominator is always D/N × factor
   (its ``value`` is then ignored). A proportion observation without them uses its ``value``
   and has no interval (so it is "confirmed" like a value).
3. Refusals (``ReferenceRefusal``; the engine raises ``SeriesError``), checked over every
   observation passed in, before the window is taken: a value outside the scale's domain
   (negative on log; outside [0, 100] on logit; NaN anywhere), count kind on a scale other than
   log, a count observation without events or population, a target outside the scale's domain
   (negative on log, outside [0, 100] on logit; the bounds themselves are allowed), and a
   log/logit series without decimals whose largest value is 0 (a count series excepted: its
   values are never put on the scale, the events are).
4. "As published": the exact decimal of a value is ``Decimal(repr(value))``, of a rate the exact
   fraction D/N × factor (each float taken exactly), of an interval bound ``Decimal(repr(bound))``;
   it is rounded half away from zero to ``decimals`` and compared exactly with the exact decimal
   of the target, ``Decimal(repr(T))``. Without decimals: meets iff d·(y - T) >= -1e-9·max(1, |T|)
   on the float value.
5. Unfavourable interval bound: the lower bound for ``>=``, the upper for ``<=``. Count kind:
   Garwood interval (chi-square, D = 0 gives a lower bound of 0); proportion kind: Wilson
   interval with z = Φ⁻¹(0.975) on x of n, times the factor. Value kind has no interval and is
   always "confirmed".
6. *settled* Edges: only an exact 0 (log) or exact 0/100 (logit) is moved, by
   δ = 0.5·10^-decimals, or without decimals 1e-6 × the largest value of all the observations
   passed in (count and proportion values included). The move applies wherever g is taken of a
   value: the trend's points and y_last — except the projection over a zero horizon, which is
   y_last itself (§3c "the projection is y_last"), so 0 and not δ. A count series of two
   yearly points one of which has 0 events takes the slope
   between log(δ) and the other log rate, with SE = inf and p = 1.
7. *settled* Pooling (count kind, latest year < min_events events): k = 3 then 5: the window's
   observations with year > last - k; ΣD, ΣN; the point is dated floor((first + last) / 2);
   pooled_years = k; period_start/period_end = first/last pooled observation years; the small
   number gate applies when the 5-year pool still has < min_events. ``latest_year`` and
   ``latest_value`` are those of the point used (pooled date and ΣD/ΣN × factor).
8. Baseline value: the window observation at b; for count kind with < min_events events in b,
   ΣD/ΣN × factor over the observations (up to end) in b-1..b+1. No observation at b: none.
9. *settled* Dead band: 0.005/yr on log and logit; on linear 0.005·max(|T|, |y_b|), y_b the
   baseline value or, without one, the first window value.
10. *settled* Trend points: the window's yearly observations (not the pooled point). Fewer than
   2 points or a span under 2 years: too few points. Count kind: Poisson log-linear fit by
   Newton/IRLS (intercept and slope, year centred), SE from the inverse Fisher information at the
   MLE, Wald p two-sided normal; two points: slope between the log rates, SE = √(1/D₁+1/D₂)/Δt.
   Other kinds: 2 points the slope between them, 3-4 OLS on g(y), >= 5 Theil–Sen (median of
   pairwise slopes, intercept median(z_i - β·t_i)). The Poisson fit never falls back to a slope
   of 0: it halves Newton steps that lower the likelihood, and a fit that does not converge is
   an error (``ArithmeticError``; the property test discards such an example).
11. *settled* Projection ẑ = g(y_last) + β·h, h = max(0, Y - t_last); ON_TRACK iff
   d·(ŷ - T) >= -1e-9·max(1, |T|), no rounding.
12. Year met of a target not yet achieved: only when d·β > 0 (else None and
   met_beyond_horizon False): t* = t_last + (g(T) - g(y_last))/β, year_met = ceil(t* - 1e-9);
   year_met - t_last > 50 → year_met None, met_beyond_horizon True. A target at a scale bound
   (g(T) infinite) is "not within 50 years" (when d·β > 0). Computed for ON_TRACK, OFF_TRACK and
   REGRESSING, 'lost' included.
13. *settled* Achieved: year_met = first year of the latest unbroken run of window observations
   (observed years; a missing year does not break it) that meet T as published (for count kind
   regardless of each year's own events); a pooled latest point: the pooled point's date. The
   small-number gate's ACHIEVED is a pooled point, so year_met is its date.
14. *settled* 'lost' (3b): a window observation dated before the first year of the latest
   (pooled) point meets T as published (count kind: only years with own events >= min_events).
   It is decided before the too-few-points step; the trend, projection, year met, interval and
   chance are filled for it whenever the window has 2 points, even spanning 1 year only (the
   span rule belongs to step 4, which 'lost' precedes). REGRESSING and ON_TRACK have an empty
   substatus.
15. *settled* Prediction interval and chance (ON_TRACK, OFF_TRACK, REGRESSING with a trend), in
   this order of precedence: t_last > Y → none; two-point value/proportion series → none;
   OLS/Theil–Sen: s = √(Σr²/(n-2)) of the residuals about a + β·t, se = s·√(1 + 1/n +
   (x0 - t̄)²/Sxx), t quantile/CDF with n - 2 df; s == 0 exactly → [ŷ, ŷ] and chance 1.0 if
   ON_TRACK else 0.0; Poisson: se = √(h²·SE² + 1/D_last), normal; then a target at the scale's
   bound sets the chance to 0.0 (the interval stays).
16. "~" targets: tolerance = ``rule.tolerance`` or 1 point for a percentage (``percent``, unit
   "%", logit scale or factor 100) else 0.02·|T|. Inside iff |round(y) - T| <= tolerance exactly
   (exact decimals of the rounded value, T and tolerance); without decimals
   |y - T| <= tolerance + 1e-9·max(1, |T|). Inside → ACHIEVED (confirmed for value kind; for
   rates when both interval bounds are inside), year_met the first year of the latest run inside
   the band. Outside: too few points → INSUFFICIENT_DATA too_few_points; else OFF_TRACK with
   d = sign(T - y_last): improving if d·β > ε, stagnant if |β| <= ε, else moving_away; no
   projection, interval, chance or year met; no 3b. The small-number gate for "~" needs the whole
   interval inside the band.

``edges`` maps each knife-edge quantity that float noise between two correct implementations
could flip (a value next to a rounding boundary, a margin next to the target's tolerance, t*
next to an integer, d·β next to ±ε or 0, p next to 0.05, a tiny non-zero s, an upper bound
beyond exp()'s range) to its distance; the property test discards examples with a distance
under 1e-6. A value (or rate) exactly on a rounding boundary is not an edge: its exact decimal
decides without noise (7.05 → 7.1); an interval bound, from a distribution function, is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from statistics import NormalDist, median
from typing import Protocol

from scipy import stats

HORIZON = 50
Z975 = NormalDist().inv_cdf(0.975)
PROJECTED = ("ON_TRACK", "OFF_TRACK", "REGRESSING")


class ReferenceRefusal(ValueError):
    """Input the method refuses (the engine raises ``SeriesError``)."""


class ObservationLike(Protocol):
    @property
    def year(self) -> int: ...
    @property
    def value(self) -> float | None: ...
    @property
    def numerator(self) -> float | None: ...
    @property
    def denominator(self) -> float | None: ...


class RuleLike(Protocol):
    @property
    def direction(self) -> str: ...
    @property
    def target(self) -> float | None: ...
    @property
    def target_year(self) -> int: ...
    @property
    def baseline_year(self) -> int | None: ...
    @property
    def scale(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def factor(self) -> float: ...
    @property
    def tolerance(self) -> float | None: ...
    @property
    def percent(self) -> bool: ...
    @property
    def window(self) -> int: ...
    @property
    def min_events(self) -> int: ...
    @property
    def decimals(self) -> int | None: ...
    @property
    def unit(self) -> str: ...


@dataclass(frozen=True)
class Obs:
    year: int
    value: float | None
    numerator: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class Spec:
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


@dataclass
class RefJudgement:
    status: str
    substatus: str = ""
    target: float | None = None
    latest_year: int | None = None
    latest_value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    pooled_years: int = 1
    period_start: int | None = None
    period_end: int | None = None
    events: float | None = None
    baseline_value: float | None = None
    slope: float | None = None
    slope_se: float | None = None
    p_value: float | None = None
    method: str | None = None
    projected_value: float | None = None
    projected_low: float | None = None
    projected_high: float | None = None
    chance_of_meeting: float | None = None
    year_met: int | None = None
    met_beyond_horizon: bool = False
    edges: dict[str, float] = field(default_factory=dict)


# --- exact decimals ---------------------------------------------------------------------------


def exact_of_float(x: float) -> Fraction:
    """The exact decimal a float stands for: Decimal(repr(x))."""
    return Fraction(Decimal(repr(x)))


def round_half_away(x: Fraction, decimals: int) -> Fraction:
    scaled = abs(x) * 10**decimals
    n = math.floor(scaled + Fraction(1, 2))
    return Fraction(n if x >= 0 else -n, 10**decimals)


def distance_to_rounding_boundary(x: Fraction, decimals: int) -> Fraction:
    scaled = x * 10**decimals
    half = math.floor(scaled) + Fraction(1, 2)
    return abs(scaled - half) / 10**decimals


def _tol(target: float) -> float:
    return 1e-9 * max(1.0, abs(target))


def meets(value: float, exact: Fraction, target: float, d: int, decimals: int | None) -> bool:
    """Does the value as published meet the target (docs/methodology.md §三, 规范 3c)?"""
    if decimals is None:
        return d * (value - target) >= -_tol(target)
    return d * (round_half_away(exact, decimals) - exact_of_float(target)) >= 0


# --- intervals --------------------------------------------------------------------------------


def garwood(events: float, exposure: float, factor: float) -> tuple[float, float]:
    low = 0.0 if events == 0 else float(stats.chi2.ppf(0.025, 2 * events)) / 2
    high = float(stats.chi2.ppf(0.975, 2 * events + 2)) / 2
    return low * factor / exposure, high * factor / exposure


def wilson(x: float, n: float, factor: float) -> tuple[float, float]:
    p = x / n
    z2 = Z975 * Z975
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z975 / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (centre - half) * factor, (centre + half) * factor


# --- scales -----------------------------------------------------------------------------------


def g(y: float, scale: str) -> float:
    if scale == "linear":
        return y
    if scale == "log":
        return -math.inf if y == 0 else math.log(y)
    if y == 0:
        return -math.inf
    if y == 100:
        return math.inf
    return math.log(y / (100 - y))


def g_inv(z: float, scale: str) -> float:
    if scale == "linear":
        return z
    if scale == "log":
        try:
            return math.exp(z)
        except OverflowError:
            return math.inf
    if z >= 0:
        return 100 / (1 + math.exp(-z))
    return 100 * math.exp(z) / (1 + math.exp(z))


# --- fits -------------------------------------------------------------------------------------


@dataclass
class Fit:
    method: str  # 'two_point', 'ols', 'theil_sen', 'poisson'
    slope: float
    ts: list[float]
    zs: list[float]
    intercept: float | None = None
    se: float | None = None
    p: float | None = None


def ols(ts: Sequence[float], zs: Sequence[float]) -> tuple[float, float]:
    n = len(ts)
    tbar = math.fsum(ts) / n
    zbar = math.fsum(zs) / n
    sxx = math.fsum((t - tbar) ** 2 for t in ts)
    sxz = math.fsum((t - tbar) * (z - zbar) for t, z in zip(ts, zs, strict=True))
    slope = sxz / sxx
    return slope, zbar - slope * tbar


def theil_sen(ts: Sequence[float], zs: Sequence[float]) -> tuple[float, float]:
    n = len(ts)
    slopes = [(zs[j] - zs[i]) / (ts[j] - ts[i]) for i in range(n) for j in range(i + 1, n)]
    slope = median(slopes)
    return slope, median(z - slope * t for t, z in zip(ts, zs, strict=True))


def poisson_fit(
    ts: Sequence[float], events: Sequence[float], exposures: Sequence[float]
) -> tuple[float, float]:
    """MLE slope of log(μ_i) = log(N_i) + a + β·(t_i - t̄), and its SE (inverse Fisher info).

    Newton-Raphson (= IRLS for the canonical link), started from OLS on log((D + 0.5)/N) and
    halving a step that would lower the log-likelihood.
    """
    centre = math.fsum(ts) / len(ts)
    xs = [t - centre for t in ts]
    rows = list(zip(events, exposures, xs, strict=True))

    def loglik(a: float, b: float) -> float:
        if any(a + b * x > 700 for _, _, x in rows):
            return -math.inf
        return math.fsum(d * (a + b * x) - n * math.exp(a + b * x) for d, n, x in rows)

    def information(a: float, b: float) -> tuple[float, float, float, float, float]:
        mus = [n * math.exp(a + b * x) for _, n, x in rows]
        u0 = math.fsum(d - m for (d, _, _), m in zip(rows, mus, strict=True))
        u1 = math.fsum((d - m) * x for (d, _, x), m in zip(rows, mus, strict=True))
        i00 = math.fsum(mus)
        i01 = math.fsum(m * x for (_, _, x), m in zip(rows, mus, strict=True))
        i11 = math.fsum(m * x * x for (_, _, x), m in zip(rows, mus, strict=True))
        return u0, u1, i00, i01, i11

    b, a = ols(xs, [math.log((d + 0.5) / n) for d, n, _ in rows])
    current = loglik(a, b)
    for _ in range(500):
        u0, u1, i00, i01, i11 = information(a, b)
        det = i00 * i11 - i01 * i01
        da = (i11 * u0 - i01 * u1) / det
        db = (i00 * u1 - i01 * u0) / det
        step = 1.0
        while loglik(a + step * da, b + step * db) < current and step > 1e-10:
            step /= 2
        a, b = a + step * da, b + step * db
        current = loglik(a, b)
        if abs(step * da) <= 1e-13 * (1 + abs(a)) and abs(step * db) <= 1e-13 * (1 + abs(b)):
            break
    else:
        raise ArithmeticError("the Poisson fit did not converge")
    _, _, i00, i01, i11 = information(a, b)
    return b, math.sqrt(i00 / (i00 * i11 - i01 * i01))


def wald_p(slope: float, se: float) -> float:
    if math.isinf(se):
        return 1.0
    return 2 * NormalDist().cdf(-abs(slope / se))


# --- the series -------------------------------------------------------------------------------


@dataclass
class Row:
    year: int
    value: float
    exact: Fraction
    events: float | None = None  # D (count) or x (proportion)
    exposure: float | None = None  # N or n


@dataclass
class Point:
    date: int
    value: float
    exact: Fraction
    low: float | None
    high: float | None
    events: float | None
    pooled_years: int
    first: int
    last: int


def _rows(observations: Iterable[ObservationLike], rule: RuleLike) -> list[Row]:
    rows = []
    for o in observations:
        num, den = o.numerator, o.denominator
        if rule.kind == "count":
            if num is None or den is None:
                raise ReferenceRefusal(f"{o.year}: count kind needs the events and the population")
            if not (den > 0 and num >= 0):
                raise ReferenceRefusal(f"{o.year}: events {num} of {den}")
        if rule.kind in ("count", "proportion") and num is not None and den is not None:
            exact = Fraction(num) / Fraction(den) * Fraction(rule.factor)
            rows.append(Row(o.year, num / den * rule.factor, exact, num, den))
        elif o.value is not None:
            rows.append(Row(o.year, o.value, exact_of_float(o.value)))
    for r in rows:
        v = r.value
        if math.isnan(v) or (
            (rule.scale == "log" and v < 0) or (rule.scale == "logit" and not 0 <= v <= 100)
        ):
            raise ReferenceRefusal(f"{r.year}: {v} is outside the {rule.scale} scale")
    return sorted(rows, key=lambda r: r.year)


def _check_rule(rule: RuleLike, target: float) -> None:
    if rule.kind == "count" and rule.scale != "log":
        raise ReferenceRefusal("count kind is judged on the log scale only")
    if rule.scale == "log" and target < 0:
        raise ReferenceRefusal("target outside the log scale")
    if rule.scale == "logit" and not 0 <= target <= 100:
        raise ReferenceRefusal("target outside the logit scale")


def _interval(row_events: float, row_exposure: float, rule: RuleLike) -> tuple[float, float]:
    if rule.kind == "count":
        return garwood(row_events, row_exposure, rule.factor)
    return wilson(row_events, row_exposure, rule.factor)


def _single(r: Row, rule: RuleLike) -> Point:
    low = high = None
    if r.events is not None and r.exposure is not None:
        low, high = _interval(r.events, r.exposure, rule)
    return Point(r.year, r.value, r.exact, low, high, r.events, 1, r.year, r.year)


def _pool(window: list[Row], k: int, rule: RuleLike) -> Point:
    last = window[-1].year
    chosen = [r for r in window if r.year > last - k]
    events = math.fsum(r.events or 0.0 for r in chosen)
    exposure = math.fsum(r.exposure or 0.0 for r in chosen)
    exact = (
        sum((Fraction(r.events or 0.0) for r in chosen), Fraction(0))
        / sum((Fraction(r.exposure or 0.0) for r in chosen), Fraction(0))
        * Fraction(rule.factor)
    )
    low, high = garwood(events, exposure, rule.factor)
    first = chosen[0].year
    return Point(
        (first + last) // 2,
        events / exposure * rule.factor,
        exact,
        low,
        high,
        events,
        k,
        first,
        last,
    )


def _latest(window: list[Row], rule: RuleLike) -> tuple[Point, bool]:
    """The latest point (pooled for unstable counts) and whether it is still < min_events."""
    last = window[-1]
    if rule.kind != "count" or (last.events or 0.0) >= rule.min_events:
        return _single(last, rule), False
    point = _pool(window, 3, rule)
    if (point.events or 0.0) >= rule.min_events:
        return point, False
    point = _pool(window, 5, rule)
    return point, (point.events or 0.0) < rule.min_events


def _baseline(rows: list[Row], window: list[Row], rule: RuleLike) -> float | None:
    b = rule.baseline_year
    at_b = [r for r in window if r.year == b]
    if b is None or not at_b:
        return None
    row = at_b[0]
    if rule.kind != "count" or (row.events or 0.0) >= rule.min_events:
        return row.value
    near = [r for r in rows if b - 1 <= r.year <= b + 1]
    return (
        math.fsum(r.events or 0.0 for r in near)
        / math.fsum(r.exposure or 0.0 for r in near)
        * rule.factor
    )


class _Series:
    """The per-series state every step reads."""

    def __init__(self, rule: RuleLike, target: float, rows: list[Row], delta: float) -> None:
        self.rule = rule
        self.target = target
        self.rows = rows
        self.delta = delta
        self.decimals: int | None = getattr(rule, "decimals", None)
        self.edges: dict[str, float] = {}

    def moved(self, y: float) -> float:
        if self.rule.scale in ("log", "logit") and y == 0:
            return self.delta
        if self.rule.scale == "logit" and y == 100:
            return 100 - self.delta
        return y

    def z(self, y: float) -> float:
        return g(self.moved(y), self.rule.scale)

    def note_rounding(self, name: str, exact: Fraction, value: float, d: int) -> None:
        """Knife edges of one 'as published' comparison with the target."""
        if self.decimals is not None:
            dist = distance_to_rounding_boundary(exact, self.decimals)
            if dist != 0:
                self.edges[f"round {name}"] = float(dist)
        else:
            t = self.target
            self.edges[f"target {name}"] = abs(d * (value - t) + _tol(t)) / max(1.0, abs(t))

    def meets(self, value: float, exact: Fraction, d: int, name: str) -> bool:
        self.note_rounding(name, exact, value, d)
        return meets(value, exact, self.target, d, self.decimals)

    def bound_meets(self, bound: float, d: int, name: str) -> bool:
        exact = exact_of_float(bound)
        if self.decimals is not None:
            # interval bounds come from distribution functions: noisy even when exactly on a
            # boundary
            self.edges[f"round {name}"] = float(distance_to_rounding_boundary(exact, self.decimals))
        else:
            self.note_rounding(name, exact, bound, d)
        return meets(bound, exact, self.target, d, self.decimals)

    def fit(self, window: list[Row], any_span: bool = False) -> Fit | None:
        if len(window) < 2 or (window[-1].year - window[0].year < 2 and not any_span):
            return None
        ts = [float(r.year) for r in window]
        if self.rule.kind == "count":
            events = [r.events or 0.0 for r in window]
            exposures = [r.exposure or 0.0 for r in window]
            zs = [self.z(r.value) for r in window]
            if len(window) == 2:
                dt = ts[1] - ts[0]
                slope = (zs[1] - zs[0]) / dt
                se = math.inf if 0 in events else math.sqrt(1 / events[0] + 1 / events[1]) / dt
            else:
                slope, se = poisson_fit(ts, events, exposures)
            p = wald_p(slope, se)
            self.edges["p"] = abs(p - 0.05)
            return Fit("poisson", slope, ts, zs, se=se, p=p)
        zs = [self.z(r.value) for r in window]
        if len(window) == 2:
            return Fit("two_point", (zs[1] - zs[0]) / (ts[1] - ts[0]), ts, zs)
        if len(window) <= 4:
            slope, a = ols(ts, zs)
            return Fit("ols", slope, ts, zs, intercept=a)
        slope, a = theil_sen(ts, zs)
        return Fit("theil_sen", slope, ts, zs, intercept=a)

    def dead_band(self, window: list[Row], baseline: float | None) -> float:
        if self.rule.scale in ("log", "logit"):
            return 0.005
        y_b = baseline if baseline is not None else window[0].value
        return 0.005 * max(abs(self.target), abs(y_b))


def _first_year_of_latest_run(window: list[Row], inside: list[bool]) -> int:
    year = window[-1].year
    for r, ok in zip(reversed(window), reversed(inside), strict=True):
        if not ok:
            break
        year = r.year
    return year


def reference_assess(
    observations: Iterable[ObservationLike], rule: RuleLike, as_of: int | None = None
) -> RefJudgement:
    if rule.direction not in (">=", "<=", "~"):
        raise NotImplementedError("the reference covers >=, <= and ~ targets only")
    if rule.target is None:
        raise NotImplementedError("the reference covers numeric targets only")
    target = float(rule.target)
    _check_rule(rule, target)
    rows = _rows(observations, rule)
    decimals: int | None = getattr(rule, "decimals", None)
    if decimals is not None:
        delta = 0.5 * 10.0**-decimals
    else:
        largest = max((r.value for r in rows), default=None)
        # A count is never put on the scale by its value (the Poisson fit and the small-number
        # gate use its events), so an all-zero count series is judged, not refused.
        if rule.scale in ("log", "logit") and largest == 0 and rule.kind != "count":
            raise ReferenceRefusal("a series whose largest value is 0, without decimals")
        delta = 1e-6 * (largest or 0.0)
    s = _Series(rule, target, rows, delta)
    j = RefJudgement(status="NO_DATA", target=target)
    if not rows:
        return j
    end = as_of if as_of is not None else rows[-1].year
    window_years = getattr(rule, "window", 10)
    start = end - (window_years - 1)
    if rule.baseline_year is not None:
        start = min(start, rule.baseline_year)
    window = [r for r in rows if start <= r.year <= end]
    if not window:
        return j

    point, small = _latest(window, rule)
    j.latest_year, j.latest_value = point.date, point.value
    j.ci_low, j.ci_high, j.events = point.low, point.high, point.events
    j.pooled_years, j.period_start, j.period_end = point.pooled_years, point.first, point.last
    j.baseline_value = _baseline(rows, window, rule)
    j.edges = s.edges
    if rule.direction == "~":
        return _around(s, window, point, small, j)
    d = 1 if rule.direction == ">=" else -1

    # 2. small-number gate
    if small:
        bound = point.low if d > 0 else point.high
        assert bound is not None
        if s.bound_meets(bound, d, "gate bound"):
            j.status, j.substatus, j.year_met = "ACHIEVED", "confirmed", point.date
        else:
            j.status, j.substatus = "INSUFFICIENT_DATA", "small_numbers"
        return j

    # 3. achieved
    if s.meets(point.value, point.exact, d, "latest"):
        j.status = "ACHIEVED"
        bound = point.low if d > 0 else point.high
        confirmed = bound is None or s.bound_meets(bound, d, "latest bound")
        j.substatus = "confirmed" if confirmed else "provisional"
        if point.pooled_years > 1:
            j.year_met = point.date
        else:
            inside = [s.meets(r.value, r.exact, d, str(r.year)) for r in window]
            j.year_met = _first_year_of_latest_run(window, inside)
        return j

    # 3b. lost
    lost = False
    for r in window:
        if r.year >= point.first:
            continue
        if rule.kind == "count" and (r.events or 0.0) < rule.min_events:
            continue
        if s.meets(r.value, r.exact, d, str(r.year)):
            lost = True

    # 4. too few points (a series that lost the target keeps a trend over any two points)
    fit = s.fit(window, any_span=lost)
    if fit is None:
        if lost:
            j.status, j.substatus = "REGRESSING", "lost"
        else:
            j.status, j.substatus = "INSUFFICIENT_DATA", "too_few_points"
        return j

    # 5.-9.
    j.slope, j.slope_se, j.p_value, j.method = fit.slope, fit.se, fit.p, fit.method
    beta = fit.slope
    eps = s.dead_band(window, j.baseline_value)
    s.edges["slope vs +eps"] = abs(d * beta - eps)
    s.edges["slope vs -eps"] = abs(d * beta + eps)
    if fit.method in ("ols", "poisson") or beta != 0:
        s.edges["slope vs 0"] = abs(beta)
    t_last = point.date
    h = max(0, rule.target_year - t_last)
    z_last = s.z(point.value)
    z_hat = z_last + beta * h
    # At or past the target year the projection is y_last itself (§3c), never its moved δ.
    y_hat = g_inv(z_hat, rule.scale) if h else point.value
    j.projected_value = y_hat
    margin = d * (y_hat - target) + _tol(target)
    s.edges["on track"] = abs(margin) / max(1.0, abs(target))
    on_track = margin >= 0
    if lost:
        j.status, j.substatus = "REGRESSING", "lost"
    elif on_track:
        j.status = "ON_TRACK"
    elif d * beta < -eps and (rule.kind != "count" or (fit.p is not None and fit.p < 0.05)):
        j.status = "REGRESSING"
    else:
        j.status = "OFF_TRACK"
        if d * beta > eps:
            j.substatus = "improving"
        elif abs(beta) <= eps:
            j.substatus = "stagnant"
        else:
            j.substatus = "uncertain_decline"

    g_target = g(target, rule.scale)
    at_bound = math.isinf(g_target)
    if d * beta > 0:
        if at_bound:
            j.met_beyond_horizon = True
        else:
            t_star = t_last + (g_target - z_last) / beta
            if math.isfinite(t_star):
                s.edges["year met"] = abs(t_star - 1e-9 - round(t_star - 1e-9))
            year_met = math.ceil(t_star - 1e-9) if math.isfinite(t_star) else None
            if year_met is None or year_met - t_last > HORIZON:
                j.met_beyond_horizon = True
            else:
                j.year_met = year_met

    _prediction(s, fit, point, h, z_hat, y_hat, on_track, d, at_bound, j)
    return j


def _prediction(
    s: _Series,
    fit: Fit,
    point: Point,
    h: int,
    z_hat: float,
    y_hat: float,
    on_track: bool,
    d: int,
    at_bound: bool,
    j: RefJudgement,
) -> None:
    rule = s.rule
    if point.date > rule.target_year or fit.method == "two_point":
        return
    g_target = g(s.target, rule.scale)
    if fit.method == "poisson":
        assert fit.se is not None
        assert point.events
        se = math.sqrt(h * h * fit.se * fit.se + 1 / point.events)
        j.projected_low = g_inv(z_hat - Z975 * se, rule.scale)
        j.projected_high = g_inv(z_hat + Z975 * se, rule.scale)
        chance = NormalDist().cdf(d * (z_hat - g_target) / se) if not at_bound else 0.0
    else:
        assert fit.intercept is not None
        a, beta, ts, zs = fit.intercept, fit.slope, fit.ts, fit.zs
        n = len(ts)
        tbar = math.fsum(ts) / n
        if fit.method == "ols":  # the same residuals, centred: exact zeros for exact lines
            zbar = math.fsum(zs) / n
            resid = [(z - zbar) - beta * (t - tbar) for t, z in zip(ts, zs, strict=True)]
        else:
            resid = [z - a - beta * t for t, z in zip(ts, zs, strict=True)]
        sd = math.sqrt(math.fsum(r * r for r in resid) / (n - 2))
        if sd != 0:
            s.edges["s"] = sd / (1 + max(abs(z) for z in zs))
        if sd == 0:
            j.projected_low = j.projected_high = y_hat
            chance = 1.0 if on_track else 0.0
        else:
            sxx = math.fsum((t - tbar) ** 2 for t in ts)
            x0 = point.date + h
            se = sd * math.sqrt(1 + 1 / n + (x0 - tbar) ** 2 / sxx)
            q = float(stats.t.ppf(0.975, n - 2))
            j.projected_low = g_inv(z_hat - q * se, rule.scale)
            j.projected_high = g_inv(z_hat + q * se, rule.scale)
            chance = float(stats.t.cdf(d * (z_hat - g_target) / se, n - 2))
    j.chance_of_meeting = 0.0 if at_bound else chance
    if rule.scale == "log" and j.projected_high is not None and j.projected_high > 1e300:
        s.edges["exp range"] = 0.0  # beyond what exp() can represent: implementations may clamp


def _around(
    s: _Series, window: list[Row], point: Point, small: bool, j: RefJudgement
) -> RefJudgement:
    rule, target = s.rule, s.target
    if rule.tolerance is not None:
        tolerance = float(rule.tolerance)
    elif (
        getattr(rule, "percent", False)
        or getattr(rule, "unit", "") == "%"
        or rule.scale == "logit"
        or rule.factor == 100
    ):
        tolerance = 1.0
    else:
        tolerance = 0.02 * abs(target)

    def inside(value: float, exact: Fraction, name: str, noisy: bool = False) -> bool:
        if s.decimals is None:
            gap = abs(value - target) - tolerance - _tol(target)
            s.edges[f"band {name}"] = abs(gap) / max(1.0, abs(target))
            return gap <= 0
        dist = distance_to_rounding_boundary(exact, s.decimals)
        if dist != 0 or noisy:
            s.edges[f"round {name}"] = float(dist)
        gap_exact = abs(round_half_away(exact, s.decimals) - exact_of_float(target))
        if gap_exact == exact_of_float(tolerance):
            s.edges[f"band {name}"] = 0.0  # on the band's edge: exactness of |y - T| unsettled
        return gap_exact <= exact_of_float(tolerance)

    def interval_inside(name: str) -> bool:
        if point.low is None or point.high is None:
            return True
        return inside(point.low, exact_of_float(point.low), f"{name} low", noisy=True) and inside(
            point.high, exact_of_float(point.high), f"{name} high", noisy=True
        )

    if small:
        if interval_inside("gate"):
            j.status, j.substatus, j.year_met = "ACHIEVED", "confirmed", point.date
        else:
            j.status, j.substatus = "INSUFFICIENT_DATA", "small_numbers"
        return j
    if inside(point.value, point.exact, "latest"):
        j.status = "ACHIEVED"
        j.substatus = "confirmed" if interval_inside("latest") else "provisional"
        if point.pooled_years > 1:
            j.year_met = point.date
        else:
            flags = [inside(r.value, r.exact, str(r.year)) for r in window]
            j.year_met = _first_year_of_latest_run(window, flags)
        return j
    fit = s.fit(window)
    if fit is None:
        j.status, j.substatus = "INSUFFICIENT_DATA", "too_few_points"
        return j
    j.slope, j.slope_se, j.p_value, j.method = fit.slope, fit.se, fit.p, fit.method
    beta = fit.slope
    d = 1 if point.value < target else -1
    eps = s.dead_band(window, j.baseline_value)
    s.edges["slope vs +eps"] = abs(d * beta - eps)
    s.edges["slope vs -eps"] = abs(d * beta + eps)
    j.status = "OFF_TRACK"
    if d * beta > eps:
        j.substatus = "improving"
    elif abs(beta) <= eps:
        j.substatus = "stagnant"
    else:
        j.substatus = "moving_away"
    return j
