"""Benchmark: the analytics engine at national scale, against the DHIS2 way and pandas.

Prints figures; it is not a test. On a synthetic national database in PostgreSQL (generated once
by ``bench/national_data.py`` and reused: ≈43 000 org units, 150 series, 10 years, ≈60 million
approved values) it times, on the same data and each in its own process:

(a) lianggang's full rebuild (``analytics_rebuild``), phase by phase;
(b) the same aggregation done the DHIS2 way: a denormalised analytics table (each value with
    its org unit's ancestors as columns) built by ``INSERT … SELECT`` inside PostgreSQL, then
    one ``GROUP BY`` per level;
(c) a straightforward pandas implementation (read the values, merge, group by per level);

checks that the three give the same numerators, denominators and reporting counts at every
level, prints each time, the ratios and each process's peak memory, and then times the
incremental refresh after one county's submission is approved.

    .venv/bin/python bench/national.py [--scale 1.0] [--regenerate] [--skip b,c]

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/lianggang_national (created if
missing; about 21 GB on disk at full scale once the figures are built).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lianggang_national"
OUT = ROOT / "var" / "bench-national"


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianggang.config.settings")
    import django

    django.setup()


def _create_database(url: str, drop: bool) -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    with psycopg.connect(
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        dbname="postgres",
        autocommit=True,
    ) as conn:
        if drop:
            conn.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
        if exists.fetchone() is None:
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_generate(args: argparse.Namespace) -> dict[str, object]:
    sys.path.insert(0, str(ROOT / "bench"))
    from national_data import Params, generate

    _create_database(args.url, drop=args.regenerate)
    _setup(args.url)
    params = Params() if args.scale == 1.0 else Params.scaled(args.scale)
    generate(args.url, params, log=lambda m: print(f"  {m}", flush=True))
    return {}


LEVELS_SQL = """
    SELECT iv.indicator_id, iv.orgunit_id, iv.year, iv.disaggregation, iv.numerator,
           iv.denominator
    FROM analytics_indicatorvalue iv JOIN orgunits_orgunit o ON o.id = iv.orgunit_id
    WHERE o.level <= 4 AND iv.denominator IS NOT NULL
"""
RESULT_SCHEMA = {
    "indicator": "int64",
    "orgunit": "int64",
    "year": "int32",
    "disaggregation": "string",
    "numerator": "float64",
    "denominator": "float64",
}


def _copy_to_parquet(sql: str, path: Path) -> int:
    """A query's result out of PostgreSQL into a Parquet file (for the comparison)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from lianggang.analytics.arrowdb import read_sql_arrow

    schema = pa.schema([(k, getattr(pa, v)()) for k, v in RESULT_SCHEMA.items()])
    table = read_sql_arrow(sql, [], schema)
    pq.write_table(table, path)
    return table.num_rows


def _reset_incremental_leftovers() -> None:
    """Remove what an interrupted incremental phase may have left (county-level reports)."""
    from lianggang.analytics.store import analytics_refresh
    from lianggang.collection.models import DataValue, Submission
    from lianggang.dbguard import maintenance

    for sub in Submission.objects.filter(orgunit__level=4).select_related("round"):
        elements = set(sub.data_set.elements.values_list("pk", flat=True))
        with maintenance():  # the bench's own submission events go too
            DataValue.objects.filter(submission=sub).delete()
            sub.delete()
        analytics_refresh(
            element_ids=elements, orgunit_ids={sub.orgunit_id}, years={sub.round.year}
        )


def phase_a(args: argparse.Namespace) -> dict[str, object]:
    """(a) Our full rebuild: read (COPY) → aggregate and compute (DuckDB) → write (COPY)."""
    _setup(args.url)
    from lianggang.analytics.store import analytics_rebuild

    _reset_incremental_leftovers()
    report = analytics_rebuild(judge=False)
    peak = _peak_mb()
    rows = _copy_to_parquet(LEVELS_SQL, OUT / "a.parquet")
    return {
        "seconds": report.seconds,
        "phases": report.phases,
        "values": report.values_read,
        "figures": report.indicator_values,
        "compared_rows": rows,
        "peak_mb_rebuild": peak,
    }


def phase_judge(args: argparse.Namespace) -> dict[str, object]:
    """The judgements of every county and above, as of the latest year (plain Python today)."""
    _setup(args.url)
    from django.db import transaction

    from lianggang.analytics import store
    from lianggang.orgunits.models import OrgUnit

    started = time.perf_counter()
    with transaction.atomic():
        indicators = store._indicators()
        units = list(OrgUnit.objects.filter(level__lte=store.DEEPEST_JUDGED_LEVEL))
        last = store._last_year()
        assert last is not None
        series = store._series_from_db(indicators, [u.pk for u in units])
        loaded = time.perf_counter()
        n = store._judge(indicators, units, series, last, last)
    return {
        "seconds": time.perf_counter() - started,
        "load_seconds": loaded - started,
        "judgements": n,
        "units": len(units),
        "indicators": len(indicators),
        "year": last,
    }


DHIS2_SQL = [
    "DROP TABLE IF EXISTS bench_ou_structure, bench_analytics",
    # DHIS2's _orgunitstructure: every unit with its ancestors as columns.
    """CREATE TABLE bench_ou_structure AS
       SELECT o.id AS ou5, p4.id AS ou4, p3.id AS ou3, p2.id AS ou2, p1.id AS ou1
       FROM orgunits_orgunit o
       JOIN orgunits_orgunit p4 ON p4.id = o.parent_id
       JOIN orgunits_orgunit p3 ON p3.id = p4.parent_id
       JOIN orgunits_orgunit p2 ON p2.id = p3.parent_id
       JOIN orgunits_orgunit p1 ON p1.id = p2.parent_id
       WHERE o.level = 5""",
    # The denormalised analytics table, one row per (indicator, township, year, breakdown)
    # whose numerator and denominator are both approved (the complete pairs of
    # docs/methodology.md §一).
    """CREATE UNLOGGED TABLE bench_analytics (
         indicator bigint, year smallint, disaggregation text,
         ou1 bigint, ou2 bigint, ou3 bigint, ou4 bigint, ou5 bigint,
         num double precision, den double precision)""",
    """INSERT INTO bench_analytics
       SELECT i.id, n.year, n.disaggregation, s.ou1, s.ou2, s.ou3, s.ou4, s.ou5,
              n.value, d.value
       FROM framework_indicator i
       JOIN framework_dataelement e ON e.id = i.numerator_id AND e.aggregation = 'sum'
       JOIN collection_datavalue n ON n.element_id = i.numerator_id
       JOIN collection_submission ns ON ns.id = n.submission_id AND ns.state = 'approved'
       JOIN collection_datavalue d ON d.element_id = i.denominator_id
            AND d.orgunit_id = n.orgunit_id AND d.year = n.year
            AND d.disaggregation = n.disaggregation
       JOIN collection_submission ds ON ds.id = d.submission_id AND ds.state = 'approved'
       JOIN bench_ou_structure s ON s.ou5 = n.orgunit_id""",
]


def phase_b(args: argparse.Namespace) -> dict[str, object]:
    """(b) The DHIS2 way: INSERT … SELECT into a denormalised table, then GROUP BY per level."""
    _setup(args.url)
    from django.db import connection

    laps: dict[str, float] = {}
    started = t = time.perf_counter()
    with connection.cursor() as cursor:
        for stmt in DHIS2_SQL:
            cursor.execute(stmt)
        cursor.execute("ANALYZE bench_analytics")
        now = time.perf_counter()
        laps["analytics table"] = now - t
        t = now
        for level in (1, 2, 3, 4):
            cursor.execute(f"DROP TABLE IF EXISTS bench_level{level}")
            cursor.execute(
                f"""CREATE TABLE bench_level{level} AS
                    SELECT indicator, ou{level} AS orgunit, year::int AS year, disaggregation,
                           sum(num) AS numerator, sum(den) AS denominator
                    FROM bench_analytics GROUP BY 1, 2, 3, 4"""
            )
        now = time.perf_counter()
        laps["group by per level"] = now - t
    seconds = time.perf_counter() - started
    union = " UNION ALL ".join(f"SELECT * FROM bench_level{level}" for level in (1, 2, 3, 4))
    rows = _copy_to_parquet(union, OUT / "b.parquet")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('bench_analytics')")
        size = cursor.fetchone()[0]
        levels = ", ".join(f"bench_level{level}" for level in (1, 2, 3, 4))
        cursor.execute(f"DROP TABLE bench_ou_structure, bench_analytics, {levels}")
    return {"seconds": seconds, "phases": laps, "compared_rows": rows, "table_mb": size / 2**20}


def phase_c(args: argparse.Namespace) -> dict[str, object]:
    """(c) Straightforward pandas: read_sql in chunks, pivot, pair, merge ancestors, group by."""
    _setup(args.url)
    import pandas as pd
    from django.db import connection

    laps: dict[str, float] = {}
    started = t = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection
    values = pd.concat(
        pd.read_sql_query(
            """SELECT v.element_id, v.orgunit_id, v.year, v.disaggregation, v.value
               FROM collection_datavalue v
               JOIN collection_submission s ON s.id = v.submission_id
               WHERE s.state = 'approved'""",
            raw,
            chunksize=2_000_000,
        ),
        ignore_index=True,
    )
    units = pd.read_sql_query("SELECT id, parent_id, level FROM orgunits_orgunit", raw)
    inds = pd.read_sql_query(
        """SELECT i.id, i.numerator_id, i.denominator_id FROM framework_indicator i
           JOIN framework_dataelement e ON e.id = i.numerator_id
           WHERE e.aggregation = 'sum' AND i.denominator_id IS NOT NULL""",
        raw,
    )
    now = time.perf_counter()
    laps["read"] = now - t
    t = now
    parent = units.set_index("id")["parent_id"]
    towns = units.loc[units.level == 5, ["id"]].rename(columns={"id": "ou5"})
    for level in (4, 3, 2, 1):
        towns[f"ou{level}"] = towns[f"ou{level + 1}"].map(parent)
    wide = values.pivot_table(
        index=["orgunit_id", "year", "disaggregation"],
        columns="element_id",
        values="value",
        aggfunc="first",
    )
    parts = []
    for ind in inds.itertuples():
        pair = wide[[ind.numerator_id, ind.denominator_id]].dropna()
        pair.columns = ["numerator", "denominator"]
        pair = pair.reset_index().merge(towns, left_on="orgunit_id", right_on="ou5")
        for level in (1, 2, 3, 4):
            grouped = (
                pair.groupby([f"ou{level}", "year", "disaggregation"])[["numerator", "denominator"]]
                .sum()
                .reset_index()
                .rename(columns={f"ou{level}": "orgunit"})
            )
            grouped.insert(0, "indicator", ind.id)
            parts.append(grouped)
    result = pd.concat(parts, ignore_index=True)
    now = time.perf_counter()
    laps["aggregate"] = now - t
    seconds = time.perf_counter() - started
    peak = _peak_mb()
    result = result.astype(RESULT_SCHEMA)
    result[list(RESULT_SCHEMA)].to_parquet(OUT / "c.parquet")
    return {"seconds": seconds, "phases": laps, "compared_rows": len(result), "peak_mb_work": peak}


def phase_incremental(args: argparse.Namespace) -> dict[str, object]:
    """One county reports its own figures for one data set; the approval refreshes them."""
    _setup(args.url)
    import statistics

    from django.contrib.auth import get_user_model
    from django.db import connection

    from lianggang.analytics.models import IndicatorValue
    from lianggang.analytics.store import analytics_refresh, analytics_refresh_for_submissions
    from lianggang.collection.models import DataSet, DataValue, Round, Submission
    from lianggang.collection.services import submission_approve
    from lianggang.dbguard import maintenance
    from lianggang.orgunits.models import OrgUnit

    _reset_incremental_leftovers()
    user = get_user_model().objects.filter(is_superuser=True).first()
    if user is None:
        user = get_user_model().objects.create_superuser("bench", "", "bench-not-a-login")
    county = OrgUnit.objects.filter(level=4).order_by("code").first()
    assert county is not None
    year_round = Round.objects.order_by("-year").first()
    assert year_round is not None
    data_set = DataSet.objects.get(code="annual-health")
    sub = Submission.objects.create(
        round=year_round, data_set=data_set, orgunit=county, state="submitted"
    )
    try:
        # The county's own figures: 1 % above the sum of its townships (they take precedence).
        with connection.cursor() as cursor:
            cursor.execute(
                """INSERT INTO collection_datavalue (element_id, orgunit_id, year, disaggregation,
                       value, comment, version, submission_id, updated_at)
                   SELECT v.element_id, %s, v.year, v.disaggregation, round(sum(v.value) * 1.01),
                          '', 1, %s, now()
                   FROM collection_datavalue v JOIN orgunits_orgunit o ON o.id = v.orgunit_id
                   JOIN collection_dataset_elements de ON de.dataelement_id = v.element_id
                   WHERE o.parent_id = %s AND v.year = %s AND de.dataset_id = %s
                   GROUP BY v.element_id, v.year, v.disaggregation""",
                [county.pk, sub.pk, county.pk, year_round.year, data_set.pk],
            )
            n_values = cursor.rowcount
        before = IndicatorValue.objects.filter(
            orgunit=county, year=year_round.year, source="reported"
        ).count()
        t = time.perf_counter()
        submission_approve(actor=user, submission_id=sub.pk)  # refresh runs on commit
        approve_seconds = time.perf_counter() - t
        after = IndicatorValue.objects.filter(
            orgunit=county, year=year_round.year, source="reported"
        ).count()
        times = []
        report = None
        for _ in range(5):
            t = time.perf_counter()
            report = analytics_refresh_for_submissions([sub.pk])
            times.append(time.perf_counter() - t)
        assert report is not None
        return {
            "seconds": approve_seconds,
            "refresh_median": statistics.median(times),
            "refresh_phases": report.phases,
            "county": county.code,
            "values": n_values,
            "figures_rewritten": report.indicator_values,
            "judgements_rewritten": report.assessments,
            "reported_before_after": [before, after],
        }
    finally:
        elements = set(data_set.elements.values_list("pk", flat=True))
        with maintenance():  # the bench's own submission events go too
            DataValue.objects.filter(submission=sub).delete()
            sub.delete()
        analytics_refresh(element_ids=elements, orgunit_ids={county.pk}, years={year_round.year})


PHASES = {
    "generate": phase_generate,
    "a": phase_a,
    "judge": phase_judge,
    "b": phase_b,
    "c": phase_c,
    "incremental": phase_incremental,
}


def _compare() -> dict[str, int]:
    import duckdb

    con = duckdb.connect()
    out: dict[str, int] = {}
    for other in ("b", "c"):
        path = OUT / f"{other}.parquet"
        if not path.exists():
            continue
        row = con.execute(
            f"""SELECT count(*) FILTER (WHERE a.indicator IS NULL OR o.indicator IS NULL),
                       count(*) FILTER (WHERE abs(a.numerator - o.numerator)
                                              > 1e-9 * greatest(1, abs(a.numerator))
                                        OR abs(a.denominator - o.denominator)
                                              > 1e-9 * greatest(1, abs(a.denominator)))
                FROM '{OUT / "a.parquet"}' a FULL OUTER JOIN '{path}' o
                  USING (indicator, orgunit, year, disaggregation)"""
        ).fetchone()
        assert row is not None
        out[f"{other}: rows only on one side"] = row[0]
        out[f"{other}: numbers that differ"] = row[1]
    return out


def _run_phase(name: str, args: argparse.Namespace) -> dict[str, object]:
    """Run one phase in a fresh process; return what it reports, with its peak memory."""
    cmd = [sys.executable, __file__, "--phase", name, "--scale", str(args.scale), "--url", args.url]
    if args.regenerate:
        cmd.append("--regenerate")
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
    lines = proc.stdout.splitlines()
    for line in lines:
        if not line.startswith("RESULT "):
            print(line, flush=True)
    if proc.returncode != 0:
        print(f"phase {name} failed (exit status {proc.returncode})", flush=True)
        return {"failed": proc.returncode}
    result: dict[str, object] = json.loads(
        next(line for line in lines if line.startswith("RESULT "))[7:]
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--skip", default="")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.url.startswith("postgres"):
        raise SystemExit("The national benchmark runs on PostgreSQL (DATABASE_URL=postgres://…).")
    if args.phase:
        started = time.perf_counter()
        result = PHASES[args.phase](args)
        result.setdefault("seconds", time.perf_counter() - started)
        result["peak_mb"] = _peak_mb()
        print("RESULT " + json.dumps(result), flush=True)
        return 0

    OUT.mkdir(parents=True, exist_ok=True)
    print(f"national benchmark on {args.url.split('@')[-1]} (scale {args.scale})")
    gen = _run_phase("generate", args)
    print(f"set-up: {gen['seconds']:.0f} s")
    skip = set(filter(None, args.skip.split(",")))
    results = {}
    for name in ("a", "judge", "incremental", "b", "c"):
        if name in skip:
            continue
        print(f"phase {name} …", flush=True)
        result = _run_phase(name, args)
        if "failed" not in result:
            results[name] = result
    _report(results)
    return 0


def _report(results: dict[str, dict[str, object]]) -> None:
    def secs(name: str) -> float:
        return float(results[name]["seconds"])  # type: ignore[arg-type]

    print()
    if "a" in results:
        a = results["a"]
        print(
            f"(a) lianggang full rebuild of the figures: {secs('a'):.1f} s "
            f"({a['values']} values read → {a['figures']} figures written), "
            f"peak memory {a['peak_mb_rebuild']:.0f} MB"
        )
        for phase, seconds in a["phases"].items():  # type: ignore[attr-defined]
            print(f"      {phase}: {seconds:.1f} s")
    if "judge" in results:
        j = results["judge"]
        print(
            f"    judgements as of {j['year']} ({j['units']} units × {j['indicators']} "
            f"indicators = {j['judgements']}): {secs('judge'):.1f} s "
            f"(loading the series {j['load_seconds']:.1f} s), peak {j['peak_mb']:.0f} MB"
        )
    if "b" in results:
        b = results["b"]
        print(
            f"(b) DHIS2 way in PostgreSQL: {secs('b'):.1f} s "
            f"(analytics table {b['table_mb']:.0f} MB)"
        )
        for phase, seconds in b["phases"].items():  # type: ignore[attr-defined]
            print(f"      {phase}: {seconds:.1f} s")
    if "c" in results:
        c = results["c"]
        print(f"(c) pandas: {secs('c'):.1f} s, peak memory {c['peak_mb_work']:.0f} MB")
        for phase, seconds in c["phases"].items():  # type: ignore[attr-defined]
            print(f"      {phase}: {seconds:.1f} s")
    if "a" in results:
        for other in ("b", "c"):
            if other in results:
                print(f"ratio {other}/a: {secs(other) / secs('a'):.1f}×")
        for check, count in _compare().items():
            print(f"agreement, {check}: {count}")
    if "incremental" in results:
        i = results["incremental"]
        print(
            f"incremental: county {i['county']} reports {i['values']} values; approve + "
            f"refresh {secs('incremental'):.2f} s; refresh alone, median of 5: "
            f"{i['refresh_median']:.3f} s ({i['figures_rewritten']} figures, "
            f"{i['judgements_rewritten']} judgements rewritten); figures reported at the "
            f"county before/after: {i['reported_before_after']}"
        )


if __name__ == "__main__":
    sys.exit(main())
