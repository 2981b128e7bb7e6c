"""Golden cases for the figures: aggregation, values and intervals, target overrides, judgement.

Each folder of ``golden/figures`` is one titled case (see its README): a small hierarchy,
indicators and approved values in CSV, and the figures and judgements expected, written by hand
from docs/methodology.md. The engine runs as the store runs it: aggregate → compute → the target
that applies at each unit → assess.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from lianggang.analytics.engine.aggregate import aggregate
from lianggang.analytics.engine.assess import Observation, Rule, assess
from lianggang.analytics.engine.compute import compute
from lianggang.analytics.engine.targets import effective_targets

from .goldens import cell, matches

ROOT = Path(__file__).parent / "golden" / "figures"
CASES = sorted(p for p in ROOT.glob("*/") if p.is_dir())
FIGURE_KEY = ("indicator", "orgunit", "year", "disaggregation")
JUDGEMENT_KEY = ("indicator", "orgunit", "as_of")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _none(s: str) -> str | None:
    return s or None


def _float(s: str) -> float | None:
    return float(s) if s else None


def _inputs(case: Path) -> tuple[pa.Table, pa.Table, pa.Table, list[dict[str, str]]]:
    hier = _rows(case / "hierarchy.csv")
    hierarchy = pa.table(
        {
            "orgunit": [h["orgunit"] for h in hier],
            "parent": pa.array([_none(h["parent"]) for h in hier], pa.string()),
            "aggregate": [h.get("aggregate", "true") != "false" for h in hier],
        }
    )
    vals = _rows(case / "values.csv")
    values = pa.table(
        {
            "element": [v["element"] for v in vals],
            "orgunit": [v["orgunit"] for v in vals],
            "year": pa.array([int(v["year"]) for v in vals], pa.int32()),
            "disaggregation": [v.get("disaggregation") or "total" for v in vals],
            "value": pa.array([float(v["value"]) for v in vals], pa.float64()),
        }
    )
    inds = _rows(case / "indicators.csv")
    indicators = pa.table(
        {
            "indicator": [i["indicator"] for i in inds],
            "numerator": [i["numerator"] for i in inds],
            "denominator": pa.array([_none(i["denominator"]) for i in inds], pa.string()),
            "aggregation": [i.get("aggregation") or "sum" for i in inds],
            "factor": pa.array([float(i.get("factor") or 1) for i in inds], pa.float64()),
            "kind": [i.get("kind") or "value" for i in inds],
        }
    )
    return values, hierarchy, indicators, inds


def _check(
    expected: list[dict[str, str]],
    actual: dict[tuple[str, ...], dict[str, Any]],
    key: tuple[str, ...],
    what: str,
) -> None:
    problems = []
    for e in expected:
        k = tuple(e[c] for c in key)
        if k not in actual:
            problems.append(f"{what} {k}: expected, not computed")
            continue
        got = actual[k]
        for column, want in e.items():
            if column in key:
                continue
            have = cell(got[column])
            if not matches(want, have):
                problems.append(f"{what} {k} {column}: expected {want!r}, got {have!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_figures(case: Path) -> None:
    values, hierarchy, indicators, inds = _inputs(case)
    computed = compute(aggregate(values, hierarchy, indicators), indicators).to_pylist()
    figures: dict[tuple[str, ...], dict[str, Any]] = {
        (r["indicator"], r["orgunit"], str(r["year"]), r["disaggregation"]): r for r in computed
    }
    expected = _rows(case / "expected_figures.csv")
    _check(expected, figures, FIGURE_KEY, "figure")
    # No figure beyond those written down: a unit without one must not get one.
    listed = {tuple(e[c] for c in FIGURE_KEY) for e in expected}
    assert set(figures) == listed, f"computed but not expected: {set(figures) - listed}"

    judgements_file = case / "expected_judgements.csv"
    if not judgements_file.exists():
        return
    parents = {r["orgunit"]: r["parent"] for r in hierarchy.to_pylist()}
    overrides_file = case / "overrides.csv"
    overrides = {
        (o["indicator"], o["orgunit"]): float(o["target"])
        for o in (_rows(overrides_file) if overrides_file.exists() else [])
    }
    targets = effective_targets(
        parents, {i["indicator"]: _float(i["target"]) for i in inds}, overrides
    )
    config = {i["indicator"]: i for i in inds}
    judged: dict[tuple[str, ...], dict[str, Any]] = {}
    expected_j = _rows(judgements_file)
    for e in expected_j:
        ind, unit, as_of = e["indicator"], e["orgunit"], int(e["as_of"])
        c = config[ind]
        rule = Rule(
            direction=c["direction"],
            target=targets[ind, unit],
            target_year=int(c["target_year"]),
            baseline_year=int(c["baseline_year"]),
            scale=c.get("scale") or "linear",
            kind=c.get("kind") or "value",
            factor=float(c.get("factor") or 1),
            percent=c.get("unit") == "%",
        )
        obs = sorted(
            (
                Observation(r["year"], r["value"], r["numerator"], r["denominator"])
                for r in computed
                if r["indicator"] == ind and r["orgunit"] == unit and r["disaggregation"] == "total"
            ),
            key=lambda o: o.year,
        )
        j = assess(obs, rule, as_of=as_of)
        judged[ind, unit, e["as_of"]] = {f: getattr(j, f) for f in e if f not in JUDGEMENT_KEY}
    _check(expected_j, judged, JUDGEMENT_KEY, "judgement")


def test_every_case_is_titled_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert CASES
    for case in CASES:
        assert f"`{case.name}`" in readme, f"{case.name} has no title in the README"
