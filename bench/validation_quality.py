"""Benchmark: how well the outlier checks find wrong values, ours beside DHIS2's.

Prints figures beside their goals; exits 1 when our method misses one. Builds the demo
prefecture's history (the deterministic demo generator, 18 counties × 2010–2025, in memory; a
temporary SQLite database only holds the framework and the org units it reads), then injects
known errors into a deterministic random sample of the county values of 2016–2025 — all at once,
so that later years' history holds the earlier errors, as an approved database would:

- ×10 and ÷10 unit slips (÷10 rounded to the element's step: 1234 → 123);
- swapped digits: two adjacent digits exchanged (1234 → 2134 or 1324);
- a value in the wrong row: another data element's value of the same unit and year;
- last year's value copied.

Which injections are counted: the true value is at least 10 steps of its last digit (below that,
0–9 deaths or cases, a count's own yearly noise of ±√n is as large as the error); swapped digits
and wrong rows only where they move the value by 20 % or more (1234 → 1243 does not count: no
check can see 0.7 %); a copy only where last year's value differs from this year's. Every
other value of 2016–2025 is a clean value, checked for false flags. Separately, steady-trend
series (each county's series of a sample of elements replaced by an exact trend of −5 %, −2 %,
+2 %, +5 % or +10 % a year, rounded to the element's step) are checked in every year.

DHIS2's methods on the same data, as its documentation describes them: the min–max range
generated from a series' history as mean ± 2 × standard deviation (the default "std dev
factor"), a value outside it flagged; and its outlier detection's z-score and modified z-score
(median and MAD) with the default threshold 3.0, over the series including the value.

    .venv/bin/python bench/validation_quality.py [--per-kind 300] [--seed 19]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path

from lianggang.collection import outliers

FIRST_CHECKED = 2016
KINDS = ("×10", "÷10", "swapped digits", "wrong row", "copied last year")
TRENDS = (-0.05, -0.02, 0.02, 0.05, 0.10)
GOAL_DETECTED, GOAL_FALSE = 0.90, 0.02

Series = dict[int, float]
Key = tuple[str, str, str]  # orgunit, element, disaggregation


def _step(values: list[float]) -> float:
    return outliers._resolution(values)


def _rounded(x: float, step: float) -> float:
    return round(round(x / step) * step, 6)


def _swap(x: float, step: float, rng: random.Random) -> float | None:
    """Two adjacent digits of the value (in units of its step) exchanged; None if none differ."""
    digits = list(str(round(x / step)))
    pairs = [i for i in range(len(digits) - 1) if digits[i] != digits[i + 1]]
    if not pairs:
        return None
    i = rng.choice(pairs)
    digits[i], digits[i + 1] = digits[i + 1], digits[i]
    return _rounded(int("".join(digits)) * step, step)


# ---- DHIS2's methods -------------------------------------------------------------------------


def dhis2_minmax(x: float, past: list[float], factor: float = 2.0) -> bool:
    if len(past) < 2:
        return False
    mean, sd = statistics.fmean(past), statistics.stdev(past)
    return not (mean - factor * sd <= x <= mean + factor * sd)


def dhis2_z(x: float, past: list[float], threshold: float = 3.0) -> bool:
    values = [*past, x]
    if len(values) < 3:
        return False
    sd = statistics.pstdev(values)
    return sd > 0 and abs(x - statistics.fmean(values)) / sd > threshold


def dhis2_modz(x: float, past: list[float], threshold: float = 3.0) -> bool:
    values = [*past, x]
    if len(values) < 3:
        return False
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values)
    return mad > 0 and 0.6745 * abs(x - median) / mad > threshold


# ---- the data --------------------------------------------------------------------------------


def demo_history() -> tuple[dict[Key, Series], dict[str, bool], dict[str, str]]:
    """The demo's county values by series, whether each element is whole numbers, and each
    county's parent (its peers are its siblings)."""
    directory = tempfile.mkdtemp(prefix="lianggang-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
    os.environ.setdefault("LIANGGANG_VAR_DIR", directory)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianggang.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from lianggang.demo.services import demo_values
    from lianggang.framework.models import DataElement
    from lianggang.framework.services import framework_load
    from lianggang.orgunits.models import Level, OrgUnit
    from lianggang.orgunits.services import orgunits_load

    call_command("migrate", interactive=False, verbosity=0)
    orgunits_load()
    framework_load()
    counties = {
        o.code: o.parent.code if o.parent else ""
        for o in OrgUnit.objects.filter(level=Level.COUNTY).select_related("parent")
    }
    series: dict[Key, Series] = defaultdict(dict)
    for g in demo_values():
        if g.orgunit in counties:
            series[g.orgunit, g.element, g.disaggregation][g.year] = g.value
    integer = dict(DataElement.objects.values_list("code", "integer"))
    return dict(series), integer, counties


# ---- our method over a whole data set ---------------------------------------------------------


class Ours:
    """validation.outliers's method, over in-memory series: each unit against its own trend,
    shifted by its peers' shared deviation that year."""

    def __init__(
        self, data: Mapping[Key, Series], integer: Mapping[str, bool], limits: outliers.Limits
    ) -> None:
        self.data = data
        self.integer = integer
        self.limits = limits
        self._fits: dict[tuple[Key, int], outliers.Fit | None] = {}
        self._deviations: dict[tuple[str, str, int], dict[str, float]] = {}
        self.units: dict[tuple[str, str], list[str]] = defaultdict(list)
        for unit, element, disagg in data:
            self.units[element, disagg].append(unit)

    def fit(self, key: Key, year: int) -> outliers.Fit | None:
        if (key, year) not in self._fits:
            self._fits[key, year] = outliers.fit(self.data[key], year, integer=self.integer[key[1]])
        return self._fits[key, year]

    def shift(self, key: Key, year: int) -> float:
        cell = (key[1], key[2], year)
        if cell not in self._deviations:
            deviations = {}
            for unit in self.units[key[1], key[2]]:
                peer = (unit, key[1], key[2])
                f = self.fit(peer, year)
                x = self.data[peer].get(year)
                if f is not None and x is not None:
                    deviations[unit] = outliers.deviation(f, x)
            self._deviations[cell] = deviations
        found = self._deviations[cell]
        return outliers.peer_shift(d for u, d in found.items() if u != key[0])

    def flagged(self, key: Key, year: int) -> bool:
        x = self.data[key].get(year)
        if x is None:
            return False
        verdict = outliers.check(
            x,
            year,
            self.data[key],
            integer=self.integer[key[1]],
            shift=self.shift(key, year),
            limits=self.limits,
            fitted=self.fit(key, year),
        )
        return verdict is not None


def dhis2_flagged(
    method: Callable[[float, list[float]], bool], data: Mapping[Key, Series], key: Key, year: int
) -> bool:
    s = data[key]
    x = s.get(year)
    if x is None:
        return False
    return method(x, [v for y, v in sorted(s.items()) if y < year])


# ---- the benchmark ---------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-kind", type=int, default=300)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--z", type=float, help="our z limit (default: the setting's default)")
    parser.add_argument("--change", type=float, help="our change limit (share)")
    args = parser.parse_args()
    limits = outliers.Limits(
        z=args.z if args.z is not None else outliers.Z_LIMIT,
        change=args.change if args.change is not None else outliers.CHANGE_LIMIT,
    )
    started = time.perf_counter()
    clean, integer, _parents = demo_history()
    years = sorted({y for s in clean.values() for y in s})
    checked_years = [y for y in years if y >= FIRST_CHECKED]
    steps = {k: _step(list(s.values())) for k, s in clean.items()}
    print(
        f"demo history: {len(clean)} county series × {len(years)} years "
        f"({years[0]}–{years[-1]}), {sum(len(s) for s in clean.values())} values; "
        f"checked: {checked_years[0]}–{checked_years[-1]} ({time.perf_counter() - started:.1f} s)"
    )

    # Inject: a deterministic sample of positions per kind, no position twice.
    rng = random.Random(args.seed)
    positions = [
        (k, y) for k in sorted(clean) for y in checked_years if y in clean[k] and y - 1 in clean[k]
    ]
    rng.shuffle(positions)
    data = {k: dict(s) for k, s in clean.items()}
    by_unit_year: dict[tuple[str, int], list[Key]] = defaultdict(list)
    for k in clean:
        for y in clean[k]:
            by_unit_year[k[0], y].append(k)
    injected: dict[tuple[Key, int], str] = {}
    counts = dict.fromkeys(KINDS, 0)
    used: set[tuple[Key, int]] = set()
    for key, year in positions:
        if all(n >= args.per_kind for n in counts.values()):
            break
        true = clean[key][year]
        step = steps[key]
        if true < 10 * step or {(key, year - 1), (key, year), (key, year + 1)} & used:
            continue
        kind = min((k for k in KINDS if counts[k] < args.per_kind), key=lambda k: counts[k])
        wrong: float | None
        if kind == "×10":
            wrong = _rounded(true * 10, step)
        elif kind == "÷10":
            wrong = _rounded(true / 10, step)
        elif kind == "swapped digits":
            wrong = _swap(true, step, rng)
        elif kind == "wrong row":
            others = [o for o in by_unit_year[key[0], year] if o[1] != key[1]]
            wrong = clean[rng.choice(others)][year] if others else None
        else:
            wrong = clean[key].get(year - 1)
        if wrong is None or wrong == true:
            continue
        if kind in ("swapped digits", "wrong row") and abs(wrong - true) < 0.2 * true:
            continue
        data[key][year] = wrong
        injected[key, year] = kind
        counts[kind] += 1
        used.add((key, year))

    methods: dict[str, Callable[[Mapping[Key, Series], Key, int], bool]] = {}
    ours_injected = Ours(data, integer, limits)
    methods["ours"] = lambda d, k, y: ours_injected.flagged(k, y)
    for name, m in (
        ("DHIS2 min–max (mean ± 2 SD)", dhis2_minmax),
        ("DHIS2 z-score > 3", dhis2_z),
        ("DHIS2 modified z > 3", dhis2_modz),
    ):
        methods[name] = lambda d, k, y, m=m: dhis2_flagged(m, d, k, y)  # type: ignore[misc]

    # Steady trends: each county's series of a sample of elements made an exact trend.
    trend_rng = random.Random(args.seed + 1)
    elements = sorted({(k[1], k[2]) for k in clean})
    sample = trend_rng.sample(elements, min(30, len(elements)))
    steady: dict[Key, Series] = {}
    for i, (element, disagg) in enumerate(sample):
        rate = TRENDS[i % len(TRENDS)]
        for key in [k for k in clean if (k[1], k[2]) == (element, disagg)]:
            start = clean[key][years[0]]
            step = steps[key]
            if start < 10 * step:
                continue
            steady[key] = {y: _rounded(start * (1 + rate) ** (y - years[0]), step) for y in years}

    results: dict[str, dict[str, float]] = {}
    for name, flagged in methods.items():
        hit = dict.fromkeys(KINDS, 0)
        false = clean_n = 0
        for key in sorted(data):
            for year in checked_years:
                if year not in data[key]:
                    continue
                f = flagged(data, key, year)
                if (key, year) in injected:
                    hit[injected[key, year]] += f
                else:
                    clean_n += 1
                    false += f
        # Steady trends: in the clean data with one series replaced at a time.
        trends_flagged = 0
        trend_data = dict(clean)
        for key, s in sorted(steady.items()):
            trend_data[key] = s
            if name == "ours":
                fresh = Ours(trend_data, integer, limits)
                fl = any(fresh.flagged(key, y) for y in checked_years)
            else:
                fl = any(flagged(trend_data, key, y) for y in checked_years)
            trends_flagged += fl
            trend_data[key] = clean[key]
        results[name] = {
            **{k: hit[k] / counts[k] for k in KINDS},
            "all": sum(hit.values()) / sum(counts.values()),
            "false": false / clean_n,
            "clean_n": clean_n,
            "trends": trends_flagged,
        }

    names = list(results)
    width = 30
    print(
        f"\ninjected errors: {sum(counts.values())} "
        f"({', '.join(f'{k} {counts[k]}' for k in KINDS)}); clean values: "
        f"{int(results['ours']['clean_n'])}; steady-trend series: {len(steady)} "
        f"({', '.join(f'{r:+.0%}' for r in TRENDS)} a year, {len(checked_years)} years each)\n"
    )
    print(f"{'':<{width}}" + "".join(f"{n:>30}" for n in names))
    for label, field in [(f"detected: {k}", k) for k in KINDS] + [("detected: all", "all")]:
        print(f"{label:<{width}}" + "".join(f"{results[n][field]:>30.1%}" for n in names))
    print(
        f"{'false flags on clean values':<{width}}"
        + "".join(f"{results[n]['false']:>30.2%}" for n in names)
    )
    print(
        f"{'steady trends flagged':<{width}}"
        + "".join(f"{int(results[n]['trends']):>24} of {len(steady):<3}" for n in names)
    )
    ours = results["ours"]
    ok = ours["all"] >= GOAL_DETECTED and ours["false"] <= GOAL_FALSE and ours["trends"] == 0
    print(
        f"\ngoals: ≥ {GOAL_DETECTED:.0%} of injected errors flagged, ≤ {GOAL_FALSE:.0%} of clean "
        f"values flagged, a steady trend never flagged: "
        f"{'met' if ok else 'MISSED'} by our method ({time.perf_counter() - started:.0f} s)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
