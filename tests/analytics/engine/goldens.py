"""Comparison of golden files' hand-written figures with what the code computed."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def matches(expected: str, actual: str) -> bool:
    """True when ``actual`` equals ``expected`` at the precision ``expected`` is written with.

    ``1.667`` matches anything within ±0.0005; an empty cell must be empty; ``*`` is not checked.
    """
    if expected == "*":
        return True
    if expected == "" or actual == "":
        return expected == actual
    try:
        e = Decimal(expected)
    except InvalidOperation:
        return expected == actual
    exponent = e.as_tuple().exponent
    assert isinstance(exponent, int)
    places = -exponent if exponent < 0 else 0
    tolerance = Decimal(5) / Decimal(10) ** (places + 1)
    return abs(Decimal(actual) - e) <= tolerance


def cell(x: object) -> str:
    """A computed value as a golden file writes it: empty for none, lower-case booleans."""
    if x is None or (isinstance(x, float) and x != x):
        return ""
    if isinstance(x, bool):
        return "true" if x else "false"
    if hasattr(x, "value"):  # an enum
        return str(x.value)
    return str(x)
