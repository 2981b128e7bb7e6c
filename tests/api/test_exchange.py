"""The exchange endpoints over HTTP, with each role: exports of what every signed-in user sees,
imports only into one's own open submissions, DHIS2's import summary as the answer."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from lianggang.accounts.services import api_token_create
from lianggang.collection.models import DataValue
from lianggang.collection.services import round_open
from tests.api.test_v1 import ROLES
from tests.factories import member

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/exports/values?outline=children-2021&year=2024&orgunit=513301"
FORMATS = ["csv", "xlsx", "dhis2-json", "dhis2-csv", "adx", "sdmx-csv", "opensdg", "jsonstat"]


def _headers(user: Any) -> dict[str, str]:
    _t, raw = api_token_create(user=user, name="t")
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_export_format_answers_each_role(role: str) -> None:
    headers = _headers(member(f"x_{role}", *ROLES[role]))
    for fmt in FORMATS:
        response = Client().get(f"{EXPORT}&format={fmt}", headers=headers)
        assert response.status_code == 200, (role, fmt, response.content[:200])
        assert "attachment" in response["Content-Disposition"]
        assert len(response.content) > 100
    figures = Client().get(
        "/api/v1/exports/indicators?outline=children-2021&year=2024&format=jsonstat",
        headers=headers,
    )
    assert figures.json()["id"][0] == "indicator"
    table = Client().get(
        "/api/v1/exports/indicators?outline=children-2021&year=2024&from_year=2023"
        "&orgunit=513301&format=csv",
        headers=headers,
    )
    header, *rows = table.content.decode().splitlines()
    assert header.startswith("indicator,orgunit,year,value,numerator,denominator")
    assert {r.split(",")[2] for r in rows} == {"2023", "2024"}
    assert "lianggang-indicators-" in table["Content-Disposition"]


def test_exports_refuse_what_they_cannot_do() -> None:
    headers = _headers(member("x_leader", *ROLES["leader"]))
    for url, field in [
        ("/api/v1/exports/values?outline=men-2099&year=2024", "outline"),
        ("/api/v1/exports/values?outline=women-2021&year=2024&orgunit=999", "orgunit"),
        ("/api/v1/exports/values?outline=women-2021&year=2024&from_year=2025", "from_year"),
        ("/api/v1/exports/indicators?outline=women-2021&year=2024&format=adx", "format"),
    ]:
        response = Client().get(url, headers=headers)
        assert response.status_code in (404, 422), url
        [error] = response.json()["errors"]
        assert error["field"] == field
    assert Client().get(EXPORT).status_code == 401


def _kangding_json(value: Any) -> bytes:
    doc = {
        "dataValues": [
            {"dataElement": "live_births", "period": "2026", "orgUnit": "513301", "value": value},
            {
                "dataElement": "live_births",
                "period": "2026",
                "orgUnit": "513301",
                "categoryOptionCombo": "urban",
                "value": "700",
            },
            {"dataElement": "infant_deaths", "period": "202601", "orgUnit": "513301", "value": 9},
        ]
    }
    return json.dumps(doc).encode()


@pytest.fixture
def open_round() -> None:
    root = get_user_model().objects.create_superuser("opener", "", "a-long-test-password")
    round_open(actor=root, year=2026, closes_on=dt.date(2027, 4, 30))


def _post(body: bytes, user: Any, query: str = "") -> Any:
    return Client().post(
        "/api/v1/imports/values?format=dhis2-json" + query,
        body,
        content_type="application/json",
        headers=_headers(user),
    )


@pytest.mark.usefixtures("open_round")
@pytest.mark.parametrize("role", sorted(ROLES))
def test_imports_write_only_into_ones_own_submissions(role: str) -> None:
    user = member(f"i_{role}", *ROLES[role])
    response = _post(_kangding_json(1480), user, "&atomic_mode=NONE")
    may_enter = role == "clerk"  # the one role that enters values
    if may_enter:
        assert response.status_code == 200, response.content
        summary = response.json()
        assert summary["status"] == "WARNING"
        assert summary["importCount"] == {"imported": 2, "updated": 0, "ignored": 1, "deleted": 0}
        [conflict] = summary["conflicts"]
        assert (conflict["object"], conflict["property"], conflict["indexes"]) == (
            "202601",
            "period",
            [2],
        )
        assert DataValue.objects.filter(year=2026, orgunit__code="513301").count() == 2
    else:
        # Not theirs: every value refused, each with why; nothing written.
        assert response.status_code == 409, response.content
        body = response.json()
        assert body["importSummary"]["status"] == "ERROR"
        assert len(body["errors"]) == 3
        assert not DataValue.objects.filter(year=2026).exists()


@pytest.mark.usefixtures("open_round")
def test_one_refusal_refuses_the_file_unless_asked_otherwise() -> None:
    clerk = member("i_clerk", *ROLES["clerk"])
    response = _post(_kangding_json(1480), clerk, "&dry_run=true")
    assert response.status_code == 409
    body = response.json()
    assert body["errors"][0]["field"] == "period"
    assert body["errors"][0]["row"] == 3
    assert body["importSummary"]["importCount"]["imported"] == 0
    assert not DataValue.objects.filter(year=2026).exists()
    good = json.loads(_kangding_json(1480))
    good["dataValues"].pop()
    partial = _post(_kangding_json(1480), clerk, "&dry_run=true&atomic_mode=NONE")
    assert partial.status_code == 200
    assert partial.json()["status"] == "WARNING"
    assert partial.json()["importCount"]["imported"] == 2
    assert not DataValue.objects.filter(year=2026).exists()
    dry = _post(json.dumps(good).encode(), clerk, "&dry_run=true")
    assert dry.json()["status"] == "SUCCESS"
    assert dry.json()["importCount"]["imported"] == 2
    assert not DataValue.objects.filter(year=2026).exists()
    done = _post(json.dumps(good).encode(), clerk)
    assert done.json()["importCount"]["imported"] == 2
    good["dataValues"][0]["value"] = "1500"
    create_only = _post(json.dumps(good).encode(), clerk, "&import_strategy=CREATE")
    assert create_only.json()["importCount"] == {
        "imported": 0,
        "updated": 0,
        "ignored": 2,
        "deleted": 0,
    }
    update = _post(json.dumps(good).encode(), clerk, "&import_strategy=UPDATE")
    assert update.json()["importCount"]["updated"] == 1
    assert DataValue.objects.get(year=2026, disaggregation="total").value == 1500
    delete = _post(json.dumps(good).encode(), clerk, "&import_strategy=DELETE")
    assert delete.json()["importCount"]["deleted"] == 2
    assert not DataValue.objects.filter(year=2026).exists()


@pytest.mark.usefixtures("open_round")
def test_imports_refuse_unreadable_files_in_one_shape() -> None:
    clerk = member("i_clerk", *ROLES["clerk"])
    for body, fmt in [(b"{not json", "dhis2-json"), (b"<adx/>", "adx"), (b"\xff\xfe", "csv")]:
        response = Client().post(
            f"/api/v1/imports/values?format={fmt}",
            body,
            content_type="application/octet-stream",
            headers=_headers(clerk),
        )
        assert response.status_code == 409, (fmt, response.content)
        assert response.json()["errors"][0]["message"]
    unknown = Client().post(
        "/api/v1/imports/values", b"???", content_type="text/plain", headers=_headers(clerk)
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "format"


@pytest.mark.usefixtures("open_round")
def test_a_refused_file_counts_each_value_ignored_once() -> None:
    clerk = member("i_clerk", *ROLES["clerk"])
    doc = json.loads(_kangding_json("many"))  # the planner refuses row 1, the reader row 3
    response = _post(json.dumps(doc).encode(), clerk)
    assert response.status_code == 409
    summary = response.json()["importSummary"]
    assert len(summary["conflicts"]) == 2
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 3, "deleted": 0}
