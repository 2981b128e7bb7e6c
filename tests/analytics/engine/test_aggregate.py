"""The DuckDB aggregation against hand-made cases and against the plain-Python reference."""

from __future__ import annotations

import math
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianggang.analytics.engine.aggregate import aggregate
from lianggang.analytics.engine.compute import compute

from .reference import reference_aggregate

RATE: dict[str, Any] = {
    "indicator": "rate",
    "numerator": "d",
    "denominator": "n",
    "aggregation": "sum",
}
PLAIN: dict[str, Any] = {
    "indicator": "count",
    "numerator": "c",
    "denominator": None,
    "aggregation": "sum",
}
SURVEY: dict[str, Any] = {
    "indicator": "survey",
    "numerator": "s",
    "denominator": None,
    "aggregation": "none",
}


def _tables(
    values: list[dict[str, Any]], hierarchy: list[dict[str, Any]], indicators: list[dict[str, Any]]
) -> tuple[pa.Table, pa.Table, pa.Table]:
    v = pa.Table.from_pylist(
        values,
        schema=pa.schema(
            [
                ("element", pa.string()),
                ("orgunit", pa.string()),
                ("year", pa.int32()),
                ("disaggregation", pa.string()),
                ("value", pa.float64()),
            ]
        ),
    )
    h = pa.Table.from_pylist(
        hierarchy,
        schema=pa.schema(
            [("orgunit", pa.string()), ("parent", pa.string()), ("aggregate", pa.bool_())]
        ),
    )
    i = pa.Table.from_pylist(
        indicators,
        schema=pa.schema(
            [
                ("indicator", pa.string()),
                ("numerator", pa.string()),
                ("denominator", pa.string()),
                ("aggregation", pa.string()),
            ]
        ),
    )
    return v, h, i


def _val(
    element: str, orgunit: str, value: float, year: int = 2024, dis: str = "total"
) -> dict[str, Any]:
    return {
        "element": element,
        "orgunit": orgunit,
        "year": year,
        "disaggregation": dis,
        "value": value,
    }


TREE: list[dict[str, Any]] = [
    {"orgunit": "P", "parent": None, "aggregate": True},
    {"orgunit": "A", "parent": "P", "aggregate": True},
    {"orgunit": "B", "parent": "P", "aggregate": True},
    {"orgunit": "C", "parent": "P", "aggregate": True},
]


def _by_unit(table: pa.Table, indicator: str = "rate") -> dict[str, dict[str, Any]]:
    return {r["orgunit"]: r for r in table.to_pylist() if r["indicator"] == indicator}


def test_ratio_of_sums_leaves_out_a_child_missing_a_numerator() -> None:
    values = [
        _val("d", "A", 1),
        _val("n", "A", 100),
        _val("d", "B", 3),
        _val("n", "B", 200),
        _val("n", "C", 700),
    ]  # C has births but no deaths reported: left out of both sums
    p = _by_unit(aggregate(*_tables(values, TREE, [RATE])))["P"]
    assert (p["numerator"], p["denominator"]) == (4.0, 300.0)
    assert (p["source"], p["n_reporting"], p["n_children"]) == ("aggregated", 2, 3)
    assert p["denominator_coverage"] == pytest.approx(300 / 1000)


def test_value_reported_at_the_parent_takes_precedence() -> None:
    values = [
        _val("d", "A", 1),
        _val("n", "A", 100),
        _val("d", "B", 3),
        _val("n", "B", 200),
        _val("d", "P", 10),
        _val("n", "P", 1000),
    ]
    p = _by_unit(aggregate(*_tables(values, TREE, [RATE])))["P"]
    assert (p["numerator"], p["denominator"], p["source"]) == (10.0, 1000.0, "reported")


def test_plain_elements_sum_and_unaggregated_elements_stay_where_reported() -> None:
    values = [_val("c", "A", 5), _val("c", "B", 7), _val("s", "A", 40.0), _val("s", "B", 50.0)]
    out = aggregate(*_tables(values, TREE, [PLAIN, SURVEY]))
    assert _by_unit(out, "count")["P"]["numerator"] == 12.0
    assert "P" not in _by_unit(out, "survey")


def test_units_not_aggregated_get_no_figure() -> None:
    tree = [
        {"orgunit": "CN", "parent": None, "aggregate": False},
        *[{**t, "parent": t["parent"] or "CN"} for t in TREE],
    ]
    values = [_val("d", "A", 1), _val("n", "A", 100)]
    units = _by_unit(aggregate(*_tables(values, tree, [RATE])))
    assert set(units) == {"A", "P"}


def test_disaggregations_aggregate_separately() -> None:
    values = [
        _val("d", "A", 1, dis="urban"),
        _val("n", "A", 100, dis="urban"),
        _val("d", "B", 2, dis="urban"),
        _val("n", "B", 50, dis="urban"),
        _val("d", "A", 4, dis="rural"),
        _val("n", "A", 400, dis="rural"),
    ]
    rows = [r for r in aggregate(*_tables(values, TREE, [RATE])).to_pylist() if r["orgunit"] == "P"]
    got = {r["disaggregation"]: (r["numerator"], r["denominator"]) for r in rows}
    assert got == {"urban": (3.0, 150.0), "rural": (4.0, 400.0)}


def test_compute_adds_rates_intervals_and_the_unstable_flag() -> None:
    values = [_val("d", "A", 1), _val("n", "A", 1800), _val("d", "B", 30), _val("n", "B", 10000)]
    agg = aggregate(*_tables(values, TREE, [RATE]))
    ind = pa.table(
        {"indicator": ["rate"], "denominator": ["n"], "factor": [100000.0], "kind": ["count"]}
    )
    rows = _by_unit(compute(agg, ind))
    assert rows["A"]["value"] == pytest.approx(55.5556, rel=1e-5)
    assert (round(rows["A"]["ci_low"], 1), round(rows["A"]["ci_high"], 1)) == (1.4, 309.5)
    assert rows["A"]["unstable"]
    assert not rows["B"]["unstable"]
    assert not rows["P"]["unstable"]
    assert rows["P"]["value"] == pytest.approx(31 / 11800 * 100000)


# Property: random trees and values, the engine agrees with the reference everywhere.


@st.composite
def scenario(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    n_units = draw(st.integers(1, 14))
    hierarchy: list[dict[str, Any]] = [
        {"orgunit": "u0", "parent": None, "aggregate": draw(st.booleans())}
    ]
    for i in range(1, n_units):
        parent = draw(st.integers(0, i - 1))
        hierarchy.append(
            {
                "orgunit": f"u{i}",
                "parent": f"u{parent}",
                "aggregate": draw(st.sampled_from([True, True, True, False])),
            }
        )
    values = []
    for h in hierarchy:
        for year in (2023, 2024):
            for dis in ("total", "urban"):
                for element in ("d", "n", "c", "s"):
                    if draw(st.integers(0, 9)) < 6:
                        continue
                    values.append(
                        _val(element, h["orgunit"], float(draw(st.integers(0, 500))), year, dis)
                    )
    return values, hierarchy


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario())
def test_engine_agrees_with_reference(
    case: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    values, hierarchy = case
    indicators = [RATE, PLAIN, SURVEY]
    engine = {
        (r["indicator"], r["orgunit"], r["year"], r["disaggregation"]): r
        for r in aggregate(*_tables(values, hierarchy, indicators)).to_pylist()
    }
    reference = reference_aggregate(values, hierarchy, indicators)
    assert set(engine) == set(reference)
    for key, ref in reference.items():
        got = engine[key]
        for field in ("numerator", "denominator", "source", "n_reporting", "n_children"):
            assert got[field] == ref[field], (key, field, got, ref)
        cov_a, cov_b = got["denominator_coverage"], ref["denominator_coverage"]
        assert (cov_a is None) == (cov_b is None), (key, got, ref)
        if cov_a is not None:
            assert math.isclose(cov_a, cov_b)
