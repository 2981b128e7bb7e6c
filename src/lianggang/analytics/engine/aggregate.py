"""Ratio-of-sums aggregation of indicator inputs up the hierarchy, in DuckDB (docs/methodology.md
§一).

Inputs (Arrow tables):

- ``values``: ``element, orgunit, year, disaggregation, value`` — approved data values;
- ``hierarchy``: ``orgunit, parent, aggregate`` — ``aggregate`` is false for units whose
  children are not all held (a country above a single prefecture), which get no aggregate;
- ``indicators``: ``indicator, numerator, denominator, aggregation`` — ``denominator`` null for
  a plain data element; ``aggregation`` ``sum`` or ``none`` (only where reported).

Keys (``element``, ``orgunit``, ``parent``, ``indicator``) may be codes or integer ids, as long
as each is one type throughout.

Output: one row per indicator × org unit × year × disaggregation that has a numerator, with
``numerator``, ``denominator``, ``source`` (``reported``, ``aggregated`` or ``mixed``: which of
the two elements were reported at the unit itself), ``n_reporting`` and ``n_children``
(children that entered the sums, children held), ``denominator_coverage`` (share of the
children's reported denominator that entered the sums).

A child enters a parent's sums only with both numerator and denominator; a value reported at the
parent itself takes precedence over the aggregate, element by element.

>>> import pyarrow as pa
>>> h = pa.table({"orgunit": ["P", "A", "B"], "parent": [None, "P", "P"],
...               "aggregate": [True, True, True]})
>>> v = pa.table({"element": ["d", "n", "n", "d", "n"], "orgunit": ["A", "A", "B", "B", "P"],
...               "year": [2024] * 5, "disaggregation": ["total"] * 5,
...               "value": [1.0, 100.0, 200.0, 3.0, 999.0]})
>>> i = pa.table({"indicator": ["r"], "numerator": ["d"], "denominator": ["n"],
...               "aggregation": ["sum"]})
>>> out = aggregate(v, h, i).sort_by("orgunit").to_pylist()
>>> [(r["orgunit"], r["numerator"], r["denominator"], r["source"]) for r in out]
[('A', 1.0, 100.0, 'reported'), ('B', 3.0, 200.0, 'reported'), ('P', 4.0, 999.0, 'mixed')]
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

# The figures' types; the keys (indicator, org unit) keep the type they came in with, codes or
# database ids, and the disaggregation is a string.
FIGURE_TYPES = {
    "year": pa.int32(),
    "disaggregation": pa.string(),
    "numerator": pa.float64(),
    "denominator": pa.float64(),
    "source": pa.string(),
    "n_reporting": pa.int64(),
    "n_children": pa.int64(),
    "denominator_coverage": pa.float64(),
}


_REPORTED = """
CREATE OR REPLACE TEMP TABLE reported AS
SELECT i.indicator, v.orgunit, v.year::INTEGER AS year, v.disaggregation,
       max(v.value) FILTER (WHERE v.element = i.numerator) AS num,
       max(v.value) FILTER (WHERE v.element = i.denominator) AS den,
       i.denominator IS NOT NULL AS has_den
FROM ind i
JOIN vals v ON v.element = i.numerator OR v.element = i.denominator
GROUP BY i.indicator, v.orgunit, v.year, v.disaggregation, i.denominator
"""

_DEPTHS = """
CREATE OR REPLACE TEMP TABLE tree AS
WITH RECURSIVE walk(orgunit, parent, aggregate, depth) AS (
    SELECT orgunit, parent, aggregate, 0 FROM hier WHERE parent IS NULL
        OR parent NOT IN (SELECT orgunit FROM hier)
    UNION ALL
    SELECT h.orgunit, h.parent, h.aggregate, w.depth + 1
    FROM hier h JOIN walk w ON h.parent = w.orgunit
)
SELECT w.*, (SELECT count(*) FROM hier c WHERE c.parent = w.orgunit) AS n_children FROM walk w
"""

_LEVEL = """
INSERT INTO final
WITH kids AS (
    SELECT t.parent AS orgunit, f.indicator, f.year, f.disaggregation, f.has_den,
           f.num, f.den,
           f.num IS NOT NULL AND (f.den IS NOT NULL OR NOT f.has_den) AS complete
    FROM final f
    JOIN tree t ON t.orgunit = f.orgunit
    JOIN tree p ON p.orgunit = t.parent AND p.depth = $depth AND p.aggregate
    JOIN ind i ON i.indicator = f.indicator AND i.aggregation = 'sum'
),
agg AS (
    SELECT orgunit, indicator, year, disaggregation, any_value(has_den) AS has_den,
           sum(num) FILTER (WHERE complete) AS num,
           sum(den) FILTER (WHERE complete) AS den,
           count(*) FILTER (WHERE complete) AS n_reporting,
           sum(den) FILTER (WHERE den IS NOT NULL) AS den_all
    FROM kids GROUP BY ALL
    HAVING count(*) FILTER (WHERE complete) > 0
),
rep AS (
    SELECT r.* FROM reported r JOIN tree t ON t.orgunit = r.orgunit AND t.depth = $depth
)
SELECT coalesce(r.indicator, a.indicator), coalesce(r.orgunit, a.orgunit),
       coalesce(r.year, a.year), coalesce(r.disaggregation, a.disaggregation),
       coalesce(r.has_den, a.has_den),
       coalesce(r.num, a.num), coalesce(r.den, a.den),
       CASE
         WHEN a.orgunit IS NULL THEN 'reported'
         WHEN r.orgunit IS NULL THEN 'aggregated'
         WHEN r.num IS NOT NULL AND (r.den IS NOT NULL OR NOT r.has_den) THEN 'reported'
         WHEN r.num IS NULL AND r.den IS NULL THEN 'aggregated'
         ELSE 'mixed'
       END,
       a.n_reporting,
       CASE WHEN a.den_all > 0 AND r.den IS NULL THEN a.den / a.den_all END
FROM rep r FULL OUTER JOIN agg a
  ON r.indicator = a.indicator AND r.orgunit = a.orgunit AND r.year = a.year
 AND r.disaggregation = a.disaggregation
"""


def aggregate(values: pa.Table, hierarchy: pa.Table, indicators: pa.Table) -> pa.Table:
    """Return every indicator's numerator and denominator at every org unit (see module doc)."""
    con = duckdb.connect()
    try:
        con.register("vals", values)
        con.register("hier", hierarchy)
        con.register("ind", indicators)
        con.execute(_REPORTED)
        con.execute(_DEPTHS)
        # Typed like the inputs: keys may be codes or ids.
        con.execute(
            """CREATE TEMP TABLE final AS
               SELECT indicator, orgunit, year, disaggregation, has_den, num, den,
                      NULL::VARCHAR AS source, NULL::BIGINT AS n_reporting,
                      NULL::DOUBLE AS denominator_coverage
               FROM reported LIMIT 0"""
        )
        row = con.execute("SELECT max(depth) FROM tree").fetchone()
        max_depth = row[0] if row and row[0] is not None else 0
        for depth in range(max_depth, -1, -1):
            con.execute(_LEVEL, {"depth": depth})
        result = con.sql(
            """SELECT f.indicator, f.orgunit, f.year, f.disaggregation,
                      f.num AS numerator, f.den AS denominator, f.source, f.n_reporting,
                      t.n_children, f.denominator_coverage
               FROM final f JOIN tree t USING (orgunit)
               WHERE f.num IS NOT NULL
               ORDER BY f.indicator, f.orgunit, f.year, f.disaggregation"""
        ).to_arrow_table()
    finally:
        con.close()
    return _typed(result)


def _typed(table: pa.Table) -> pa.Table:
    fields = [pa.field(f.name, FIGURE_TYPES.get(f.name, f.type)) for f in table.schema]
    return table.cast(pa.schema(fields))
