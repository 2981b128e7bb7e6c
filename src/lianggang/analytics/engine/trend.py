"""Scales and trend fits (docs/methodology.md §三, steps 5–6, and 规范 3c).

>>> round(transform("log", 20.0), 4)
2.9957
>>> round(inverse("logit", transform("logit", 80.0)), 6)
80.0
>>> fit = line_fit([2020, 2022, 2024], [70.0, 76.0, 78.0])
>>> round(fit.slope, 6), round(fit.intercept + fit.slope * 2022, 6), fit.method
(2.0, 74.666667, 'ols')
>>> theil_sen([2016, 2018, 2020, 2022, 2024], [60.0, 62.0, 90.0, 66.0, 68.0]).slope
1.0
>>> f = poisson_slope([2020, 2024], [100.0, 80.0], [500_000.0, 500_000.0])
>>> round(f.slope, 5), round(f.se, 5)
(-0.05579, 0.0375)
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SCALES = ("linear", "log", "logit")
# Series of this many points or more are fitted by Theil–Sen rather than least squares.
ROBUST_FROM = 5


def in_domain(scale: str, y: float) -> bool:
    """True when ``y`` may be put on the scale (0 itself is moved inside by the caller)."""
    if scale == "log":
        return y >= 0
    if scale == "logit":
        return 0 <= y <= 100
    return True


def transform(scale: str, y: float) -> float:
    """Map a value onto the scale on which trends are linear.

    The bounds map to ±infinity (a target of 0 on the log scale can never be reached by a
    trend); a value outside the domain is an error: values are never clamped.
    """
    if scale == "linear":
        return y
    if not in_domain(scale, y):
        raise ValueError(f"{y!r} is outside the domain of the {scale} scale")
    if scale == "log":
        return math.log(y) if y > 0 else -math.inf
    if scale == "logit":
        if y == 0:
            return -math.inf
        if y == 100:
            return math.inf
        return math.log(y / (100.0 - y))
    raise ValueError(f"unknown scale {scale!r}")


def inverse(scale: str, z: float) -> float:
    """Map a value back from the trend scale."""
    if scale == "linear":
        return z
    if scale == "log":
        return math.exp(min(z, 700.0))
    if scale == "logit":
        if z >= 0:
            return 100.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return 100.0 * e / (1.0 + e)
    raise ValueError(f"unknown scale {scale!r}")


@dataclass(frozen=True)
class LineFit:
    """A straight line z = intercept + slope·t and what its prediction interval needs."""

    slope: float
    intercept: float
    method: str  # "ols" or "theil_sen"
    n: int
    t_mean: float
    sxx: float
    residual_sd: float | None  # s = √(Σr²/(n − 2)); None for two points


def ols_slope(years: Sequence[float], z: Sequence[float]) -> float:
    """Return the least-squares slope of z on year (the slope between them for two points)."""
    return line_fit(years, z, robust=False).slope


def line_fit(years: Sequence[float], z: Sequence[float], *, robust: bool = True) -> LineFit:
    """Fit z on year: least squares for 2–4 points, Theil–Sen for 5 or more (when ``robust``)."""
    if robust and len(years) >= ROBUST_FROM:
        return theil_sen(years, z)
    t = np.asarray(years, dtype=np.float64)
    y = np.asarray(z, dtype=np.float64)
    tc = t - t.mean()
    slope = float((tc * (y - y.mean())).sum() / (tc * tc).sum())
    return _with_residuals(t, y, slope, float(y.mean() - slope * t.mean()), "ols")


def theil_sen(years: Sequence[float], z: Sequence[float]) -> LineFit:
    """Theil–Sen: the median of the pairwise slopes (the mean of the middle two when their
    number is even) and the intercept median(z_i − β·t_i) (scipy's ``method="joint"``)."""
    t = np.asarray(years, dtype=np.float64)
    y = np.asarray(z, dtype=np.float64)
    slopes = [
        (y[j] - y[i]) / (t[j] - t[i])
        for i in range(len(t))
        for j in range(i + 1, len(t))
        if t[j] != t[i]
    ]
    slope = float(statistics.median(slopes))
    intercept = float(statistics.median((y - slope * t).tolist()))
    return _with_residuals(t, y, slope, intercept, "theil_sen")


def _with_residuals(
    t: np.ndarray, y: np.ndarray, slope: float, intercept: float, method: str
) -> LineFit:
    n = len(t)
    tc = t - t.mean()
    sd = None
    if n > 2:
        r = y - intercept - slope * t
        sd = math.sqrt(float((r * r).sum()) / (n - 2))
    return LineFit(slope, intercept, method, n, float(t.mean()), float((tc * tc).sum()), sd)


@dataclass(frozen=True)
class PoissonFit:
    slope: float
    se: float
    p_value: float


def poisson_slope(
    years: Sequence[float], events: Sequence[float], exposure: Sequence[float]
) -> PoissonFit:
    """Fit log E[D_t] = log N_t + a + β·t by maximum likelihood (IRLS) and return β.

    With two points this is the slope between the two log rates and
    SE = √(1/D₁ + 1/D₂)/Δt, as docs/methodology.md states. Where the maximum-likelihood estimate
    does not exist (every event in one year, or a zero in a two-point series), 0.5 is added to every
    count, the usual continuity correction.
    """
    t = np.asarray(years, dtype=np.float64)
    d = np.asarray(events, dtype=np.float64)
    n = np.asarray(exposure, dtype=np.float64)
    if d.sum() <= 0:
        return PoissonFit(0.0, math.inf, 1.0)
    fit = _irls(t, d, n)
    if fit is None:
        fit = _irls(t, d + 0.5, n)
    if fit is None:  # pragma: no cover - the corrected counts always converge
        return PoissonFit(0.0, math.inf, 1.0)
    return fit


def _irls(t: np.ndarray, d: np.ndarray, n: np.ndarray) -> PoissonFit | None:
    """Newton–Raphson (IRLS) on the Poisson log-likelihood, started from least squares on
    log((D + 0.5)/N) and halving any step that lowers the likelihood; None when the estimate
    does not exist (it runs off to infinity)."""
    if (d == 0).any() and len(d) == 2:
        return None
    tc = t - t.mean()
    x = np.column_stack([np.ones_like(tc), tc])
    offset = np.log(n)
    start = np.log((d + 0.5) / n)
    beta = np.linalg.lstsq(x, start, rcond=None)[0]

    def loglik(b: np.ndarray) -> float:
        eta = x @ b + offset
        return float((d * eta - np.exp(eta)).sum())

    current = loglik(beta)
    for _ in range(200):
        mu = np.exp(x @ beta + offset)
        info = x.T @ (x * mu[:, None])
        try:
            step = np.linalg.solve(info, x.T @ (d - mu))
        except np.linalg.LinAlgError:
            return None  # the information vanished: the estimate runs off to infinity
        for _ in range(60):
            trial = beta + step
            value = loglik(trial)
            if value >= current - 1e-12 * max(1.0, abs(current)):
                break
            step = step / 2
        beta, current = trial, value
        if abs(beta[1]) > 20.0:
            return None  # a slope of e^20 a year: the estimate does not exist
        if np.abs(step).max() < 1e-11:
            break
    else:
        return None
    mu = np.exp(x @ beta + offset)
    try:
        cov = np.linalg.inv(x.T @ (x * mu[:, None]))
    except np.linalg.LinAlgError:
        return None
    se = math.sqrt(cov[1, 1])
    z = beta[1] / se if se > 0 else 0.0
    p = math.erfc(abs(z) / math.sqrt(2.0))
    return PoissonFit(float(beta[1]), se, p)
