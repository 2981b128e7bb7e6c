"""Benchmark: 50 concurrent clients on the overview and indicator pages, on PostgreSQL.

Prints figures; it is not a test. It loads the demo prefecture into its own PostgreSQL database
(``lianggang_bench`` on 127.0.0.1, created if missing), serves the app with waitress on a free
loopback port, signs one leader in, and lets ``--clients`` threads request the overview and
indicator pages for ``--seconds``, each waiting ``--think`` seconds between its requests (a
person reading a page), then prints p50/p95/p99 latency per page, the throughput and the errors.
A second run does the same while a county's figures are refreshed every ``--refresh-every``
seconds, as an approval does: each refresh changes the figures' version, so every cached page
is rendered again on its next request.
Goal (issue 6): p95 under 150 ms and no errors.

    .venv/bin/python bench/web_load.py [--clients 50] [--seconds 30] [--think 1.0]
        [--refresh-every 5]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lianggang_bench"
PASSWORD = "bench-password-0123"
PAGES = {
    "overview": [
        "/?outline=children-2021",
        "/?outline=women-2021",
        "/?outline=children-2021&orgunit=513301",
        "/?outline=women-2021&orgunit=513322",
    ],
    "indicator": [
        "/indicators/c21-imr/?orgunit=513300",
        "/indicators/w21-mmr/?orgunit=513300",
        "/indicators/c21-preschool/?orgunit=513300",
        "/indicators/c21-imr/?orgunit=513301",
    ],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _create_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as con:
        if not con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            con.execute(f'CREATE DATABASE "{name}"')


def _set_up(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianggang.config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from lianggang.accounts.models import Membership, Role
    from lianggang.analytics.store import analytics_rebuild
    from lianggang.cli import _ledger_key_ensure
    from lianggang.demo.services import demo_load
    from lianggang.framework.services import framework_load
    from lianggang.orgunits.models import OrgUnit
    from lianggang.orgunits.services import orgunits_load

    call_command("migrate", interactive=False, verbosity=0)
    _ledger_key_ensure(sys.stdout)  # the demo's ledger encrypts; a fresh machine has no key yet
    orgunits_load()
    framework_load()
    if demo_load().loaded:
        analytics_rebuild()
    users = get_user_model().objects
    leader = users.filter(username="bench-leader").first()
    if leader is None:
        leader = users.create_user("bench-leader", password=PASSWORD)
        Membership.objects.create(
            user=leader, role=Role.VIEWER, orgunit=OrgUnit.objects.get(code="513300")
        )


def _wait(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            con.request("GET", "/healthz")
            if con.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def _login(port: int) -> str:
    """Sign the leader in; return the session cookie header."""
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    con.request("GET", "/accounts/login/")
    response = con.getresponse()
    page = response.read().decode()
    cookies = {
        c.split("=", 1)[0]: c.split("=", 1)[1].split(";", 1)[0]
        for c in response.headers.get_all("Set-Cookie") or []
    }
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "no CSRF token on the login page"
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": match[1],
            "username": "bench-leader",
            "password": PASSWORD,
        }
    )
    con.request(
        "POST",
        "/accounts/login/",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "Referer": f"http://127.0.0.1:{port}/accounts/login/",
        },
    )
    response = con.getresponse()
    response.read()
    for c in response.headers.get_all("Set-Cookie") or []:
        name, value = c.split("=", 1)
        cookies[name] = value.split(";", 1)[0]
    assert response.status == 302, "login failed"
    assert "sessionid" in cookies, "login set no session"
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def _client(
    port: int,
    cookie: str,
    until: float,
    think: float,
    seed: int,
    times: dict[str, list[float]],
    errors: list[str],
    lock: threading.Lock,
) -> None:
    rng = random.Random(seed)
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    time.sleep(rng.random() * think)  # the clients do not all start at once
    while time.monotonic() < until:
        kind = rng.choice(list(PAGES))
        url = rng.choice(PAGES[kind])
        started = time.perf_counter()
        try:
            con.request("GET", url, headers={"Cookie": cookie})
            response = con.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                if response.status == 200:
                    times[kind].append(elapsed)
                else:
                    errors.append(f"{url}: HTTP {response.status}")
        except (OSError, http.client.HTTPException) as exc:
            with lock:
                errors.append(f"{url}: {exc}")
            con.close()
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        time.sleep(think * (0.5 + rng.random()))
    con.close()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _refresher(until: float, every: float, seconds: list[float]) -> None:
    """What an approval does to the figures, every ``every`` seconds: a county's refresh (new
    figures, a new version, so every cached page is rendered again on its next request)."""
    from lianggang.analytics.store import analytics_refresh
    from lianggang.framework.models import Indicator
    from lianggang.orgunits.models import OrgUnit

    rng = random.Random(7)
    elements = sorted(set(Indicator.objects.values_list("numerator_id", flat=True)))
    counties = list(OrgUnit.objects.filter(level=4).values_list("pk", flat=True))
    years = list(range(2021, 2026))
    while time.monotonic() + every < until:
        time.sleep(every)
        started = time.perf_counter()
        analytics_refresh(
            element_ids=set(rng.sample(elements, 5)),
            orgunit_ids={rng.choice(counties)},
            years={rng.choice(years)},
        )
        seconds.append(time.perf_counter() - started)


def _run(port: int, cookie: str, args: argparse.Namespace, refresh_every: float | None) -> None:
    times: dict[str, list[float]] = {k: [] for k in PAGES}
    errors: list[str] = []
    lock = threading.Lock()
    until = time.monotonic() + args.seconds
    threads = [
        threading.Thread(
            target=_client,
            args=(port, cookie, until, args.think, i, times, errors, lock),
            daemon=True,
        )
        for i in range(args.clients)
    ]
    refreshes: list[float] = []
    if refresh_every:
        threads.append(threading.Thread(target=_refresher, args=(until, refresh_every, refreshes)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if refresh_every:
        print(
            f"with a county's figures refreshed every {refresh_every:.0f} s (as after an "
            f"approval; {len(refreshes)} refreshes, median "
            f"{statistics.median(refreshes or [0]) * 1000:.0f} ms), every page rendered again:"
        )
    else:
        print("steady (figures unchanged, pages served from the cache after their first view):")
    total = sum(len(v) for v in times.values())
    everything: list[float] = []
    for kind, values in times.items():
        everything += values
        if values:
            print(
                f"  {kind}: {len(values)} requests, p50 {_percentile(values, 0.5) * 1000:.0f} ms, "
                f"p95 {_percentile(values, 0.95) * 1000:.0f} ms, "
                f"p99 {_percentile(values, 0.99) * 1000:.0f} ms, "
                f"max {max(values) * 1000:.0f} ms"
            )
    if everything:
        print(
            f"  all: {total} requests ({total / args.seconds:.1f}/s), "
            f"p50 {_percentile(everything, 0.5) * 1000:.0f} ms, "
            f"p95 {_percentile(everything, 0.95) * 1000:.0f} ms"
        )
    print(f"  errors: {len(errors)}")
    for e in errors[:10]:
        print(f"    {e}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument(
        "--refresh-every",
        type=float,
        default=5.0,
        help="a second run refreshes a county's figures this often (0: no second run)",
    )
    parser.add_argument("--url", default=os.environ.get("BENCH_WEB_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    _create_database(args.url)
    started = time.perf_counter()
    _set_up(args.url)
    print(f"database: PostgreSQL {args.url.split('@')[-1]} (demo prefecture, synthetic)")
    print(f"set-up: {time.perf_counter() - started:.1f} s")
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": args.url}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "lianggang"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--threads",
            str(args.threads),
            "--no-worker",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(port, time.monotonic() + 30)
        cookie = _login(port)
        # Warm up: every page once.
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for urls in PAGES.values():
            for url in urls:
                warm.request("GET", url, headers={"Cookie": cookie})
                warm.getresponse().read()
        print(
            f"{args.clients} clients for {args.seconds:.0f} s each run, {args.think:.1f} s between "
            f"a client's requests, waitress with {args.threads} threads, 127.0.0.1:"
        )
        _run(port, cookie, args, refresh_every=None)
        if args.refresh_every:
            _run(port, cookie, args, refresh_every=args.refresh_every)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print("goal: p95 under 150 ms, no errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
