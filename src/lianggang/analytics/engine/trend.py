"""Scales and trend fits (METHOD.md §3, steps 5–6).

>>> round(transform("log", 20.0), 4)
2.9957
>>> round(inverse("logit", transform("logit", 80.0)), 6)
80.0
>>> fit = ols_slope([2020, 2022, 2024], [70.0, 76.0, 78.0])
>>> round(fit, 6)
2.0
>>> f = poisson_slope([2020, 2024], [100.0, 80.0], [500_000.0, 500_000.0])
>>> round(f.slope, 5), round(f.se, 5)
(-0.05579, 0.0375)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SCALES = ("linear", "log", "logit")
# Values at the edge of a scale's domain (0 on log; 0 or 100 on logit) are moved inside it by
# this much so that a trend can still be fitted; the shift is far below reporting precision.
EDGE = 0.05


def transform(scale: str, y: float) -> float:
    """Map a value onto the scale on which trends are linear."""
    if scale == "linear":
        return y
    if scale == "log":
        return math.log(max(y, EDGE))
    if scale == "logit":
        p = min(max(y, EDGE), 100.0 - EDGE)
        return math.log(p / (100.0 - p))
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


def ols_slope(years: Sequence[float], z: Sequence[float]) -> float:
    """Return the least-squares slope of z on year (the slope between them for two points)."""
    t = np.asarray(years, dtype=np.float64)
    y = np.asarray(z, dtype=np.float64)
    tc = t - t.mean()
    return float((tc * (y - y.mean())).sum() / (tc * tc).sum())


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
    SE = √(1/D₁ + 1/D₂)/Δt, as METHOD.md states. Where the maximum-likelihood estimate does not
    exist (every event in one year, or a zero in a two-point series), 0.5 is added to every
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
    if (d == 0).any() and len(d) == 2:
        return None
    tc = t - t.mean()
    x = np.column_stack([np.ones_like(tc), tc])
    offset = np.log(n)
    beta = np.array([math.log(d.sum() / n.sum()), 0.0])
    for _ in range(50):
        mu = np.exp(x @ beta + offset)
        info = x.T @ (x * mu[:, None])
        step = np.linalg.solve(info, x.T @ (d - mu))
        beta = beta + step
        if abs(beta[1]) > 5.0:
            return None
        if np.abs(step).max() < 1e-10:
            break
    else:
        return None
    mu = np.exp(x @ beta + offset)
    cov = np.linalg.inv(x.T @ (x * mu[:, None]))
    se = math.sqrt(cov[1, 1])
    z = beta[1] / se if se > 0 else 0.0
    p = math.erfc(abs(z) / math.sqrt(2.0))
    return PoissonFit(float(beta[1]), se, p)
