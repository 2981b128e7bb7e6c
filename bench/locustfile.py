"""The load of `make loadtest` (run by bench/loadtest.py, which sets everything up).

50 department clerks, each on a submission of their own, save cells in the grid and upload the
Excel template; 20 leaders read the dashboard, indicator pages, unit profiles and the query page.
Every write is logged to LOADTEST_OPS (one JSON line each: its cells and values, and whether
the server acknowledged it), for loadtest.py to check against the database afterwards.

Values are unique per write (op number × 10 + cell), so that the audit shows which writes landed.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import random
import re
import threading
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task
from openpyxl import load_workbook

PEOPLE = json.loads(Path(os.environ["LOADTEST_PEOPLE"]).read_text(encoding="utf-8"))
OPS_FILE = open(os.environ["LOADTEST_OPS"], "a", encoding="utf-8")  # noqa: SIM115 - for the run
_ops = itertools.count(1)
_clerks = itertools.count()
_leaders = itertools.count()
_lock = threading.Lock()
VERSION = re.compile(r'name="version" value="(\d+)"')
PENDING = re.compile(r"/collection/imports/(\d+)/confirm/")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _log(record: dict[str, Any]) -> None:
    with _lock:
        OPS_FILE.write(json.dumps(record) + "\n")
        OPS_FILE.flush()


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    person: dict[str, Any]

    def _login(self) -> None:
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF.search(page.text)
        self.client.post(
            "/accounts/login/",
            {
                "username": self.person["username"],
                "password": self.person["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            name="login",
        )

    def _csrf(self) -> dict[str, str]:
        return {"X-CSRFToken": self.client.cookies.get("csrftoken", "")}


class Clerk(Person):
    fixed_count = 50

    def on_start(self) -> None:
        self.person = PEOPLE["clerks"][next(_clerks) % len(PEOPLE["clerks"])]
        self.versions: dict[str, int | None] = dict.fromkeys(self.person["grid"], None)
        self._login()

    def _grid_url(self) -> str:
        return f"/collection/submissions/{self.person['submission']}/"

    def _refresh_versions(self) -> None:
        page = self.client.get(self._grid_url(), name="grid")
        for element in self.versions:
            row = re.search(rf'id="row-{element}-total".*?</tr>', page.text, re.S)
            found = VERSION.search(row.group(0)) if row else None
            self.versions[element] = int(found.group(1)) if found else 0

    @task(6)
    def save_a_cell(self) -> None:
        element = random.choice(list(self.versions))
        if self.versions[element] is None:
            self._refresh_versions()
        op = next(_ops)
        value = op * 10
        answer = self.client.post(
            self._grid_url() + "cell/",
            {
                "element": element,
                "disaggregation": "total",
                "value": str(value),
                "version": str(self.versions[element]),
            },
            headers=self._csrf(),
            name="save a cell",
        )
        found = VERSION.search(answer.text) if answer.status_code == 200 else None
        ack = found is not None
        self.versions[element] = int(found.group(1)) if found else None
        _log(
            {
                "op": op,
                "kind": "cell",
                "submission": self.person["submission"],
                "cells": {element: value},
                "ack": ack,
                "status": answer.status_code,
            }
        )

    @task(1)
    def upload_the_template(self) -> None:
        op = next(_ops)
        cells = {e: op * 10 + i for i, e in enumerate(self.person["upload"], start=1)}
        template = self.client.get(self._grid_url() + "template.xlsx", name="template")
        if template.status_code != 200:
            _log(
                {
                    "op": op,
                    "kind": "import",
                    "submission": self.person["submission"],
                    "cells": cells,
                    "ack": False,
                    "status": template.status_code,
                }
            )
            return
        wb = load_workbook(io.BytesIO(template.content))
        ws = wb.worksheets[1]
        for r in range(4, ws.max_row + 1):
            element = ws.cell(r, 1).value
            if element in cells and ws.cell(r, 2).value == "total":
                ws.cell(r, 8).value = cells[element]
        buf = io.BytesIO()
        wb.save(buf)
        preview = self.client.post(
            self._grid_url() + "upload/",
            files={"file": ("填报.xlsx", buf.getvalue())},
            headers=self._csrf(),
            name="upload",
        )
        pending = PENDING.search(preview.text) if preview.status_code == 200 else None
        ack = False
        status = preview.status_code
        if pending:
            confirm = self.client.post(
                f"/collection/imports/{pending.group(1)}/confirm/",
                headers=self._csrf(),
                name="confirm upload",
            )
            status = confirm.status_code
            # Acknowledged: the page after says how many values changed (msg-success).
            ack = confirm.status_code == 200 and "msg-success" in confirm.text
        _log(
            {
                "op": op,
                "kind": "import",
                "submission": self.person["submission"],
                "cells": cells,
                "ack": ack,
                "status": status,
            }
        )
        # The uploaded cells do not touch the grid's: the grid's versions stay as they are.

    @task(2)
    def look_at_the_grid(self) -> None:
        self.client.get(self._grid_url(), name="grid")


class Leader(Person):
    fixed_count = 20

    def on_start(self) -> None:
        self.person = PEOPLE["leaders"][next(_leaders) % len(PEOPLE["leaders"])]
        self._login()

    @task(4)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")

    @task(2)
    def indicator(self) -> None:
        code = random.choice(PEOPLE["indicators"])
        self.client.get(f"/indicators/{code}/", name="indicator page")

    @task(2)
    def county(self) -> None:
        code = random.choice(PEOPLE["units"])
        self.client.get(f"/units/{code}/", name="unit profile")

    @task(1)
    def query(self) -> None:
        code = random.choice(PEOPLE["indicators"])
        self.client.get("/query/", params={"indicator": code}, name="query page")
