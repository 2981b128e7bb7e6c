"""`make loadtest`: the production-like service under load, through its worst day.

1. A PostgreSQL database of its own (``lianggang_load``) with the demo prefecture, the 2026
   round open, 50 clerks (each on a submission of their own) and 20 leaders.
2. ``deploy/run``: gunicorn with several workers behind Debian's nginx on 127.0.0.1, the task
   worker beside.
3. Locust (bench/locustfile.py), headless, loopback only: 50 clerks saving cells and uploading
   the Excel template, 20 leaders reading, for ``--duration`` seconds (5 minutes by default).
   A third of the way in one app worker is killed (SIGKILL); two thirds in PostgreSQL is
   restarted. Each time the script measures how long until the service answers again.
4. Afterwards: every acknowledged save and import is in the database (its audit rows are there,
   and the audit cannot be changed), no import is half-applied (each left all its cells or
   none), and the figures printed: requests, errors, p50/p95, recovery times.

Prints figures; exits 1 when a data check fails or the service did not come back in 30 s.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DB = "lianggang_load"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PASSWORD = "load-test-password-1"
RECOVERY_LIMIT = 30.0


def _env(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        DJANGO_SETTINGS_MODULE="lianggang.config.settings",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LIANGGANG_LANGUAGE="zh-hans",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _fresh_database() -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        con.execute(f"CREATE DATABASE {DB}")
    return f"postgres://postgres@127.0.0.1:5432/{DB}"


def _prepare(db_url: str, people_file: Path) -> None:
    """Set up the database and the people (in a child process: Django configured for it)."""
    code = f"""
import datetime as dt, json, django
django.setup()
from django.contrib.auth import get_user_model
from lianggang.accounts.models import Membership, Role
from lianggang.collection.models import Submission
from lianggang.collection.services import round_open
from lianggang.framework.models import Indicator
from lianggang.orgunits.models import OrgUnit
users = get_user_model()
root = users.objects.create_superuser("load-root", "", {PASSWORD!r})
rnd = round_open(actor=root, year=2026, closes_on=dt.date(2027, 4, 30))
clerks = []
subs = (Submission.objects.filter(round=rnd).select_related("data_set", "orgunit")
        .order_by("orgunit__path", "data_set__code"))
for sub in subs:
    elements = list(sub.data_set.elements.order_by("code").values_list("code", flat=True))
    if len(elements) < 6 or sub.data_set.department_id is None:
        continue
    n = len(clerks) + 1
    user = users.objects.create_user(f"load-clerk-{{n}}", password={PASSWORD!r})
    m = Membership.objects.create(user=user, role=Role.CLERK, orgunit=sub.orgunit)
    m.departments.set([sub.data_set.department_id])
    clerks.append({{"username": user.username, "password": {PASSWORD!r}, "submission": sub.pk,
                   "grid": elements[:3], "upload": elements[3:6]}})
    if len(clerks) == 50:
        break
leaders = []
prefecture = OrgUnit.objects.get(code="513300")
for n in range(1, 21):
    user = users.objects.create_user(f"load-leader-{{n}}", password={PASSWORD!r})
    Membership.objects.create(user=user, role=Role.VIEWER, orgunit=prefecture, all_departments=True)
    leaders.append({{"username": user.username, "password": {PASSWORD!r}}})
people = {{
    "clerks": clerks, "leaders": leaders,
    "indicators": list(Indicator.objects.filter(target__area__outline__start_year=2021)
                       .order_by("code").values_list("code", flat=True)[:40]),
    "units": list(OrgUnit.objects.filter(aggregated=True, level__lte=4)
                 .values_list("code", flat=True)),
}}
open({str(people_file)!r}, "w", encoding="utf-8").write(json.dumps(people))
print(len(clerks), "clerks,", len(leaders), "leaders")
"""
    env = _env(db_url)
    for args in (["setup"], ["demo", "load"], ["analytics", "rebuild"]):
        subprocess.run([str(BIN / "lianggang"), *args], env=env, check=True, capture_output=True)
    subprocess.run([str(BIN / "python"), "-c", code], env=env, check=True)


def _get(url: str, timeout: float = 10.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except OSError:
        return 0


def _wait_until_up(url: str, limit: float) -> float | None:
    """Seconds until ``url`` answers 200, or None after ``limit``."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if _get(url) == 200:
            return time.monotonic() - started
        time.sleep(0.1)
    return None


def _gunicorn_workers(run_dir: Path) -> list[int]:
    master = int((run_dir / "gunicorn.pid").read_text().strip())
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def _pg_restart() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[0]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
    )


def _check_data(db_url: str, ops_file: Path) -> dict[str, Any]:
    """Acknowledged writes are in the audit; imports are whole or absent."""
    import psycopg

    ops = [json.loads(line) for line in ops_file.read_text().splitlines() if line.strip()]
    with psycopg.connect(db_url) as con:
        rows = con.execute(
            """SELECT a.submission_id, e.code, a.new_value FROM collection_datavalueaudit a
               JOIN framework_dataelement e ON e.id = a.element_id WHERE a.year = 2026"""
        ).fetchall()
    landed = {(s, e, v) for s, e, v in rows}
    lost = [
        op
        for op in ops
        if op["ack"]
        and any((op["submission"], e, float(v)) not in landed for e, v in op["cells"].items())
    ]
    half = []
    for op in ops:
        if op["kind"] != "import":
            continue
        there = sum((op["submission"], e, float(v)) in landed for e, v in op["cells"].items())
        if 0 < there < len(op["cells"]):
            half.append(op)
    return {
        "writes": len(ops),
        "acknowledged": sum(op["ack"] for op in ops),
        "acknowledged imports": sum(op["ack"] for op in ops if op["kind"] == "import"),
        "unacknowledged that landed": sum(
            1
            for op in ops
            if not op["ack"]
            and all((op["submission"], e, float(v)) in landed for e, v in op["cells"].items())
        ),
        "lost": lost,
        "half applied": half,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=300, help="seconds of load (default 300)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8080, help="nginx on 127.0.0.1:PORT")
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    run_dir = ROOT / "var" / "run"
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        people, ops = tmp_path / "people.json", tmp_path / "ops.jsonl"
        print("Preparing the database (demo prefecture, 50 clerks, 20 leaders)…", flush=True)
        db_url = _fresh_database()
        _prepare(db_url, people)
        env = _env(db_url)
        service = subprocess.Popen(
            [
                str(ROOT / "deploy" / "run"),
                "--listen",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
            ],
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        try:
            if _wait_until_up(f"{base}/healthz", 60) is None:
                print("The service did not start.", file=sys.stderr)
                return 1
            locust = subprocess.Popen(
                [
                    str(BIN / "locust"),
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "--users",
                    "70",
                    "--spawn-rate",
                    "10",
                    "--run-time",
                    f"{args.duration}s",
                    "--host",
                    base,
                    "--csv",
                    str(tmp_path / "locust"),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                env={**env, "LOADTEST_PEOPLE": str(people), "LOADTEST_OPS": str(ops)},
                cwd=ROOT,
            )
            started = time.monotonic()
            time.sleep(args.duration / 3)
            victim = _gunicorn_workers(run_dir)[0]
            os.kill(victim, signal.SIGKILL)
            killed_at = time.monotonic() - started
            worker_back = _wait_until_up(f"{base}/healthz", RECOVERY_LIMIT)
            while len(_gunicorn_workers(run_dir)) < args.workers:
                time.sleep(0.1)
            time.sleep(max(0.0, started + 2 * args.duration / 3 - time.monotonic()))
            pg_at = time.monotonic() - started
            _pg_restart()
            pg_back = _wait_until_up(f"{base}/healthz", RECOVERY_LIMIT)
            locust.wait(timeout=args.duration + 120)
        finally:
            os.killpg(service.pid, signal.SIGTERM)
            service.wait(timeout=60)
        stats = list(csv.DictReader((tmp_path / "locust_stats.csv").open()))
        failures = list(csv.DictReader((tmp_path / "locust_failures.csv").open()))
        checks = _check_data(db_url, ops)
    total = next(r for r in stats if r["Name"] == "Aggregated")
    print(
        f"\nLoad: 50 clerks + 20 leaders for {args.duration} s through nginx → gunicorn "
        f"({args.workers} workers) → PostgreSQL, task worker beside"
    )
    print(f"{'request':<18}{'count':>8}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for r in stats:
        print(
            f"{r['Name']:<18}{r['Request Count']:>8}{r['Failure Count']:>8}"
            f"{r['50%']:>9}{r['95%']:>9}{float(r['Max Response Time']):>9.0f}"
        )
    print(
        f"requests {total['Request Count']}, errors {total['Failure Count']}, "
        f"p95 {total['95%']} ms, {float(total['Requests/s']):.1f} requests/s"
    )
    for f in failures:
        print(f"  error ×{f['Occurrences']}: {f['Method']} {f['Name']}: {f['Error'][:120]}")
    fmt = lambda s: "not within 30 s" if s is None else f"{s:.1f} s"  # noqa: E731
    print(f"app worker killed at {killed_at:.0f} s: answering again after {fmt(worker_back)}")
    print(f"PostgreSQL restarted at {pg_at:.0f} s: answering again after {fmt(pg_back)}")
    print(
        f"writes {checks['writes']}, acknowledged {checks['acknowledged']} "
        f"(imports {checks['acknowledged imports']}); acknowledged but missing "
        f"{len(checks['lost'])}; imports half applied {len(checks['half applied'])}; "
        f"unacknowledged yet stored {checks['unacknowledged that landed']}"
    )
    ok = (
        not checks["lost"]
        and not checks["half applied"]
        and worker_back is not None
        and pg_back is not None
    )
    print("RESULT:", "pass" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
