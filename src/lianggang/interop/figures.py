"""Indicator values as the statistical formats need them (SDMX-CSV, Open SDG, JSON-stat)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FigureRow:
    indicator: str
    orgunit: str
    year: int
    disaggregation: str  # an option code, or "total"
    category: str  # the option's category code ("" for the total)
    value: float | None
    unit: str = ""
    unstable: bool = False
    numerator: float | None = None
    denominator: float | None = None
