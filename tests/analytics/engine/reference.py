"""A deliberately simple, plain-Python reference of the aggregation (docs/methodology.md §一).

Written independently of the DuckDB engine so that the two can be compared.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

Key = tuple[str, str, int, str]  # indicator, orgunit, year, disaggregation


def reference_aggregate(
    values: list[dict[str, Any]], hierarchy: list[dict[str, Any]], indicators: list[dict[str, Any]]
) -> dict[Key, dict[str, Any]]:
    children: dict[str, list[str]] = defaultdict(list)
    aggregate_flag = {}
    for h in hierarchy:
        aggregate_flag[h["orgunit"]] = h["aggregate"]
        if h["parent"] is not None:
            children[h["parent"]].append(h["orgunit"])
    raw = {(v["element"], v["orgunit"], v["year"], v["disaggregation"]): v["value"] for v in values}
    slots = {(v["year"], v["disaggregation"]) for v in values}
    result: dict[Key, dict[str, Any]] = {}

    def final(ind: dict[str, Any], unit: str, year: int, dis: str) -> tuple[Any, Any]:
        key = (ind["indicator"], unit, year, dis)
        if key in result:
            return result[key]["numerator"], result[key]["denominator"]
        has_den = ind["denominator"] is not None
        rep_num = raw.get((ind["numerator"], unit, year, dis))
        rep_den = raw.get((ind["denominator"], unit, year, dis)) if has_den else None
        agg_num = agg_den = None
        n_reporting = None
        den_all = None
        kids = children.get(unit, [])
        aggregated = bool(kids) and aggregate_flag[unit] and ind["aggregation"] == "sum"
        if aggregated:
            complete = []
            dens = []
            for k in kids:
                n, d = final(ind, k, year, dis)
                if d is not None:
                    dens.append(d)
                if n is not None and (d is not None or not has_den):
                    complete.append((n, d))
            if complete:
                agg_num = sum(n for n, _ in complete)
                agg_den = sum(d for _, d in complete) if has_den else None
                n_reporting = len(complete)
                den_all = sum(dens) if dens else None
            else:
                aggregated = False
        num = rep_num if rep_num is not None else agg_num
        den = rep_den if rep_den is not None else agg_den
        if num is None:
            return None, den  # no value here, but a denominator still counts for coverage
        rep_complete = rep_num is not None and (rep_den is not None or not has_den)
        if not aggregated or rep_complete:
            source = "reported"
        elif rep_num is None and rep_den is None:
            source = "aggregated"
        else:
            source = "mixed"
        coverage = None
        if aggregated and rep_den is None and den_all:
            coverage = agg_den / den_all if agg_den is not None else None
        result[key] = {
            "numerator": num,
            "denominator": den,
            "source": source,
            "n_reporting": n_reporting if aggregated else None,
            "n_children": len(kids),
            "denominator_coverage": coverage,
        }
        return num, den

    for ind in indicators:
        for h in hierarchy:
            for year, dis in slots:
                final(ind, h["orgunit"], year, dis)
    return result
