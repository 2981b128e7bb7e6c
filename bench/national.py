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
missing; about 15 GB on disk at full scale).
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


PHASES = {"generate": phase_generate}


def _run_phase(name: str, args: argparse.Namespace) -> dict[str, object]:
    """Run one phase in a fresh process; return what it reports, with its peak memory."""
    cmd = [sys.executable, __file__, "--phase", name, "--scale", str(args.scale), "--url", args.url]
    if args.regenerate:
        cmd.append("--regenerate")
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)  # noqa: S603
    lines = proc.stdout.splitlines()
    for line in lines:
        if not line.startswith("RESULT "):
            print(line, flush=True)
    if proc.returncode != 0:
        raise SystemExit(f"phase {name} failed ({proc.returncode})")
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
