"""Exact 95 % intervals (docs/methodology.md §二).

>>> lo, hi = poisson_interval(np.array([1.0]))
>>> round(float(lo[0]), 3), round(float(hi[0]), 3)
(0.025, 5.572)
>>> lo, hi = wilson_interval(np.array([45.0]), np.array([50.0]))
>>> round(float(lo[0]) * 100, 1), round(float(hi[0]) * 100, 1)
(78.6, 95.7)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaincinv
from scipy.stats import norm

Array = NDArray[np.float64]
ALPHA = 0.05


def poisson_interval(events: Array, alpha: float = ALPHA) -> tuple[Array, Array]:
    """Return Garwood's exact limits for D observed events (as event counts)."""
    d = np.asarray(events, dtype=np.float64)
    # χ²(p; 2k)/2 is the gamma quantile gammaincinv(k, p): the same limits, computed directly.
    with np.errstate(invalid="ignore"):
        lower = np.where(d > 0, gammaincinv(np.maximum(d, 1e-300), alpha / 2), 0.0)
        upper = gammaincinv(d + 1, 1 - alpha / 2)
    nan = np.isnan(d)
    return np.where(nan, np.nan, lower), np.where(nan, np.nan, upper)


def wilson_interval(successes: Array, trials: Array, alpha: float = ALPHA) -> tuple[Array, Array]:
    """Return Wilson score limits for x successes in n trials, as proportions (0–1)."""
    x = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    z = float(norm.ppf(1 - alpha / 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        lower = np.clip(centre - half, 0.0, 1.0)
        upper = np.clip(centre + half, 0.0, 1.0)
    bad = ~(n > 0) | np.isnan(x) | (x < 0) | (x > n)
    return np.where(bad, np.nan, lower), np.where(bad, np.nan, upper)


def rate_interval(
    kind: str, numerator: Array, denominator: Array, factor: Array | float
) -> tuple[Array, Array]:
    """Return the interval of ``numerator / denominator × factor`` for a kind of indicator.

    ``count`` uses the exact Poisson limits, ``proportion`` Wilson's; ``value`` has none (NaN).
    """
    num = np.asarray(numerator, dtype=np.float64)
    den = np.asarray(denominator, dtype=np.float64)
    fac = np.asarray(factor, dtype=np.float64)
    if kind == "count":
        lo, hi = poisson_interval(num)
    elif kind == "proportion":
        lo, hi = wilson_interval(num, den)
        lo, hi = lo * den, hi * den
    else:
        nan = np.full(np.broadcast(num, den).shape, np.nan)
        return nan, nan
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = den > 0
        return (
            np.where(ok, lo / np.where(ok, den, 1) * fac, np.nan),
            np.where(ok, hi / np.where(ok, den, 1) * fac, np.nan),
        )
