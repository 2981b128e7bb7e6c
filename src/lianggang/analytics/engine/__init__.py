"""The analytics engine: pure functions over Arrow tables (no Django, nothing of the project).

Steps, in the order the store runs them:

- :mod:`.aggregate` — ratio-of-sums aggregation of indicator inputs up the hierarchy (DuckDB);
- :mod:`.compute` — indicator values, exact intervals and the small-number flag;
- :mod:`.targets` — the target that applies at each unit (its own override or its nearest
  ancestor's);
- :mod:`.assess` — the judgement of a target (docs/methodology.md §三) for every series.
"""
