"""Deterministic synthetic data values for the demo prefecture (演示数据，非官方统计).

Pure: takes the counties, the indicators' formulas and ``params.yaml``; returns data values.
Every element has its own random stream (seeded by the global seed and the element's code), so
adding an element leaves the others' values unchanged.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import yaml

from lianggang.analytics.engine.trend import inverse, transform


@dataclass(frozen=True)
class County:
    code: str
    population: int


@dataclass(frozen=True)
class Formula:
    """How the first indicator using a numerator element computes from it."""

    numerator: str
    denominator: str | None
    factor: float
    kind: str
    scale: str


@dataclass(frozen=True)
class GeneratedValue:
    element: str
    orgunit: str
    year: int
    disaggregation: str
    value: float


def load_params() -> dict[str, Any]:
    text = (resources.files("lianggang.demo") / "params.yaml").read_text(encoding="utf-8")
    params: dict[str, Any] = yaml.safe_load(text)
    return params


class Generator:
    def __init__(
        self,
        *,
        counties: list[County],
        prefecture: str,
        formulas: list[Formula],
        residence_elements: set[str],
        params: dict[str, Any],
    ) -> None:
        self.counties = counties
        self.prefecture = prefecture
        self.params = params
        self.years = list(range(params["first_year"], params["last_year"] + 1))
        self.formulas: dict[str, Formula] = {}
        for f in formulas:
            self.formulas.setdefault(f.numerator, f)
        self.residence = residence_elements
        # element -> (county, year, disaggregation) -> value
        self.done: dict[str, dict[tuple[str, int, str], float]] = {}

    def rng(self, *parts: str) -> np.random.Generator:
        key = zlib.crc32("/".join(parts).encode())
        return np.random.default_rng([int(self.params["seed"]), key])

    def run(self) -> Iterator[GeneratedValue]:
        for element in self.formulas:
            self._element(element)
        for element in self.params["counts"]:
            self._element(element)
        for element, table in self.done.items():
            for (orgunit, year, disagg), value in table.items():
                yield GeneratedValue(element, orgunit, year, disagg, value)

    def _disaggs(self, element: str) -> list[str]:
        return ["urban", "rural"] if element in self.residence else ["total"]

    def _element(self, element: str) -> dict[tuple[str, int, str], float]:
        if element in self.done:
            return self.done[element]
        if element in self.params["counts"]:
            table = self._counts(element)
        elif element in self.params.get("values", {}):
            table = self._values(element)
        elif element in self.params["rates"]:
            table = self._rates(element)
        else:
            raise KeyError(f"demo params.yaml has no entry for data element {element!r}")
        if element in self.residence:
            for c in self.counties:
                for y in self.years:
                    table[c.code, y, "total"] = (
                        table[c.code, y, "urban"] + table[c.code, y, "rural"]
                    )
        self.done[element] = table
        return table

    def _urban_share(self, county: str) -> float:
        shares = self.params["residence"]["urban_share"]
        return float(shares.get(county, shares["default"]))

    def _counts(self, element: str) -> dict[tuple[str, int, str], float]:
        p = self.params["counts"][element]
        rng = self.rng(element)
        table = {}
        for c in self.counties:
            for y in self.years:
                expected = c.population * p["per_capita"] * (1 + p["growth"]) ** (y - 2020)
                expected *= math.exp(rng.normal(0, 0.02))
                for d in self._disaggs(element):
                    share = 1.0
                    if d != "total":
                        u = self._urban_share(c.code)
                        share = u if d == "urban" else 1 - u
                    table[c.code, y, d] = float(rng.poisson(expected * share))
        return table

    def _values(self, element: str) -> dict[tuple[str, int, str], float]:
        p = self.params["values"][element]
        rng = self.rng(element)
        scale, decimals = p["scale"], p["decimals"]
        table = {}
        effects = {c.code: rng.normal(0, p["spread"]) for c in self.counties}
        effects[self.prefecture] = 0.0
        for code in [c.code for c in self.counties] + [self.prefecture]:
            for y in self.years:
                z = transform(scale, p["level"]) + effects[code] + p["trend"] * (y - 2020)
                noise = rng.normal(0, p["spread"] / 8)
                table[code, y, "total"] = round(inverse(scale, z + noise), decimals)
        return table

    def _rates(self, element: str) -> dict[tuple[str, int, str], float]:
        p = self.params["rates"][element]
        f = self.formulas[element]
        if f.denominator is None:
            raise ValueError(f"rate element {element!r} needs an indicator with a denominator")
        den = self._element(f.denominator)
        base = self._element(p["part_of"]) if "part_of" in p else None
        base_level = self.params["rates"][p["part_of"]]["level"] if "part_of" in p else 0.0
        base_trend = self.params["rates"][p["part_of"]]["trend"] if "part_of" in p else 0.0
        rng = self.rng(element)
        scale = f.scale
        effects = {c.code: rng.normal(0, p["spread"]) for c in self.counties}
        rr = self.params["residence"]
        table = {}
        for c in self.counties:
            for y in self.years:
                z = transform(scale, p["level"]) + effects[c.code] + p["trend"] * (y - 2020)
                rate = inverse(scale, z + rng.normal(0, p["spread"] / 6))
                for d in self._disaggs(element):
                    r = (
                        rate
                        * {"total": 1.0, "urban": rr["urban_rate"], "rural": rr["rural_rate"]}[d]
                    )
                    n = den[c.code, y, d]
                    if base is not None:
                        b_rate = base_level * math.exp(base_trend * (y - 2020))
                        extra = max(r - b_rate, 0.0) / f.factor * n
                        table[c.code, y, d] = base[c.code, y, d] + float(rng.poisson(extra))
                    elif f.kind == "count":
                        table[c.code, y, d] = float(rng.poisson(r / f.factor * n))
                    elif f.kind == "proportion":
                        prob = min(max(r / f.factor, 0.0), 1.0)
                        table[c.code, y, d] = float(rng.binomial(int(n), prob))
                    else:
                        table[c.code, y, d] = float(round(r / f.factor * n))
        return table
