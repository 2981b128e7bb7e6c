"""Benchmark: build the demo prefecture and time the analytics rebuild and the pages over HTTP.

Prints figures; it is not a test. Uses its own SQLite database (var/bench.sqlite3) unless
DATABASE_URL is set, and serves the app with waitress on 127.0.0.1 on a free port.

    .venv/bin/python bench/dashboard.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import socket
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianggang.config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from lianggang.analytics.store import analytics_rebuild
    from lianggang.demo.services import demo_load
    from lianggang.framework.services import framework_load
    from lianggang.orgunits.services import orgunits_load

    print(f"database: {connection.vendor} ({os.environ['DATABASE_URL'].split('@')[-1]})")
    t = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    orgunits_load()
    framework_load()
    report = demo_load()
    print(
        f"set-up (migrate, load, demo {'generated' if report.loaded else 'reused'}): "
        f"{time.perf_counter() - t:.1f} s"
    )
    rebuild = analytics_rebuild()
    print(
        f"analytics rebuild: {rebuild.values_read} values -> {rebuild.indicator_values} "
        f"indicator values, {rebuild.assessments} judgements in {rebuild.seconds:.2f} s"
    )
    user_model = get_user_model()
    if not user_model.objects.filter(username="bench").exists():
        user_model.objects.create_user("bench", password="bench-password-not-secret")

    from waitress.server import create_server

    from lianggang.config.wsgi import application

    port = _free_port()
    server = create_server(application, host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/accounts/login/").read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    data = f"username=bench&password=bench-password-not-secret&csrfmiddlewaretoken={token}"
    req = urllib.request.Request(
        f"{base}/accounts/login/",
        data=data.encode(),
        headers={"Referer": f"{base}/accounts/login/"},
    )
    opener.open(req).read()

    pages = {
        "dashboard women-2021 (Ganzi, 18 counties x 27 indicators)": "/?outline=women-2021",
        "dashboard children-2021": "/?outline=children-2021",
        "dashboard county (康定市)": "/?outline=children-2021&orgunit=513301",
        "indicator page (学前教育毛入园率)": "/indicators/c21-preschool/",
    }
    print(f"HTTP, {args.repeat} requests each after one warm-up (median / p95 / max, ms):")
    for label, path in pages.items():
        opener.open(base + path).read()
        times = []
        size = 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            body = opener.open(base + path).read()
            times.append((time.perf_counter() - started) * 1000)
            size = len(body)
        times.sort()
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        print(
            f"  {label}: {statistics.median(times):.0f} / {p95:.0f} / {times[-1]:.0f}"
            f"  ({size // 1024} KiB)"
        )
    server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
