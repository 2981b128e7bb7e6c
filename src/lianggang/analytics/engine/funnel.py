"""The control limits of a funnel plot (the indicator page's comparison of the units below).

The limits are the exact 95 % intervals (docs/methodology.md §二: Garwood for counts, Wilson for
proportions) of a unit whose rate is the centre's, at each denominator of a grid that runs
geometrically from half the smallest denominator (at least 1) to one and a half times the
largest. A unit outside them differs from the centre by more than chance.

A proportion of 20 % (factor 100) among units of 50 to 800 people, on a grid of 4 points:

>>> limits = funnel_limits("proportion", centre=20.0, factor=100.0, denominators=[50, 200, 800],
...                        points=4)
>>> [round(float(n), 1) for n in limits.n]
[25.0, 90.9, 330.2, 1200.0]
>>> [round(float(x), 2) for x in limits.lower]
[8.86, 13.07, 16.04, 17.83]
>>> [round(float(x), 2) for x in limits.upper]
[39.13, 29.36, 24.65, 22.36]

A unit of 100 people at 31 % lies above the upper limit at its size, one at 12 % below the
lower; at 28 % it lies within:

>>> limits.outside(100, 31.0), limits.outside(100, 12.0), limits.outside(100, 28.0)
(True, True, False)

A count per 100,000 (Poisson) narrows the same way as the population grows:

>>> deaths = funnel_limits("count", centre=50.0, factor=100_000.0,
...                        denominators=[4_000, 40_000], points=3)
>>> [round(float(n)) for n in deaths.n]
[2000, 10954, 60000]
>>> [round(float(x), 1) for x in deaths.lower], [round(float(x), 1) for x in deaths.upper]
([1.3, 17.3, 33.7], [278.6, 112.6, 71.4])
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .intervals import Array, rate_interval

FUNNEL_POINTS = 60


@dataclass(frozen=True)
class FunnelLimits:
    """The grid of denominators and the lower and upper control limit at each."""

    n: Array
    lower: Array
    upper: Array

    def outside(self, denominator: float | None, value: float | None) -> bool:
        """Whether a unit's rate lies outside the limits at its denominator (interpolated on
        the grid); a unit without a denominator or a value is never outside."""
        if not denominator or value is None:
            return False
        low = float(np.interp(denominator, self.n, self.lower))
        high = float(np.interp(denominator, self.n, self.upper))
        return not low <= value <= high


def funnel_limits(
    kind: str,
    centre: float,
    factor: float,
    denominators: Iterable[float | None],
    points: int = FUNNEL_POINTS,
) -> FunnelLimits:
    """The control limits around ``centre`` (a rate × ``factor``) of an indicator of ``kind``
    (``count`` or ``proportion``; ``value`` has none: NaN), over the span of the units'
    ``denominators`` (the missing and zero ones ignored; at least one must remain)."""
    dens = [d for d in denominators if d]
    low_n, high_n = max(min(dens) * 0.5, 1.0), max(dens) * 1.5
    grid = np.geomspace(low_n, high_n, points)
    expected = centre / factor * grid
    lower, upper = rate_interval(kind, expected, grid, factor)
    return FunnelLimits(n=grid, lower=lower, upper=upper)
