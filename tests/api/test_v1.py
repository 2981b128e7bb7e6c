"""The REST API through the HTTP client: every endpoint with each role, tokens made, refused
once revoked or expired or their user disabled, scope narrowed at once, one error shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lianggang.accounts.models import ApiToken, Membership, Role
from lianggang.accounts.services import api_token_create, api_token_revoke
from lianggang.api.v1 import api
from lianggang.collection.models import DataValue
from lianggang.orgunits.models import OrgUnit
from tests.factories import member

pytestmark = pytest.mark.django_db

ROLES = {
    "committee": (Role.COMMITTEE_OFFICER, "513300", None),
    "county": (Role.COUNTY_OFFICER, "513301", None),
    "clerk": (Role.CLERK, "513301", ["health"]),
    "leader": (Role.VIEWER, "513300", None),
    "federation": (Role.FEDERATION_OFFICER, "513300", None),
    "caseworker": (Role.CASE_WORKER, "513301", None),
}
READS = [
    "/api/v1/outlines",
    "/api/v1/areas?outline=women-2021",
    "/api/v1/indicators?outline=children-2021",
    "/api/v1/indicators/c21-imr",
    "/api/v1/data-elements",
    "/api/v1/disaggregations",
    "/api/v1/orgunits?level=4",
    "/api/v1/orgunits?parent=513300",
    "/api/v1/departments",
    "/api/v1/indicator-values?indicator=c21-imr&orgunit=513300",
    "/api/v1/assessments?indicator=c21-imr&level=4&year_from=2025",
    "/api/v1/data-values?year=2024",
]


def _token(user: Any) -> dict[str, str]:
    _t, raw = api_token_create(user=user, name="test")
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_read_endpoint_answers_each_role(role: str) -> None:
    user = member(f"api_{role}", *ROLES[role])
    headers = _token(user)
    for url in READS:
        response = Client().get(url, headers=headers)
        assert response.status_code == 200, (role, url, response.content[:200])


def test_every_route_is_in_the_openapi_document() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    routes = {
        "/api/v1/" + path.lstrip("/") + method.lower()
        for _prefix, router in api._routers
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }
    documented = {
        path + method for path, methods in document["paths"].items() for method in methods
    }
    assert routes
    assert routes == documented
    assert Client().get("/api/docs").status_code == 302
    docs = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs  # served here, no CDN
    assert "cdn" not in docs.lower()


def test_figures_filter_and_page() -> None:
    headers = _token(member("api_leader", *ROLES["leader"]))
    page = (
        Client()
        .get(
            "/api/v1/indicator-values?indicator=c21-imr&level=4&year_from=2024&year_to=2024&page_size=5",
            headers=headers,
        )
        .json()
    )
    assert page["count"] == 18
    assert len(page["items"]) == 5
    assert {i["year"] for i in page["items"]} == {2024}
    second = (
        Client()
        .get(
            "/api/v1/indicator-values?indicator=c21-imr&level=4&year_from=2024&year_to=2024&page_size=5&page=4",
            headers=headers,
        )
        .json()
    )
    assert len(second["items"]) == 3
    judged = (
        Client()
        .get("/api/v1/assessments?indicator=c21-imr&orgunit=513300&year_from=2025", headers=headers)
        .json()["items"]
    )
    assert [a["orgunit"] for a in judged] == ["513300"]
    assert judged[0]["status"] in {"ACHIEVED", "ON_TRACK", "OFF_TRACK", "REGRESSING"}
    assert judged[0]["value_used"] in {"single", "pooled"}
    for key in ("projected_low", "projected_high", "chance_of_meeting", "single_value"):
        assert key in judged[0]
    projected = [
        a
        for a in Client()
        .get("/api/v1/assessments?level=3&year_from=2025&page_size=500", headers=headers)
        .json()["items"]
        if a["chance_of_meeting"] is not None
    ]
    assert projected
    for a in projected:
        assert a["projected_low"] <= a["projected_value"] <= a["projected_high"]
        assert 0 <= a["chance_of_meeting"] <= 1


def test_data_values_keep_to_the_callers_scope() -> None:
    clerk = member("api_clerk", *ROLES["clerk"])
    items = (
        Client().get("/api/v1/data-values?year=2024&page_size=5000", headers=_token(clerk)).json()
    )
    assert items["count"] > 0
    assert {v["orgunit"] for v in items["items"]} == {"513301"}
    elements = set(
        DataValue.objects.filter(
            orgunit__code="513301", year=2024, submission__data_set__department__code="health"
        ).values_list("element__code", flat=True)
    )
    assert {v["element"] for v in items["items"]} == elements
    leader = member("api_leader", *ROLES["leader"])  # leaders see figures, not returns
    assert Client().get("/api/v1/data-values", headers=_token(leader)).json()["count"] == 0
    luding = Client().get("/api/v1/data-values?orgunit=513322", headers=_token(clerk)).json()
    assert luding == {"items": [], "count": 0}


def test_a_token_stops_working_at_once() -> None:
    user = member("api_county", *ROLES["county"])
    token, raw = api_token_create(user=user, name="script")
    headers = {"Authorization": f"Bearer {raw}"}
    assert Client().get("/api/v1/outlines", headers=headers).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    assert ApiToken.objects.get(pk=token.pk).digest != raw  # only a hash is kept
    api_token_revoke(user=user, token_id=token.pk)
    assert Client().get("/api/v1/outlines", headers=headers).status_code == 401
    _t, raw = api_token_create(
        user=user, name="short", expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert Client().get("/api/v1/outlines", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    _t, raw = api_token_create(user=user, name="again")
    user.is_active = False
    user.save()
    assert Client().get("/api/v1/outlines", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_a_narrowed_role_narrows_the_next_request() -> None:
    user = member("api_committee", *ROLES["committee"])
    headers = _token(user)
    before = Client().get("/api/v1/data-values?year=2024", headers=headers).json()["count"]
    Membership.objects.filter(user=user).update(orgunit=OrgUnit.objects.get(code="513322"))
    after = Client().get("/api/v1/data-values?year=2024&page_size=5000", headers=headers).json()
    assert 0 < after["count"] < before
    assert {v["orgunit"] for v in after["items"]} == {"513322"}


def test_one_error_shape_in_the_callers_language() -> None:
    headers = _token(member("api_leader", *ROLES["leader"]))
    missing = Client().get("/api/v1/indicators/nope", headers=headers)
    assert missing.status_code == 404
    assert missing.json() == {
        "errors": [{"code": "not_found", "message": "未找到。", "field": None, "row": None}]
    }
    bad = Client().get(
        "/api/v1/indicator-values?year_from=abc", HTTP_ACCEPT_LANGUAGE="en", headers=headers
    )
    assert bad.status_code == 422
    assert bad.json() == {
        "errors": [
            {
                "code": "invalid",
                "message": "Expected a whole number.",
                "field": "query.year_from",
                "row": None,
            }
        ]
    }
    anonymous = Client().get("/api/v1/outlines")
    assert anonymous.status_code == 401
    assert anonymous.json()["errors"][0]["code"] == "unauthenticated"
    wrong = Client().get("/api/v1/outlines", HTTP_AUTHORIZATION="Bearer lg_nope_nope")
    assert wrong.status_code == 401


def test_the_pages_session_works_too(client: Client, django_user_model: Any) -> None:
    client.force_login(member("api_session", *ROLES["leader"]))
    assert client.get("/api/v1/outlines").status_code == 200


def test_tokens_are_made_listed_and_revoked_on_their_page() -> None:
    user = member("api_pages", *ROLES["county"])
    web = Client()
    web.force_login(user)
    made = web.post("/account/tokens/", {"name": "报表脚本", "expires_on": ""})
    raw = made.context["made"]
    assert raw.startswith("lg_")
    assert raw in made.content.decode()
    listing = web.get("/account/tokens/").content.decode()
    assert raw not in listing  # shown once
    assert "报表脚本" in listing
    token = ApiToken.objects.get(user=user)
    other = Client()
    other.force_login(member("api_other", *ROLES["county"]))
    other.post(f"/account/tokens/{token.pk}/revoke/")
    assert Client().get("/api/v1/outlines", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    web.post(f"/account/tokens/{token.pk}/revoke/")
    assert Client().get("/api/v1/outlines", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    past = web.post("/account/tokens/", {"name": "x", "expires_on": "2020-01-01"})
    assert "请选择今天以后的日期。" in past.content.decode()


def test_nul_characters_are_refused_at_the_door() -> None:
    headers = _token(member("api_leader", *ROLES["leader"]))
    response = Client().get("/api/v1/indicators?outline=a%00b", headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "invalid"
    body = '{"values": [{"element": "a\\u0000", "orgunit": "x", "year": 2026, "value": 1}]}'
    posted = Client().post(
        "/api/v1/data-values", body, content_type="application/json", headers=headers
    )
    assert posted.status_code == 422


def test_figure_queries_are_served_from_the_cache_until_the_figures_change() -> None:
    from lianggang.analytics.models import IndicatorValue
    from lianggang.analytics.versions import figures_changed

    headers = _token(member("api_leader", *ROLES["leader"]))
    url = "/api/v1/indicator-values?indicator=c21-imr&orgunit=513300&year_from=2024&year_to=2024"
    first = Client().get(url, headers=headers).json()
    [item] = first["items"]
    assert first["count"] == 1
    # A change behind the figures' back is not seen: the answer comes from the cache …
    IndicatorValue.objects.filter(
        indicator__code="c21-imr", orgunit__code="513300", year=2024, disaggregation="total"
    ).update(value=123.4)
    assert Client().get(url, headers=headers).json() == first
    # … the same query asked otherwise (another order) is the same answer, and a new figures
    # version (what an approval or a rebuild gives) is seen at once.
    swapped = (
        "/api/v1/indicator-values?year_to=2024&year_from=2024&orgunit=513300&indicator=c21-imr"
    )
    assert Client().get(swapped, headers=headers).json() == first
    figures_changed()
    assert Client().get(url, headers=headers).json()["items"][0]["value"] == 123.4
    assert item["value"] != 123.4
    paged = Client().get(url + "&page=2", headers=headers).json()
    assert paged == {"items": [], "count": 1}
