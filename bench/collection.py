"""Benchmark: validate and apply a 10 000-value workbook; save one grid cell.

Prints figures; it is not a test. Uses PostgreSQL by default (the production database):
DATABASE_URL, else postgres://postgres@127.0.0.1:5432/lianggang_bench, created if missing.
To reach 10 000 values in one workbook it adds 250 synthetic townships (level 5) under the demo
counties and a 40-element township data set; nothing of this touches another database.

    .venv/bin/python bench/collection.py [--repeat 50]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lianggang_bench"


def _ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
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
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
        if exists.fetchone() is None:
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    _ensure_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianggang.config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from lianggang.collection.imports import import_apply, import_plan
    from lianggang.collection.models import DataSet, Round, Submission
    from lianggang.collection.services import (
        Entry,
        data_sets_ensure,
        datavalues_save,
        round_open,
        validation_rules_load,
    )
    from lianggang.collection.workbook import read_workbook, template_workbook
    from lianggang.demo.services import demo_load
    from lianggang.framework.models import DataElement
    from lianggang.framework.services import framework_load
    from lianggang.orgunits.models import Department, Level, OrgUnit
    from lianggang.orgunits.services import orgunits_load

    print(f"database: {connection.vendor} ({url.split('@')[-1]})")
    call_command("migrate", interactive=False, verbosity=0)
    orgunits_load()
    framework_load()
    demo_load()
    data_sets_ensure()
    validation_rules_load()
    users = get_user_model().objects
    actor = users.filter(username="bench-admin").first() or users.create_superuser(
        "bench-admin", "", "bench-password-not-secret"
    )

    counties = list(OrgUnit.objects.filter(level=Level.COUNTY).order_by("code"))
    for i in range(250):
        county = counties[i % len(counties)]
        code = f"{county.code}{i:03d}"
        OrgUnit.objects.get_or_create(
            code=code,
            defaults={
                "name": f"合成乡镇{i:03d}",
                "level": Level.TOWNSHIP,
                "parent": county,
                "path": f"{county.path}{code}/",
                "sort_order": 10_000 + i,
            },
        )
    elements = list(
        DataElement.objects.filter(aggregation="sum", disaggregations=[]).order_by("code")[:40]
    )
    ds, _ = DataSet.objects.get_or_create(
        code="bench-township",
        defaults={
            "name": "乡镇基准测试数据集",
            "department": Department.objects.first(),
            "levels": [Level.TOWNSHIP],
        },
    )
    ds.elements.set(elements)
    # A fresh round each run (a later year), so that every value is new.
    import datetime as dt

    year = max(
        2031, (Round.objects.order_by("-year").values_list("year", flat=True).first() or 0) + 1
    )
    rnd = round_open(actor=actor, year=year, closes_on=dt.date(year + 1, 4, 30))
    subs = list(
        Submission.objects.filter(round=rnd, data_set=ds)
        .select_related("round", "data_set", "orgunit")
        .order_by("orgunit__code")
    )
    print(f"township submissions: {len(subs)} x {len(elements)} elements")

    t = time.perf_counter()
    content = template_workbook(subs)
    print(
        f"template of {len(subs)} sheets: {time.perf_counter() - t:.2f} s, "
        f"{len(content) // 1024} KiB"
    )

    import io

    from openpyxl import load_workbook

    rng = random.Random(20261129)
    wb = load_workbook(io.BytesIO(content))
    n = 0
    for ws in wb.worksheets[1:]:
        for r in range(4, ws.max_row + 1):
            if ws.cell(r, 1).value:
                ws.cell(r, 8).value = f"{rng.randint(0, 5000):,}"
                n += 1
    buf = io.BytesIO()
    wb.save(buf)
    filled = buf.getvalue()
    print(f"filled workbook: {n} values, {len(filled) // 1024} KiB")

    t0 = time.perf_counter()
    read = read_workbook(filled)
    t1 = time.perf_counter()
    plan = import_plan(actor=actor, read=read)
    t2 = time.perf_counter()
    assert plan.ok, [str(p) for p in plan.problems[:5]]
    changed = import_apply(actor=actor, plan=plan)
    t3 = time.perf_counter()
    print(
        f"10 000-value workbook: read {t1 - t0:.2f} s + validate/plan {t2 - t1:.2f} s "
        f"+ apply {t3 - t2:.2f} s = {t3 - t0:.2f} s ({changed} values written)"
    )

    # One grid cell: the service alone, then the page's HTTP request (htmx post).
    sub = subs[0]
    element = elements[0].code
    times = []
    for i in range(args.repeat):
        started = time.perf_counter()
        datavalues_save(
            actor=actor, submission_id=sub.pk, entries=[Entry(element, "total", str(1000 + i))]
        )
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(
        f"save one cell (service), {args.repeat} saves: median {statistics.median(times):.1f} ms,"
        f" p95 {times[int(len(times) * 0.95) - 1]:.1f} ms"
    )
    client = Client()
    client.force_login(actor)
    times = []
    for i in range(args.repeat):
        version = sub.values.get(element__code=element, disaggregation="total").version
        started = time.perf_counter()
        response = client.post(
            f"/collection/submissions/{sub.pk}/cell/",
            {
                "element": element,
                "disaggregation": "total",
                "value": str(2000 + i),
                "version": version,
                "comment": "",
            },
            HTTP_HX_REQUEST="true",
        )
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    times.sort()
    print(
        f"save one cell (HTTP request through the page), {args.repeat} saves: median "
        f"{statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
