"""The query page's selection as an endpoint: the same figures as the page, as JSON or
JSON-stat, for every role; a selection it cannot answer says which part and why."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lianggang.accounts.services import api_token_create
from lianggang.analytics.models import IndicatorValue
from lianggang.framework.models import Indicator
from lianggang.interop.jsonstat import read_values
from lianggang.orgunits.models import OrgUnit
from tests.api.test_v1 import ROLES
from tests.factories import member

pytestmark = pytest.mark.django_db

SELECTION = (
    "indicator=c21-preschool&indicator=c21-imr&orgunit=513301&orgunit=513300"
    "&year_from=2022&year_to=2024"
)


def _headers(user: Any) -> dict[str, str]:
    _t, raw = api_token_create(user=user, name="t")
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_selection_answers_each_role_with_the_stored_figures(role: str) -> None:
    headers = _headers(member(f"q_{role}", *ROLES[role]))
    answer = Client().get(f"/api/v1/query?{SELECTION}", headers=headers)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    # In the order asked, with their names, as the page shows them.
    assert [i["code"] for i in body["indicators"]] == ["c21-preschool", "c21-imr"]
    assert [u["code"] for u in body["orgunits"]] == ["513301", "513300"]
    assert body["years"] == [2022, 2023, 2024]
    stored = IndicatorValue.objects.filter(
        indicator__code__in=["c21-imr", "c21-preschool"],
        orgunit__code__in=["513300", "513301"],
        year__in=[2022, 2023, 2024],
        disaggregation="total",
    )
    assert len(body["values"]) == stored.count()
    kangding = next(
        v
        for v in body["values"]
        if (v["indicator"], v["orgunit"], v["year"]) == ("c21-imr", "513301", 2023)
    )
    assert kangding["value"] == pytest.approx(
        stored.get(indicator__code="c21-imr", orgunit__code="513301", year=2023).value
    )
    jsonstat = Client().get(f"/api/v1/query/jsonstat?{SELECTION}", headers=headers)
    assert jsonstat.status_code == 200
    values = read_values(jsonstat.content)
    assert len(values) == sum(1 for v in body["values"] if v["value"] is not None)


def test_breakdowns_are_asked_for() -> None:
    headers = _headers(member("q_leader", *ROLES["leader"]))
    url = "/api/v1/query?indicator=w21-mmr&orgunit=513300&year_from=2024"
    totals = Client().get(url, headers=headers).json()["values"]
    assert {v["disaggregation"] for v in totals} == {"total"}
    every = Client().get(url + "&breakdowns=true", headers=headers).json()["values"]
    assert {v["disaggregation"] for v in every} == {"total", "urban", "rural"}


def test_a_selection_it_cannot_answer_says_why() -> None:
    headers = _headers(member("q_leader", *ROLES["leader"]))
    for query, field in [
        ("indicator=nope&orgunit=513300&year_from=2024", "indicator"),
        ("indicator=c21-imr&orgunit=999999&year_from=2024", "orgunit"),
        ("indicator=c21-imr&orgunit=513300&year_from=2040", "year_from"),
        ("orgunit=513300&year_from=2024", "indicator"),
    ]:
        answer = Client().get(f"/api/v1/query?{query}", headers=headers)
        assert answer.status_code == 422, query
        assert field in {e["field"] for e in answer.json()["errors"]}, (query, answer.json())
    many = "&".join(f"indicator={c}" for c in Indicator.objects.values_list("code", flat=True))
    units = "&".join(
        f"orgunit={u}"
        for u in OrgUnit.objects.filter(aggregated=True).values_list("code", flat=True)
    )
    answer = Client().get(
        f"/api/v1/query?{many}&{units}&year_from=2010&year_to=2030", headers=headers
    )
    assert answer.status_code == 422
    assert "20000" in answer.json()["errors"][0]["message"].replace(",", "")
    assert Client().get(f"/api/v1/query?{SELECTION}").status_code == 401
