"""Benchmark: build the demo prefecture's reports and time each format.

Prints figures; it is not a test. Uses its own SQLite database (var/bench.sqlite3, shared with
bench/dashboard.py) unless DATABASE_URL is set. Goals (issue 5): Word under 5 s, PDF under 15 s
for the prefecture's annual report. Each time is the median of --repeat builds, document model
and rendering together, as a user waits for them.

    .venv/bin/python bench/reports.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("docx", "pdf", "html", "xlsx")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianggang.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    from lianggang.analytics.store import analytics_rebuild
    from lianggang.demo.services import DEMO_LABEL, demo_load
    from lianggang.framework.models import Outline
    from lianggang.framework.services import framework_load
    from lianggang.orgunits.models import OrgUnit
    from lianggang.orgunits.services import orgunits_load
    from lianggang.reports.annual import build_annual
    from lianggang.reports.evaluation_report import build_evaluation
    from lianggang.reports.render import render

    translation.activate("zh-hans")
    print(f"database: {connection.vendor} ({os.environ['DATABASE_URL'].split('@')[-1]})")
    call_command("migrate", interactive=False, verbosity=0)
    orgunits_load()
    framework_load()
    demo_load()
    analytics_rebuild()
    ganzi = OrgUnit.objects.get(code="513300")
    reports = [
        (
            "annual women-2021 2024",
            lambda: build_annual(
                outline=Outline.objects.get(code="women-2021"),
                orgunit=ganzi,
                year=2024,
                demo_note=DEMO_LABEL,
            ),
        ),
        (
            "annual children-2021 2024",
            lambda: build_annual(
                outline=Outline.objects.get(code="children-2021"),
                orgunit=ganzi,
                year=2024,
                demo_note=DEMO_LABEL,
            ),
        ),
        (
            "final evaluation women-2011",
            lambda: build_evaluation(
                outline=Outline.objects.get(code="women-2011"),
                orgunit=ganzi,
                year=2020,
                demo_note=DEMO_LABEL,
            ),
        ),
    ]
    print(f"reports of {ganzi.name} (synthetic demo data), median of {args.repeat} builds:")
    for name, build in reports:
        doc = build()
        charts = sum(1 for b in doc.blocks if type(b).__name__.endswith("Chart"))
        line = []
        for fmt in FORMATS:
            times, size = [], 0
            for _ in range(args.repeat):
                started = time.perf_counter()
                size = len(render(build(), fmt))
                times.append(time.perf_counter() - started)
            line.append(f"{fmt} {statistics.median(times):.1f} s ({size // 1024} KB)")
        print(f"  {name} ({charts} charts, {len(doc.tables())} tables): " + ", ".join(line))
    print("goals: Word under 5 s, PDF under 15 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
