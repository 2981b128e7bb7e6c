"""Generate the synthetic national database the national benchmark runs on.

A country of 31 provinces, ≈333 prefectures, ≈2 900 counties and ≈40 000 townships (level 5);
the shipped framework (both outlines of both periods) plus a synthetic "bench" outline that
brings the series every township reports to 150; ten years (2015–2024) of approved values,
1 % of them missing so that the complete-pair rule of docs/methodology.md §一 matters: about
60 million data values in all. Everything is synthetic and deterministic (seeded); nothing here
is an official statistic.

Large tables are written with the product's own bulk path (``analytics.arrowdb``: COPY of CSV
that Arrow writes), with foreign-key triggers off and the indexes built after the load.
Used by ``bench/national.py``; the database is reused while its parameters are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

FIRST_YEAR = 2015
YEARS = 10
SERIES = 150
MISSING = 0.01
SEED = 20261129


@dataclass(frozen=True)
class Params:
    provinces: int = 31
    prefectures: int = 333
    counties: int = 2900
    townships: int = 40000
    years: int = YEARS
    series: int = SERIES
    missing: float = MISSING
    seed: int = SEED
    version: int = 1

    @classmethod
    def scaled(cls, scale: float) -> Params:
        return cls(
            prefectures=max(31, round(333 * scale)),
            counties=max(62, round(2900 * scale)),
            townships=max(124, round(40000 * scale)),
        )

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:16]


def _split(total: int, parts: int, rng: np.random.Generator) -> np.ndarray:
    """Split ``total`` children among ``parts`` parents, each at least one, unevenly."""
    weights = rng.gamma(4.0, 1.0, parts)
    counts = np.floor(weights / weights.sum() * (total - parts)).astype(np.int64) + 1
    counts[: total - counts.sum()] += 1
    return counts


def _hierarchy(p: Params, rng: np.random.Generator) -> pa.Table:
    """Codes, parents and paths of the synthetic country (GB/T 2260-like codes)."""
    codes, names, levels, parents, paths, populations = [], [], [], [], [], []

    def add(code: str, name: str, level: int, parent: str | None, path: str, pop: int) -> None:
        codes.append(code)
        names.append(name)
        levels.append(level)
        parents.append(parent)
        paths.append(path)
        populations.append(pop)

    add("100000", "全国（合成）", 1, None, "/100000/", 0)
    pref_per_prov = _split(p.prefectures, p.provinces, rng)
    county_per_pref = _split(p.counties, p.prefectures, rng)
    town_per_county = _split(p.townships, p.counties, rng)
    town_pop = np.round(rng.lognormal(np.log(25000), 0.6, p.townships)).astype(np.int64)
    pref_i = county_i = town_i = 0
    for prov in range(p.provinces):
        prov_code = f"{11 + prov:02d}0000"
        prov_path = f"/100000/{prov_code}/"
        add(prov_code, f"合成省{prov + 1:02d}", 2, "100000", prov_path, 0)
        for pf in range(pref_per_prov[prov]):
            pref_code = f"{11 + prov:02d}{pf + 1:02d}00"
            pref_path = f"{prov_path}{pref_code}/"
            add(pref_code, f"合成市{pref_i + 1:03d}", 3, prov_code, pref_path, 0)
            for ct in range(county_per_pref[pref_i]):
                county_code = f"{pref_code[:4]}{ct + 1:02d}"
                county_path = f"{pref_path}{county_code}/"
                add(county_code, f"合成县{county_i + 1:04d}", 4, pref_code, county_path, 0)
                for tw in range(town_per_county[county_i]):
                    town_code = f"{county_code}{tw + 1:03d}"
                    add(
                        town_code,
                        f"合成乡镇{town_i + 1:05d}",
                        5,
                        county_code,
                        f"{county_path}{town_code}/",
                        int(town_pop[town_i]),
                    )
                    town_i += 1
                county_i += 1
            pref_i += 1
    return pa.table(
        {
            "code": codes,
            "name": names,
            "level": pa.array(levels, pa.int16()),
            "parent": pa.array(parents, pa.string()),
            "path": paths,
            "population": pa.array(populations, pa.int64()),
        }
    )


def _bench_outline(missing_series: int) -> None:
    """A synthetic outline whose proportion indicators bring the series to the wanted count."""
    from lianggang.framework.models import Area, DataElement, Indicator, Outline, Target
    from lianggang.orgunits.models import Department

    outline = Outline.objects.create(
        code="bench-synthetic",
        kind="children",
        name="基准测试合成指标（非官方）",
        name_en="Synthetic benchmark indicators (not official)",
        start_year=2021,
        end_year=2030,
        baseline_year=2020,
    )
    area = Area.objects.create(outline=outline, code="bench", number=1, name="合成")
    target = Target.objects.create(area=area, code="bench-1", number="1", text="合成目标")
    dept = Department.objects.order_by("sort_order").first()
    for i in range(missing_series // 2):
        num = DataElement.objects.create(code=f"bench_num_{i:02d}", name=f"合成分子{i:02d}")
        den = DataElement.objects.create(code=f"bench_den_{i:02d}", name=f"合成分母{i:02d}")
        ind = Indicator.objects.create(
            target=target,
            code=f"bench_rate_{i:02d}",
            sort_order=i,
            name=f"合成比率{i:02d}",
            unit="%",
            direction=">=",
            target_value=90.0,
            target_year=2030,
            baseline_year=2020,
            scale="logit",
            kind="proportion",
            numerator=num,
            denominator=den,
            factor=100.0,
        )
        if dept is not None:
            ind.departments.add(dept)
    if missing_series % 2:
        DataElement.objects.create(code="bench_plain", name="合成计数")
        Indicator.objects.create(
            target=target,
            code="bench_plain",
            sort_order=99,
            name="合成计数",
            direction="up",
            target_year=2030,
            baseline_year=2020,
            scale="linear",
            kind="value",
            numerator=DataElement.objects.get(code="bench_plain"),
        )


def _series() -> list[tuple[int, str, str | None, int | None, float, bool]]:
    """Every (element id, disaggregation, ...) a township reports, with how it is generated.

    Returns (element id, disaggregation, reference element code, data-set id, rate, integer):
    an element used as some indicator's numerator is ``rate`` × its first denominator, so that
    proportions stay below their denominators and deaths are rare; others scale with population.
    """
    from lianggang.collection.models import DataSet
    from lianggang.framework.models import DataElement, Indicator

    reference: dict[str, tuple[str, float]] = {}
    for ind in Indicator.objects.select_related("numerator", "denominator").order_by("pk"):
        if ind.denominator is None or ind.numerator.code in reference:
            continue
        factor = float(ind.factor)
        if ind.kind == "count":
            rate = 12.0 / factor if factor >= 1000 else 0.01
        elif ind.kind == "proportion":
            rate = 0.85
        else:
            rate = 0.5
        reference[ind.numerator.code] = (ind.denominator.code, rate)
    data_set = {
        el_id: ds_id
        for ds_id, el_id in DataSet.elements.through.objects.values_list(
            "dataset_id", "dataelement_id"
        )
    }
    out = []
    for el in DataElement.objects.order_by("pk"):
        if el.pk not in data_set:
            continue
        ref = reference.get(el.code)
        breakdowns = ["total"] + [
            o
            for cat in el.disaggregations
            for o in (["urban", "rural"] if cat == "residence" else ["female", "male"])
        ]
        for dis in breakdowns:
            out.append(
                (
                    el.pk,
                    dis,
                    ref[0] if ref else None,
                    data_set[el.pk],
                    ref[1] if ref else -1.0,
                    el.integer and el.aggregation == "sum",
                )
            )
    return out


def _set_sequence(model: Any, last: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [model._meta.db_table, last]
        )


def _year_values(
    p: Params,
    rng: np.random.Generator,
    yi: int,
    year: int,
    series: list[tuple[int, str, str | None, int | None, float, bool]],
    town_ids: np.ndarray,
    town_pop: np.ndarray,
    data_sets: list[int],
) -> pa.Table:
    """One year's values of every township (the ``id`` column is a placeholder)."""
    from lianggang.framework.models import DataElement

    code_of = dict(DataElement.objects.values_list("pk", "code"))
    ds_pos = {ds: i for i, ds in enumerate(data_sets)}
    n_town = len(town_ids)
    trend = 1.0 + 0.02 * (yi - p.years / 2)
    values: dict[tuple[str, str], np.ndarray] = {}
    cols: dict[str, list[np.ndarray]] = {
        k: [] for k in ("element_id", "disaggregation", "value", "orgunit_id", "sub")
    }
    # Denominators and plain elements first, then the numerators resting on them.
    for el_id, dis, ref, ds, rate, integer in sorted(series, key=lambda s: s[2] is not None):
        noise = rng.lognormal(0.0, 0.05, n_town)
        if ref is not None and (ref, "total") in values:
            base = values[ref, "total"] * rate * (trend if rate < 0.5 else 1.0) * noise
            if rate >= 0.5:
                base = np.minimum(base, values[ref, "total"])
        elif not integer:
            base = np.full(n_town, 60.0 + 5 * trend) * noise
        else:
            base = town_pop * (0.01 + (el_id * 0.618 % 1.0) * 0.3) * noise
        base = base * {"urban": 0.45, "female": 0.45, "rural": 0.55, "male": 0.55}.get(dis, 1.0)
        val = rng.poisson(base).astype(np.float64) if integer else np.round(base, 2)
        values[code_of[el_id], dis] = val
        keep = rng.random(n_town) >= p.missing
        cols["element_id"].append(np.full(keep.sum(), el_id))
        cols["disaggregation"].append(np.full(keep.sum(), dis))
        cols["value"].append(val[keep])
        cols["orgunit_id"].append(town_ids[keep])
        cols["sub"].append(1 + (yi * len(data_sets) + ds_pos[ds]) * n_town + np.flatnonzero(keep))
    n = sum(len(a) for a in cols["value"])
    return pa.table(
        {
            "id": np.zeros(n, dtype=np.int64),
            "element_id": np.concatenate(cols["element_id"]),
            "orgunit_id": np.concatenate(cols["orgunit_id"]),
            "year": pa.array(np.full(n, year, dtype=np.int16)),
            "disaggregation": np.concatenate(cols["disaggregation"]),
            "value": np.concatenate(cols["value"]),
            "comment": pa.array([""] * n),
            "version": pa.array(np.ones(n, dtype=np.int32)),
            "submission_id": np.concatenate(cols["sub"]),
            "updated_at": pa.array(["2025-03-31 00:00:00+00"] * n),
        }
    )


def generate(url: str, p: Params, log: Any = print) -> None:
    """Create (or reuse) the national database at ``url`` with parameters ``p``."""
    from django.core.management import call_command
    from django.db import connection

    from lianggang.analytics.arrowdb import indexes_deferred, write_arrow
    from lianggang.collection.models import DataSet, DataValue, Round, Submission
    from lianggang.collection.services import data_sets_ensure
    from lianggang.framework.models import DataElement
    from lianggang.framework.services import framework_load
    from lianggang.orgunits.models import OrgUnit
    from lianggang.orgunits.services import orgunits_load, shipped_orgunit_dir

    started = time.perf_counter()
    rng = np.random.default_rng(p.seed)
    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)"
        )
        cur.execute("SELECT value FROM bench_meta WHERE key = 'fingerprint'")
        row = cur.fetchone()
    if row and row[0] == p.fingerprint():
        log(f"national database reused ({p.fingerprint()})")
        return
    if row:
        raise SystemExit(
            "The national database holds other parameters; run with --regenerate to rebuild it."
        )

    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "hierarchy.csv").write_text(
            "code,name,name_en,kind,level,parent,population,aggregated,source\n", "utf-8"
        )
        (Path(tmp) / "departments.csv").write_bytes(
            (shipped_orgunit_dir() / "departments.csv").read_bytes()
        )
        orgunits_load(directory=Path(tmp))
    framework_load()
    data_sets_ensure()
    used = sum(
        1 + 2 * len(el.disaggregations)
        for el in DataElement.objects.filter(data_sets__isnull=False).distinct()
    )
    if used < p.series:
        _bench_outline(p.series - used)
        data_sets_ensure()
    DataSet.objects.update(levels=[4, 5])
    series = _series()[: p.series]
    log(f"framework: {len(series)} series per township ({time.perf_counter() - started:.0f} s)")

    tree = _hierarchy(p, rng)
    n_units = tree.num_rows
    ids = np.arange(1, n_units + 1)
    code_to_id = dict(zip(tree.column("code").to_pylist(), ids.tolist(), strict=True))
    parent_ids = [code_to_id[c] if c else None for c in tree.column("parent").to_pylist()]
    units = pa.table(
        {
            "id": ids,
            "code": tree.column("code"),
            "name": tree.column("name"),
            "name_en": pa.array([""] * n_units),
            "kind": pa.array([""] * n_units),
            "level": tree.column("level"),
            "parent_id": pa.array(parent_ids, pa.int64()),
            "path": tree.column("path"),
            "population": tree.column("population"),
            "is_demonstration": pa.array([False] * n_units),
            "aggregated": pa.array([True] * n_units),
            "sort_order": ids,
        }
    )
    years = list(range(FIRST_YEAR, FIRST_YEAR + p.years))
    rounds = [Round.objects.create(year=y, state="closed", is_demo=True).pk for y in years]
    data_sets = sorted({s[3] for s in series})
    towns = np.flatnonzero(tree.column("level").to_numpy() == 5)
    town_ids = ids[towns]
    town_pop = tree.column("population").to_numpy()[towns].astype(np.float64)
    n_town = len(town_ids)
    log(f"hierarchy: {n_units} units, {n_town} townships")

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no FK checks while loading
    write_arrow(OrgUnit, units)
    _set_sequence(OrgUnit, n_units)

    # One approved submission per round × data set × township; ids computed, not looked up.
    sub_count = len(rounds) * len(data_sets) * n_town
    r_idx, d_idx, t_idx = np.meshgrid(
        np.arange(len(rounds)), np.arange(len(data_sets)), np.arange(n_town), indexing="ij"
    )
    with indexes_deferred(Submission, "uf"):
        write_arrow(
            Submission,
            pa.table(
                {
                    "id": np.arange(1, sub_count + 1),
                    "round_id": np.array(rounds)[r_idx.ravel()],
                    "data_set_id": np.array(data_sets)[d_idx.ravel()],
                    "orgunit_id": town_ids[t_idx.ravel()],
                    "state": pa.array(["approved"] * sub_count),
                }
            ),
        )
    del r_idx, d_idx, t_idx
    _set_sequence(Submission, sub_count)
    log(f"submissions: {sub_count} ({time.perf_counter() - started:.0f} s)")

    total = 0
    with indexes_deferred(DataValue, "uf"):
        for yi, year in enumerate(years):
            chunk = _year_values(p, rng, yi, year, series, town_ids, town_pop, data_sets)
            chunk = chunk.set_column(
                0, "id", pa.array(np.arange(total + 1, total + 1 + len(chunk)))
            )
            write_arrow(DataValue, chunk)
            total += len(chunk)
            log(f"  {year}: {len(chunk)} values ({time.perf_counter() - started:.0f} s)")
    _set_sequence(DataValue, total)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute(
            "INSERT INTO bench_meta VALUES ('fingerprint', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [p.fingerprint()],
        )
        cursor.execute("ANALYZE")
    log(f"national database generated: {total} values in {time.perf_counter() - started:.0f} s")
