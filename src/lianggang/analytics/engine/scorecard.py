"""Evaluation scorecards (docs/methodology.md §四): 达标率 per area, department and unit, and the
units' rank.

Inputs (Arrow tables):

- ``judgements``: ``indicator, orgunit, status, substatus`` — the judgements as of the evaluation
  year; an indicator × unit without a row counts as ``NO_DATA``;
- ``indicators``: ``indicator, area, numeric_target`` — ``numeric_target`` false for indicators
  judged by their trend only ("逐步提高");
- ``departments``: ``indicator, department`` — one row per responsible department;
- ``units``: ``orgunit, parent`` — the units to score; units are ranked among those sharing a
  parent.

Definitions (the national evaluations' wording):

- an indicator is **monitorable** (可监测) at a unit when it has a numeric target and data in the
  window (any status but ``NO_DATA``);
- **achievement rate** = achieved ÷ monitorable ("在可监测的54项指标中，44项已实现，达标率81.5%");
- **on-course rate** = (achieved + on track) ÷ monitorable, the headline of a mid-term
  evaluation, when targets still have years to go;
- ``rate`` is the stage's headline: the on-course rate at ``mid``, the achievement rate at
  ``final``; units are ranked by it, then by the other rate; equal units share a rank (1, 2, 2, 4);
  a unit with nothing monitorable is not ranked;
- indicators without a numeric target are counted apart: improving (any improvement category)
  or deteriorating;
- **achievement rate with directional targets** = (achieved + directional targets improving) ÷
  (monitorable + directional targets with data), as the national final report counts
  "逐步提高" targets whose trend improves as achieved (docs/methodology.md §三, 规范 3c).

Output of :func:`scorecards`: one row per unit × breakdown (``by``: ``overall``, ``area``,
``department``; ``key`` the area or department, null overall) with the counts and the rates
(null when nothing is monitorable); ``rank`` and ``ranked_among`` on the ``overall`` rows.

>>> import pyarrow as pa
>>> j = pa.table({"indicator": ["a", "b", "a", "b"], "orgunit": ["X", "X", "Y", "Y"],
...               "status": ["ACHIEVED", "OFF_TRACK", "ACHIEVED", "ACHIEVED"],
...               "substatus": ["confirmed", "improving", "confirmed", "confirmed"]})
>>> i = pa.table({"indicator": ["a", "b"], "area": ["health", "health"],
...               "numeric_target": [True, True]})
>>> d = pa.table({"indicator": ["a", "b"], "department": ["health", "education"]})
>>> u = pa.table({"orgunit": ["X", "Y"], "parent": ["P", "P"]})
>>> rows = scorecards(j, i, d, u, stage="final").filter(pa.compute.field("by") == "overall")
>>> [(r["orgunit"], r["achieved"], r["monitorable"], r["rate"], r["rank"])
...  for r in rows.sort_by("orgunit").to_pylist()]
[('X', 1, 2, 0.5, 2), ('Y', 2, 2, 1.0, 1)]
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

STAGES = ("mid", "final")
IMPROVING = ("strong_improvement", "moderate_improvement", "limited_improvement")

_CELLS = """
CREATE TEMP TABLE cells AS
SELECT u.orgunit, i.indicator, i.area, i.numeric_target,
       coalesce(j.status, 'NO_DATA') AS status, coalesce(j.substatus, '') AS substatus
FROM units u CROSS JOIN ind i
LEFT JOIN judg j ON j.indicator = i.indicator AND j.orgunit = u.orgunit
"""

_COUNTS = f"""
count(*) AS indicators,
count(*) FILTER (WHERE numeric_target AND status <> 'NO_DATA') AS monitorable,
count(*) FILTER (WHERE numeric_target AND status = 'ACHIEVED') AS achieved,
count(*) FILTER (WHERE numeric_target AND status = 'ON_TRACK') AS on_track,
count(*) FILTER (WHERE numeric_target AND status = 'OFF_TRACK') AS off_track,
count(*) FILTER (WHERE numeric_target AND status = 'REGRESSING') AS regressing,
count(*) FILTER (WHERE numeric_target AND status = 'INSUFFICIENT_DATA') AS insufficient_data,
count(*) FILTER (WHERE status = 'NO_DATA') AS no_data,
count(*) FILTER (WHERE NOT numeric_target) AS trend_only,
count(*) FILTER (WHERE NOT numeric_target AND status <> 'NO_DATA') AS trend_monitorable,
count(*) FILTER (WHERE NOT numeric_target AND status = 'NO_TARGET'
                 AND substatus IN {IMPROVING!r}) AS trend_improving,
count(*) FILTER (WHERE NOT numeric_target AND status = 'NO_TARGET'
                 AND substatus = 'deterioration') AS trend_deteriorating
"""

_CARDS = f"""
CREATE TEMP TABLE cards AS
SELECT orgunit, 'overall' AS by, NULL::VARCHAR AS key, {_COUNTS}
FROM cells GROUP BY orgunit
UNION ALL
SELECT orgunit, 'area', area::VARCHAR, {_COUNTS}
FROM cells GROUP BY orgunit, area
UNION ALL
SELECT c.orgunit, 'department', d.department::VARCHAR, {_COUNTS}
FROM cells c JOIN dept d ON d.indicator = c.indicator GROUP BY c.orgunit, d.department
"""

_RESULT = """
WITH rated AS (
  SELECT *,
         CASE WHEN monitorable > 0 THEN achieved / monitorable END AS achievement_rate,
         CASE WHEN monitorable > 0 THEN (achieved + on_track) / monitorable END
           AS on_course_rate,
         CASE WHEN monitorable + trend_monitorable > 0
              THEN (achieved + trend_improving) / (monitorable + trend_monitorable) END
           AS achievement_rate_with_directional
  FROM cards
), headline AS (
  SELECT *,
         CASE WHEN $stage = 'mid' THEN on_course_rate ELSE achievement_rate END AS rate,
         CASE WHEN $stage = 'mid' THEN achievement_rate ELSE on_course_rate END AS second
  FROM rated
), ranked AS (
  SELECT h.orgunit,
         rank() OVER (PARTITION BY u.parent ORDER BY h.rate DESC, h.second DESC) AS rank,
         count(*) OVER (PARTITION BY u.parent) AS ranked_among
  FROM headline h JOIN units u USING (orgunit)
  WHERE h.by = 'overall' AND h.rate IS NOT NULL
)
SELECT h.orgunit, h.by, h.key, h.indicators, h.monitorable, h.achieved, h.on_track,
       h.off_track, h.regressing, h.insufficient_data, h.no_data, h.trend_only,
       h.trend_monitorable, h.trend_improving, h.trend_deteriorating, h.achievement_rate,
       h.achievement_rate_with_directional, h.on_course_rate, h.rate,
       CASE WHEN h.by = 'overall' THEN r.rank END AS rank,
       CASE WHEN h.by = 'overall' THEN r.ranked_among END AS ranked_among
FROM headline h LEFT JOIN ranked r ON r.orgunit = h.orgunit AND h.by = 'overall'
ORDER BY h.orgunit, h.by, h.key
"""

_GAPS = """
SELECT d.department, c.indicator, c.orgunit, c.status, c.substatus
FROM cells c JOIN dept d ON d.indicator = c.indicator
WHERE c.numeric_target AND c.status <> 'NO_DATA'
  AND c.status <> 'ACHIEVED' AND NOT ($stage = 'mid' AND c.status = 'ON_TRACK')
ORDER BY d.department, c.indicator, c.orgunit
"""

_INT = pa.int64()
_TYPES = {
    "by": pa.string(),
    "indicators": _INT,
    "monitorable": _INT,
    "achieved": _INT,
    "on_track": _INT,
    "off_track": _INT,
    "regressing": _INT,
    "insufficient_data": _INT,
    "no_data": _INT,
    "trend_only": _INT,
    "trend_monitorable": _INT,
    "trend_improving": _INT,
    "trend_deteriorating": _INT,
    "achievement_rate": pa.float64(),
    "achievement_rate_with_directional": pa.float64(),
    "on_course_rate": pa.float64(),
    "rate": pa.float64(),
    "rank": _INT,
    "ranked_among": _INT,
}


def _connect(
    judgements: pa.Table, indicators: pa.Table, departments: pa.Table, units: pa.Table
) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("judg", judgements.select(["indicator", "orgunit", "status", "substatus"]))
    con.register("ind", indicators.select(["indicator", "area", "numeric_target"]))
    con.register("dept", departments.select(["indicator", "department"]))
    con.register("units", units.select(["orgunit", "parent"]))
    con.execute(_CELLS)
    return con


def _check_stage(stage: str) -> None:
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}, not {stage!r}")


def evaluate(
    judgements: pa.Table,
    indicators: pa.Table,
    departments: pa.Table,
    units: pa.Table,
    *,
    stage: str,
) -> tuple[pa.Table, pa.Table]:
    """Return :func:`scorecards` and :func:`gaps` together, from one set of cells."""
    _check_stage(stage)
    con = _connect(judgements, indicators, departments, units)
    try:
        con.execute(_CARDS)
        cards = con.sql(_RESULT, params={"stage": stage}).to_arrow_table()
        unmet = con.sql(_GAPS, params={"stage": stage}).to_arrow_table()
    finally:
        con.close()
    fields = [pa.field(f.name, _TYPES.get(f.name, f.type)) for f in cards.schema]
    return cards.cast(pa.schema(fields)), unmet


def scorecards(
    judgements: pa.Table,
    indicators: pa.Table,
    departments: pa.Table,
    units: pa.Table,
    *,
    stage: str,
) -> pa.Table:
    """Return the scorecard of every unit: overall, per area and per department (module doc)."""
    return evaluate(judgements, indicators, departments, units, stage=stage)[0]


def gaps(
    judgements: pa.Table,
    indicators: pa.Table,
    departments: pa.Table,
    units: pa.Table,
    *,
    stage: str,
) -> pa.Table:
    """Monitorable targets not achieved (at ``mid``: nor on track), by responsible department."""
    return evaluate(judgements, indicators, departments, units, stage=stage)[1]
