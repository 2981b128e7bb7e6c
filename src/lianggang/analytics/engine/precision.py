"""Comparing a figure with its target at the precision it is published with
(docs/methodology.md §三, 规范 3c).

A value meets a target when the value *as published* meets it: its exact decimal rounded half
away from zero to the indicator's decimals. A typed value's exact decimal is the decimal it was
typed as (the shortest decimal that reads back as the same float); a rate's is the exact quotient
D / N × factor. So 7 deaths in 100 births, ×100, which floating point makes 7.000000000000001, is
published as 7.0 and meets "≤ 7".

>>> published(rate_exact(7, 100, 100), 1)
Fraction(7, 1)
>>> meets(rate_exact(41, 10_000, 1000), 4.1, -1, 1), meets(4.15, 4.1, -1, 1)
(True, False)
>>> str(float(published(exact(2.675), 2))), str(float(published(exact(-0.05), 1)))
('2.68', '-0.1')

Without decimals the comparison allows a relative tolerance of 1e−9·max(1, |T|):

>>> meets(7.000000000000001, 7, -1, None), meets(7.0001, 7, -1, None)
(True, False)
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

TOLERANCE = 1e-9


def exact(value: float) -> Fraction:
    """The exact decimal of a value: the shortest decimal that reads back as the same float."""
    return Fraction(Decimal(repr(float(value))))


def rate_exact(numerator: float, denominator: float, factor: float) -> Fraction:
    """The exact value of numerator / denominator × factor."""
    return exact(numerator) * exact(factor) / exact(denominator)


def published(x: Fraction, decimals: int) -> Fraction:
    """Round half away from zero to ``decimals`` places."""
    scale = Fraction(10) ** decimals
    q = x * scale
    n = math.floor(abs(q) + Fraction(1, 2))
    return Fraction(n if q >= 0 else -n) / scale


def as_fraction(x: Fraction | float) -> Fraction:
    return x if isinstance(x, Fraction) else exact(x)


def meets(x: Fraction | float, target: float, d: float, decimals: int | None) -> bool:
    """True when ``x`` meets the target in direction ``d`` (+1: "≥ T", −1: "≤ T")."""
    if decimals is None:
        return d * (float(x) - target) >= -TOLERANCE * max(1.0, abs(target))
    gap = float(x) - target
    if abs(gap) > 10.0**-decimals:
        # Rounding moves a value by half a unit of its last decimal at most: far from the
        # target, the side it is on cannot change (the exact arithmetic below is for the line).
        return d * gap > 0
    diff = published(as_fraction(x), decimals) - exact(target)
    return d * diff >= 0


def within(x: Fraction | float, target: float, tolerance: float, decimals: int | None) -> bool:
    """True when ``x`` lies within ±tolerance of the target (an "around T" band), as published."""
    if decimals is None:
        slack = TOLERANCE * max(1.0, abs(target))
        return abs(float(x) - target) <= tolerance + slack
    if abs(abs(float(x) - target) - tolerance) > 10.0**-decimals:
        return abs(float(x) - target) < tolerance  # far from the band's edges
    diff = published(as_fraction(x), decimals) - exact(target)
    return abs(diff) <= exact(tolerance)


def rounded(value: float, decimals: int) -> float:
    """The value as published, as a float: what every page, report and export shows.

    >>> rounded(89.25, 1), rounded(2.675, 2), rounded(-0.05, 1)
    (89.3, 2.68, -0.1)
    """
    return float(published(exact(value), decimals))
