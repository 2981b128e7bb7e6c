"""Benchmark: the API's bulk write throughput and its figure queries' latency, on PostgreSQL.

Prints figures; it is not a test. It uses the demo prefecture in its own PostgreSQL database
(``lianggang_bench``, as bench/web_load.py), serves the app with waitress on a loopback port,
then

1. opens ``--years`` bench rounds (2090–2099 by default, removed again at the end) and posts
   every value of them for every unit in one ``POST /api/v1/data-values`` (new values), then
   again with every value changed (updates), then once more changed as a DHIS2 dataValueSet
   through ``POST /api/v1/imports/values``, and prints values per second;
2. lets ``--clients`` threads ask ``GET /api/v1/indicator-values`` and ``/assessments`` for
   ``--seconds`` and prints p50/p95 latency and errors.

Goals (issue 8): bulk import ≥ 50 000 values/s; figure query p95 < 50 ms.

    .venv/bin/python bench/api.py [--years 10] [--clients 10] [--seconds 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_load import DEFAULT_URL, ROOT, _create_database, _free_port, _percentile, _set_up, _wait

LAST_YEAR = 2099
YEARS = range(LAST_YEAR - 9, LAST_YEAR + 1)  # set from --years
QUERIES = [
    "/api/v1/indicator-values?indicator=c21-imr&orgunit=513300",
    "/api/v1/indicator-values?indicator=w21-mmr&level=4&year_from=2024",
    "/api/v1/indicator-values?outline=children-2021&orgunit=513301&year_from=2025&page_size=200",
    "/api/v1/assessments?outline=women-2021&level=4&year_from=2025&page_size=1000",
    "/api/v1/assessments?indicator=c21-preschool&orgunit=513300",
]


def _bench_user() -> str:
    """A clerk of every department at the prefecture, with a token; the bench round opened."""
    from django.contrib.auth import get_user_model

    from lianggang.accounts.models import Membership, Role
    from lianggang.accounts.services import api_token_create
    from lianggang.collection.services import round_open
    from lianggang.orgunits.models import OrgUnit

    users = get_user_model().objects
    _clear()
    root = users.filter(username="bench-root").first() or users.create_superuser(
        "bench-root", "", None
    )
    for year in YEARS:
        round_open(actor=root, year=year, closes_on=dt.date(LAST_YEAR + 1, 4, 30))
    clerk = users.filter(username="bench-clerk").first()
    if clerk is None:
        clerk = users.create_user("bench-clerk", password=None)
        Membership.objects.create(
            user=clerk,
            role=Role.CLERK,
            orgunit=OrgUnit.objects.get(code="513300"),
            all_departments=True,
        )
    _token, raw = api_token_create(user=clerk, name="bench")
    return raw


def _clear() -> None:
    """Remove the bench rounds and everything entered into them."""
    from lianggang.collection.models import DataValue, DataValueAudit, Round, Submission
    from lianggang.dbguard import maintenance

    years = range(LAST_YEAR - 99, LAST_YEAR + 1)
    with maintenance():  # the audit of the bench's own rounds goes too
        DataValueAudit.objects.filter(year__in=years).delete()
        DataValue.objects.filter(year__in=years).delete()
        Submission.objects.filter(round__year__in=years).delete()
        Round.objects.filter(year__in=years).delete()


def _values(bump: int) -> list[dict[str, object]]:
    """Every element × breakdown × unit of the bench rounds' submissions."""
    from lianggang.collection.models import Submission
    from lianggang.framework.models import DisaggregationOption

    options: dict[str, list[str]] = {}
    for code, category in DisaggregationOption.objects.values_list("code", "category__code"):
        options.setdefault(category, []).append(code)
    rng = random.Random(bump)
    out: list[dict[str, object]] = []
    for sub in (
        Submission.objects.filter(round__year__in=YEARS)
        .select_related("orgunit", "data_set", "round")
        .prefetch_related("data_set__elements")
    ):
        for element in sub.data_set.elements.all():
            breakdowns = [o for c in element.disaggregations or [] for o in options.get(c, [])]
            for breakdown in ["total", *breakdowns]:
                out.append(
                    {
                        "element": element.code,
                        "orgunit": sub.orgunit.code,
                        "year": sub.round.year,
                        "disaggregation": breakdown,
                        "value": rng.randint(10, 1000) + bump,
                    }
                )
    return out


def _floor(values: list[dict[str, object]]) -> float:
    """Seconds PostgreSQL alone takes to store these values and their audit rows (COPY and
    commit, foreign keys checked at commit), with no check of ours: the floor under the API."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from lianggang.collection.bulk import insert_values
    from lianggang.collection.models import DataValue, DataValueAudit, Submission
    from lianggang.dbguard import maintenance
    from lianggang.framework.models import DataElement
    from lianggang.orgunits.models import OrgUnit

    actor = get_user_model().objects.get(username="bench-clerk").pk
    elements = dict(DataElement.objects.values_list("code", "pk"))
    units = dict(OrgUnit.objects.values_list("code", "pk"))
    subs = {
        (orgunit, year, code): pk
        for pk, orgunit, year, code in Submission.objects.filter(round__year__in=YEARS).values_list(
            "pk", "orgunit_id", "round__year", "data_set__elements__code"
        )
    }
    now = timezone.now()
    rows, audits = [], []
    for v in values:
        key = (units[str(v["orgunit"])], int(str(v["year"])), str(v["element"]))
        cell = {
            "element_id": elements[str(v["element"])],
            "orgunit_id": key[0],
            "year": v["year"],
            "disaggregation": v["disaggregation"],
            "submission_id": subs[key],
        }
        rows.append({**cell, "value": v["value"], "updated_by_id": actor, "updated_at": now})
        audits.append({**cell, "new_value": v["value"], "actor_id": actor, "channel": "api"})
    started = time.perf_counter()
    with transaction.atomic():
        insert_values(DataValue, rows)
        insert_values(DataValueAudit, audits)
    seconds = time.perf_counter() - started
    with maintenance():
        DataValueAudit.objects.filter(year__in=YEARS).delete()
        DataValue.objects.filter(year__in=YEARS).delete()
    return seconds


def _post(
    port: int, token: str, values: list[dict[str, object]], *, dhis2: bool = False
) -> tuple[float, dict[str, object]]:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    if dhis2:
        url = "/api/v1/imports/values?format=dhis2-json"
        body = json.dumps(
            {
                "dataValues": [
                    {
                        "dataElement": v["element"],
                        "period": str(v["year"]),
                        "orgUnit": v["orgunit"],
                        "categoryOptionCombo": v["disaggregation"],
                        "value": str(v["value"]),
                    }
                    for v in values
                ]
            }
        )
    else:
        url, body = "/api/v1/data-values", json.dumps({"values": values})
    started = time.perf_counter()
    con.request(
        "POST", url, body, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    )
    response = con.getresponse()
    answer = json.loads(response.read())
    return time.perf_counter() - started, answer


def _client(
    port: int,
    token: str,
    until: float,
    seed: int,
    times: list[float],
    errors: list[str],
    lock: threading.Lock,
) -> None:
    rng = random.Random(seed)
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < until:
        url = rng.choice(QUERIES)
        started = time.perf_counter()
        try:
            con.request("GET", url, headers={"Authorization": f"Bearer {token}"})
            response = con.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                if response.status == 200:
                    times.append(elapsed)
                else:
                    errors.append(f"{url}: HTTP {response.status}")
        except (OSError, http.client.HTTPException) as exc:
            with lock:
                errors.append(f"{url}: {exc}")
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=10, help="bench rounds to fill at once")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--url", default=os.environ.get("BENCH_WEB_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    global YEARS
    YEARS = range(LAST_YEAR - args.years + 1, LAST_YEAR + 1)
    _create_database(args.url)
    _set_up(args.url)
    token = _bench_user()
    created, updated, again = _values(0), _values(1), _values(2)
    print(f"database: PostgreSQL {args.url.split('@')[-1]} (demo prefecture, synthetic)")
    port = _free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "lianggang"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-worker",
        ],
        env={**os.environ, "DATABASE_URL": args.url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(port, time.monotonic() + 30)
        print(
            f"bulk write of {len(created)} values ({len(YEARS)} years × every unit, element "
            "and breakdown) in one request:"
        )
        floor = _floor(created)
        print(
            f"  PostgreSQL alone (COPY of the values and their audit rows, commit): "
            f"{floor:.2f} s, {len(created) / floor:,.0f} values/s"
        )
        for label, values, dhis2 in (
            ("POST /api/v1/data-values, new values", created, False),
            ("POST /api/v1/data-values, every value changed", updated, False),
            ("POST /api/v1/imports/values (DHIS2 JSON), every value changed", again, True),
        ):
            seconds, answer = _post(port, token, values, dhis2=dhis2)
            count = answer.get("importCount", answer)
            print(f"  {label}: {seconds:.2f} s, {len(values) / seconds:,.0f} values/s ({count})")
        times: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=_client, args=(port, token, until, i, times, errors, lock))
            for i in range(args.clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=10)
        _clear()
    print(
        f"figure queries, {args.clients} clients for {args.seconds:.0f} s without pause, "
        f"{len(QUERIES)} kinds of query:"
    )
    if times:
        print(
            f"  {len(times)} requests ({len(times) / args.seconds:.1f}/s), "
            f"p50 {_percentile(times, 0.5) * 1000:.0f} ms, "
            f"p95 {_percentile(times, 0.95) * 1000:.0f} ms, "
            f"mean {statistics.mean(times) * 1000:.0f} ms"
        )
    print(f"  errors: {len(errors)}")
    for e in errors[:5]:
        print(f"    {e}")
    print("goals: bulk import ≥ 50 000 values/s; figure query p95 < 50 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
