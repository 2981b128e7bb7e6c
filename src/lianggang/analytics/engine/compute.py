"""Indicator values, exact intervals and the small-number flag (docs/methodology.md §一–二).

Input: the output of :func:`.aggregate.aggregate` and an ``indicators`` table with
``indicator, denominator, factor, kind`` (``denominator`` null for a plain data element;
``kind``: ``value``, ``count`` or ``proportion``).
Output: the same rows with ``value``, ``ci_low``, ``ci_high`` and ``unstable`` added. A rate
without its denominator (a unit that reported deaths but no births) has no value.

>>> import pyarrow as pa
>>> agg = pa.table({"indicator": ["mmr"], "orgunit": ["A"], "year": [2024],
...                 "numerator": [1.0], "denominator": [1800.0]})
>>> ind = pa.table({"indicator": ["mmr"], "denominator": ["births"], "factor": [100000.0],
...                 "kind": ["count"]})
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
    meta = indicators.select(["indicator", "factor", "kind"]).append_column(
        "plain", pc.is_null(indicators.column("denominator"))
    )
    # The indicator's factor and kind beside every row, by a hash join (rows keep no order).
    out = aggregated.join(meta, "indicator", join_type="inner")
    num = _floats(out.column("numerator"))
    den = _floats(out.column("denominator"))
    factor = _floats(out.column("factor"))
    kind = out.column("kind")
    plain = out.column("plain").to_numpy(zero_copy_only=False).astype(bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        rated = ~plain & (den > 0) & ~np.isnan(num)
        value = np.where(plain, num, np.where(rated, num / den * factor, np.nan))
    lo = np.full(out.num_rows, np.nan)
    hi = np.full(out.num_rows, np.nan)
    for name in ("count", "proportion"):
        mask = _is(kind, name) & rated
        if mask.any():
            lo[mask], hi[mask] = rate_interval(name, num[mask], den[mask], factor[mask])
    with np.errstate(invalid="ignore"):
        unstable = _is(kind, "count") & rated & (num < min_events)
    out = out.drop_columns(["factor", "kind", "plain"])
    for name, arr in (("value", value), ("ci_low", lo), ("ci_high", hi)):
        out = out.append_column(name, pa.array(arr, mask=np.isnan(arr)))
    return out.append_column("unstable", pa.array(unstable))


def _is(column: pa.ChunkedArray, value: str) -> np.ndarray:
    """Where a string column equals ``value``, as a numpy mask (no Python strings made)."""
    return np.asarray(pc.equal(column, value).to_numpy(zero_copy_only=False), dtype=bool)


def _floats(column: pa.ChunkedArray) -> np.ndarray:
    """A column as float64, nulls as NaN."""
    return np.asarray(
        pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64
    )
