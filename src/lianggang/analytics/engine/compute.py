"""Indicator values, exact intervals and the small-number flag (METHOD.md §1–2).

Input: the output of :func:`.aggregate.aggregate` and an ``indicators`` table with
``indicator, factor, kind`` (``kind``: ``value``, ``count`` or ``proportion``).
Output: the same rows with ``value``, ``ci_low``, ``ci_high`` and ``unstable`` added.

>>> import pyarrow as pa
>>> agg = pa.table({"indicator": ["mmr"], "orgunit": ["A"], "year": [2024],
...                 "numerator": [1.0], "denominator": [1800.0]})
>>> ind = pa.table({"indicator": ["mmr"], "factor": [100000.0], "kind": ["count"]})
>>> row = compute(agg, ind).to_pylist()[0]
>>> round(row["value"], 1), round(row["ci_low"], 1), round(row["ci_high"], 1), row["unstable"]
(55.6, 1.4, 309.5, True)
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .intervals import rate_interval

MIN_EVENTS = 20


def compute(aggregated: pa.Table, indicators: pa.Table, min_events: int = MIN_EVENTS) -> pa.Table:
    """Add value, interval and instability to aggregated numerators and denominators."""
    lookup = {
        row["indicator"]: (float(row["factor"]), str(row["kind"]))
        for row in indicators.select(["indicator", "factor", "kind"]).to_pylist()
    }
    names = aggregated.column("indicator").to_pylist()
    num = aggregated.column("numerator").to_numpy(zero_copy_only=False).astype(np.float64)
    den_col = aggregated.column("denominator")
    den = np.asarray(den_col.to_numpy(zero_copy_only=False), dtype=np.float64)  # null -> NaN
    factor = np.array([lookup[n][0] for n in names], dtype=np.float64)
    kinds = np.array([lookup[n][1] for n in names])
    plain = np.isnan(den)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(plain, num, np.where(den > 0, num / den * factor, np.nan))
    lo = np.full(len(names), np.nan)
    hi = np.full(len(names), np.nan)
    for kind in ("count", "proportion"):
        mask = (kinds == kind) & ~plain
        if mask.any():
            lo[mask], hi[mask] = rate_interval(kind, num[mask], den[mask], factor[mask])
    unstable = (kinds == "count") & ~plain & (num < min_events)
    out = aggregated
    for name, arr in (("value", value), ("ci_low", lo), ("ci_high", hi)):
        out = out.append_column(name, pc.if_else(pc.is_nan(pa.array(arr)), None, pa.array(arr)))
    return out.append_column("unstable", pa.array(unstable))
