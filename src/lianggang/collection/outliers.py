"""The outlier check of a yearly value: pure (no Django), shared by validation and the benchmark.

A value is compared with what the unit's own history leads one to expect this year, not with
the history's average level, so that a steady trend is never an outlier:

1. **Trend.** The unit's approved values of the ten years before are fitted on a log scale
   with a robust line (Theil–Sen: the median of the pairwise slopes, the median intercept), and
   projected to the year. With fewer than three years the expectation is last year's value.
2. **The other units this year.** Each peer unit (the other counties under the same parent)
   with a value this year and a history of its own gives its deviation from its own projection;
   when at least five do, the median of these deviations shifts the expectation: a change that
   every county shares (a new definition, a census year) is not an outlier in one of them.
3. **How far is far.** The value's distance from the expectation is measured on the scale of
   the history's own scatter around its trend (the median absolute deviation of the residuals,
   as a standard deviation), on a scale where counting noise is even: ``2·√(x + ⅜)`` for whole
   numbers (Anscombe: a Poisson count's noise is then 1 whatever its size, so 2 → 20 deaths
   is as far as 2000 → 20 000 births), the logarithm for other values. A value is flagged when
   that distance exceeds ``z_limit`` *and* the value differs from the expectation by more than
   ``change_limit`` (a share): a small change in a very smooth series is not worth a warning.
   With fewer than three years of history the share must exceed ``early_change_limit``.

A unit slip (×10, ÷10) is a change of 900 % or 90 %: beyond every limit here whenever the
history is not itself scattered by a factor of several. Separately, **a value identical to last
year's** is reported as possibly copied when the series is noisy enough that an exact repeat is
unlikely by chance (under ``repeat_chance``), never happened in its history, and the value is at
least ten steps of its last digit (a count of 0–9 repeats too often to ask about it). A value
with a fraction in a whole-number item is reported too (the grid and the imports refuse one;
one stored before is still found).

>>> steady = {y: 1000 * 1.02 ** (y - 2015) for y in range(2015, 2025)}
>>> check(1000 * 1.02 ** 10, 2025, steady, integer=False) is None
True
>>> check(10 * 1000 * 1.02 ** 10, 2025, steady, integer=False).kind
'outlier'
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

OUTLIER = "outlier"
REPEAT = "repeat"

# The defaults of the settings LIANGGANG_OUTLIER_Z and LIANGGANG_OUTLIER_CHANGE.
Z_LIMIT = 4.0
CHANGE_LIMIT = 0.2
EARLY_CHANGE_LIMIT = 0.5
REPEAT_CHANCE = 0.05
HISTORY_YEARS = 10
MIN_PEERS = 5
MAD_SD = 1.4826  # a normal distribution's standard deviation per median absolute deviation


@dataclass(frozen=True)
class Limits:
    z: float = Z_LIMIT
    change: float = CHANGE_LIMIT
    early_change: float = EARLY_CHANGE_LIMIT
    repeat_chance: float = REPEAT_CHANCE


@dataclass(frozen=True)
class Fit:
    """A unit's expectation for a year from its own history (before the peers' shift).

    ``space`` is the scale on which distances are measured: ``count`` (Anscombe's 2·√(x + ⅜),
    whole numbers), ``log`` (other values that are never negative) or ``linear`` (a series
    with negative values)."""

    projected: float  # the expectation from the unit's own history
    space: str
    offset: float  # added before a logarithm, so that 0 can be compared
    scatter: float  # the residuals' robust standard deviation, on the ``space`` scale
    points: int
    resolution: float  # the smallest step of the values (1 for whole numbers)

    def expected(self, shift: float = 0.0) -> float:
        if self.space == LINEAR:
            return self.projected
        return max((self.projected + self.offset) * math.exp(shift) - self.offset, 0.0)

    def scaled(self, x: float) -> float:
        """A value on the ``space`` scale."""
        if self.space == COUNT:
            return _anscombe(x)
        if self.space == LOG:
            return math.log(max(x, 0.0) + self.offset)
        return x

    def unscaled(self, a: float) -> float:
        if self.space == COUNT:
            return _anscombe_inverse(a)
        if self.space == LOG:
            return max(math.exp(a) - self.offset, 0.0)
        return a


COUNT, LOG, LINEAR = "count", "log", "linear"


@dataclass(frozen=True)
class Verdict:
    """Why a value is flagged: its kind (``outlier``, ``repeat`` or ``fraction``), what was
    expected and the range of values that would not have been flagged (for ``repeat``, last
    year's value)."""

    kind: str
    value: float
    expected: float
    low: float
    high: float
    z: float

    @property
    def ratio(self) -> float:
        return self.value / self.expected if self.expected else math.inf


FRACTION = "fraction"


def _resolution(values: Iterable[float]) -> float:
    """The smallest decimal step of the values: 1 for whole numbers, 0.1 for one decimal…"""
    step = 1.0
    for v in values:
        for decimals in range(0, 5):
            if math.isclose(v * 10**decimals, round(v * 10**decimals), abs_tol=1e-6):
                break
        step = min(step, 10.0**-decimals)
    return step


def _anscombe(x: float) -> float:
    return 2.0 * math.sqrt(max(x, 0.0) + 0.375)


def _anscombe_inverse(a: float) -> float:
    return max((max(a, 0.0) / 2.0) ** 2 - 0.375, 0.0)


def _theil_sen(points: list[tuple[int, float]], year: int) -> tuple[float, float]:
    """A robust line through (year, value): (the value at ``year``, the slope per year)."""
    slopes = [
        (b - a) / (yb - ya)
        for i, (ya, a) in enumerate(points)
        for yb, b in points[i + 1 :]
        if yb > ya
    ]
    slope = statistics.median(slopes)
    return statistics.median(g - slope * (y - year) for y, g in points), slope


def _scatter(residuals: list[float]) -> float:
    centre = statistics.median(residuals)
    return MAD_SD * statistics.median(abs(r - centre) for r in residuals)


def fit(history: Mapping[int, float], year: int, *, integer: bool) -> Fit | None:
    """The projection to ``year`` of the values of the ten years before it; None without any.

    Two robust lines are fitted, one to the logarithms (a steady growth rate) and one to the
    values (a steady yearly step, as a series rising from zero has); the one whose residuals
    scatter less is kept. With fewer than three years the projection is last year's value.
    """
    points = sorted((y, v) for y, v in history.items() if year - HISTORY_YEARS <= y < year)
    if not points:
        return None
    resolution = 1.0 if integer else _resolution(v for _y, v in points)
    signed = any(v < 0 for _y, v in points)
    space = LINEAR if signed else COUNT if integer else LOG
    offset = 0.0 if signed else resolution / 2
    if len(points) < 3:
        return Fit(points[-1][1], space, offset, 0.0, len(points), resolution)
    probe = Fit(0.0, space, offset, 0.0, len(points), resolution)
    candidates = []
    if not signed:
        level, slope = _theil_sen([(y, math.log(v + offset)) for y, v in points], year)
        line = [(y, math.exp(level + slope * (y - year)) - offset) for y, _v in points]
        candidates.append((math.exp(level) - offset, line))
    level, slope = _theil_sen(points, year)
    line = [(y, level + slope * (y - year)) for y, _v in points]
    if signed or level >= 0:
        candidates.append((level, line))
    best: Fit | None = None
    for projected, line in candidates:
        fitted = dict(line)
        scatter = _scatter([probe.scaled(v) - probe.scaled(fitted[y]) for y, v in points])
        if best is None or scatter < best.scatter:
            best = Fit(projected, space, offset, scatter, len(points), resolution)
    assert best is not None
    return best


def peer_shift(deviations: Iterable[float]) -> float:
    """The change this year shared by the peer units: the median of their deviations from their
    own projections (log scale) when at least five have one and it stands out from their
    scatter (more than twice its standard error, 1.25 × σ / √n), else 0."""
    found = [d for d in deviations if math.isfinite(d)]
    if len(found) < MIN_PEERS:
        return 0.0
    median = statistics.median(found)
    error = 1.2533 * _scatter(found) / math.sqrt(len(found))
    return median if abs(median) > 2 * error else 0.0


def deviation(f: Fit, x: float) -> float:
    """A value's deviation from a unit's own projection, on the log scale (for peer_shift);
    not a number for a series with negative values."""
    if f.space == LINEAR or x < 0:
        return math.nan
    base, value = f.projected + f.offset, x + f.offset
    return math.log(value / base) if base > 0 and value > 0 else math.nan


def check(
    x: float,
    year: int,
    history: Mapping[int, float],
    *,
    integer: bool,
    shift: float = 0.0,
    limits: Limits | None = None,
    fitted: Fit | None = None,
) -> Verdict | None:
    """A verdict when ``x`` (the value of ``year``) looks wrong against its history, else None.

    ``shift`` is the peers' shared change (``peer_shift``); ``fitted`` the unit's ``fit`` when
    already made.
    """
    limits = limits or Limits()
    if integer and not math.isclose(x, round(x), abs_tol=1e-9):
        return Verdict(FRACTION, x, round(x), math.floor(x), math.ceil(x), math.inf)
    f = fitted if fitted is not None else fit(history, year, integer=integer)
    if f is None:
        return None
    expected = f.expected(shift)
    change_limit = limits.early_change if f.points < 3 else limits.change
    # The scatter: at least the counting noise (whole numbers), else the rounding step and 1 %.
    if f.space == COUNT:
        scale = max(f.scatter, 1.0)
    elif f.space == LOG:
        scale = max(f.scatter, 0.01, f.resolution / max(expected, f.resolution))
    else:
        scale = max(f.scatter, f.resolution, 0.01 * abs(expected))
    centre = f.scaled(expected)
    z = (f.scaled(x) - centre) / scale
    low = f.unscaled(centre - limits.z * scale)
    high = f.unscaled(centre + limits.z * scale)
    size = abs(expected) if f.space != LINEAR else max(abs(expected), abs(f.projected), scale)
    low = min(low, expected - change_limit * size)
    high = max(high, expected + change_limit * size)
    if (x < low or x > high) and abs(x - expected) > f.resolution:
        return Verdict(OUTLIER, x, expected, low, high, z)
    previous = history.get(year - 1)
    if (
        previous is not None
        and x == previous
        and f.points >= 3
        and abs(x) >= 10 * f.resolution  # 0–9 deaths repeat too often to ask about
        and _repeat_chance(history, year, f, f.expected()) < limits.repeat_chance
    ):
        return Verdict(REPEAT, x, expected, previous, previous, z)
    return None


def _repeat_chance(history: Mapping[int, float], year: int, f: Fit, expected: float) -> float:
    """The chance that this year's value lands on last year's by itself: the rounding step times
    the normal density, at last year's value, of a value expected at ``expected`` with the
    history's own scatter around its trend. 1 when the history itself has repeated a value."""
    years = sorted(y for y in history if year - HISTORY_YEARS <= y < year)
    if any(history[a] == history[b] for a, b in itertools.pairwise(years) if b == a + 1):
        return 1.0
    if f.space == COUNT:
        # Back from the Anscombe scale (d(2√x)/dx = 1/√x), and never below a count's own noise.
        spread = max(f.scatter, 1.0) * math.sqrt(max(expected, 0.375))
    elif f.space == LOG:
        spread = f.scatter * (expected + f.offset)
    else:
        spread = f.scatter
    spread = max(spread, f.resolution / 2)
    d = (history[year - 1] - expected) / spread
    return min(1.0, f.resolution * math.exp(-d * d / 2) / (math.sqrt(2 * math.pi) * spread))
