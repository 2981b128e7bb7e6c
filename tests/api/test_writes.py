"""Writing through the API: values by the same checks as the pages (all or none, each problem
with its row), submission transitions, reports requested, polled and downloaded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from lianggang.accounts.models import Role
from lianggang.accounts.services import api_token_create
from lianggang.collection.models import DataValue, DataValueAudit, Submission
from lianggang.collection.services import round_open
from lianggang.reports.build import report_build
from lianggang.reports.models import ReportRun
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx() -> dict[str, Any]:
    root = get_user_model().objects.create_superuser("opener", "", "a-long-test-password")
    rnd = round_open(actor=root, year=2026, closes_on=dt.date(2027, 4, 30))
    clerk = member("clerk", Role.CLERK, "513301", ["health"])
    officer = member("officer", Role.COMMITTEE_OFFICER, "513300")
    return {
        "round": rnd,
        "clerk": clerk,
        "officer": officer,
        "kangding": Submission.objects.get(
            round=rnd, data_set__code="annual-health", orgunit__code="513301"
        ),
    }


def _auth(user: Any) -> dict[str, str]:
    _t, raw = api_token_create(user=user, name="t")
    return {"Authorization": f"Bearer {raw}"}


def _post(url: str, body: Any, user: Any) -> Any:
    return Client().post(url, body, content_type="application/json", headers=_auth(user))


VALUES = [
    {"element": "live_births", "orgunit": "513301", "year": 2026, "value": 1480},
    {
        "element": "live_births",
        "orgunit": "513301",
        "year": 2026,
        "disaggregation": "urban",
        "value": 700,
    },
    {
        "element": "infant_deaths",
        "orgunit": "513301",
        "year": 2026,
        "value": "9",
        "comment": "核实",
    },
]


def test_values_are_checked_then_written_with_their_audit(ctx: dict[str, Any]) -> None:
    dry = _post("/api/v1/data-values", {"values": VALUES, "dry_run": True}, ctx["clerk"])
    assert dry.status_code == 200, dry.content
    assert dry.json() == {"dry_run": True, "changed": 3, "unchanged": 0}
    assert not DataValue.objects.filter(year=2026).exists()
    done = _post("/api/v1/data-values", {"values": VALUES}, ctx["clerk"])
    assert done.json() == {"dry_run": False, "changed": 3, "unchanged": 0}
    saved = DataValue.objects.get(year=2026, element__code="infant_deaths", orgunit__code="513301")
    assert (saved.value, saved.comment, saved.updated_by) == (9, "核实", ctx["clerk"])
    audit = DataValueAudit.objects.filter(element__code="infant_deaths", year=2026).get()
    assert (audit.channel, audit.actor) == ("api", ctx["clerk"])
    again = _post("/api/v1/data-values", {"values": VALUES}, ctx["clerk"])
    assert again.json() == {"dry_run": False, "changed": 0, "unchanged": 3}


def test_one_bad_value_and_none_is_written(ctx: dict[str, Any]) -> None:
    bad = [
        *VALUES,
        {
            "element": "live_births",
            "orgunit": "513301",
            "year": 2026,
            "disaggregation": "rural",
            "value": "many",
        },
        {"element": "live_births", "orgunit": "513322", "year": 2026, "value": 5},  # not theirs
    ]
    response = _post("/api/v1/data-values", {"values": bad}, ctx["clerk"])
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {e["row"] for e in errors} == {3, 4}
    assert all(set(e) == {"code", "message", "field", "row"} for e in errors)
    assert not DataValue.objects.filter(year=2026).exists()
    malformed = _post("/api/v1/data-values", {"values": [{"element": "x"}]}, ctx["clerk"])
    assert malformed.status_code == 422
    assert malformed.json()["errors"] == [
        {"code": "invalid", "message": "必填。", "field": f"body.values.{name}", "row": 0}
        for name in ("orgunit", "year", "value")
    ]


def test_submissions_move_through_their_states(ctx: dict[str, Any]) -> None:
    sub = ctx["kangding"]
    listed = Client().get("/api/v1/submissions?year=2026", headers=_auth(ctx["clerk"])).json()
    assert [s["id"] for s in listed["items"]] == [sub.pk]
    url = f"/api/v1/submissions/{sub.pk}/transitions"
    # The officer cannot approve a draft; the clerk submits; the officer returns with a reason.
    assert _post(url, {"action": "approve"}, ctx["officer"]).status_code == 409
    submitted = _post(url, {"action": "submit"}, ctx["clerk"])
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "submitted"
    assert _post(url, {"action": "return"}, ctx["officer"]).status_code == 422  # needs a reason
    returned = _post(url, {"action": "return", "reason": "请核实"}, ctx["officer"])
    assert returned.json()["state"] == "returned"
    other = member("ld_clerk", Role.CLERK, "513322", ["health"])
    assert _post(url, {"action": "submit"}, other).status_code == 404  # not theirs: not there


def test_a_report_is_requested_polled_and_downloaded(ctx: dict[str, Any]) -> None:
    officer = ctx["officer"]
    body = {
        "kind": "annual",
        "outline": "children-2021",
        "orgunit": "513300",
        "year": 2025,
        "format": "html",
    }
    asked = _post("/api/v1/reports", body, officer)
    assert asked.status_code == 202, asked.content
    run_id = asked.json()["id"]
    assert asked.json()["state"] == "queued"
    assert Client().get(f"/api/v1/reports/{run_id}/file", headers=_auth(officer)).status_code == 404
    report_build(run_id)  # what the worker does
    state = Client().get(f"/api/v1/reports/{run_id}", headers=_auth(officer)).json()
    assert state["state"] == "done"
    assert state["download"] == f"/api/v1/reports/{run_id}/file"
    file = Client().get(state["download"], headers=_auth(officer))
    assert file.status_code == 200
    assert "统计监测报告" in file.content.decode()
    outsider = member("ld_officer", Role.COUNTY_OFFICER, "513322")
    assert Client().get(f"/api/v1/reports/{run_id}", headers=_auth(outsider)).status_code == 404
    refused = _post("/api/v1/reports", body, outsider)
    assert refused.status_code == 404  # outside the scope: as if there were no such unit
    assert ReportRun.objects.count() == 1


# Each role against every write endpoint: what it may do answers 2xx; what is in its scope but
# not its to do, 403 (or the checks' 422); what is not in its scope at all, 404 as if absent.
WRITE_ROLES = {
    "committee": (Role.COMMITTEE_OFFICER, "513300", None),
    "county": (Role.COUNTY_OFFICER, "513301", None),
    "clerk": (Role.CLERK, "513301", ["health"]),
    "leader": (Role.VIEWER, "513300", None),
    "federation": (Role.FEDERATION_OFFICER, "513300", None),
    "caseworker": (Role.CASE_WORKER, "513301", None),
}
EXPECTED = {
    #             values  listed  submit  approve  report 513301  report 513300
    "committee": (422, True, 403, 200, 202, 202),
    "county": (422, True, 403, 200, 202, 404),
    "clerk": (200, True, 200, 403, 202, 404),
    "leader": (422, False, 404, 404, 202, 202),
    "federation": (422, False, 404, 404, 202, 202),
    "caseworker": (422, False, 404, 404, 202, 404),
}


@pytest.mark.parametrize("role", sorted(WRITE_ROLES))
def test_every_write_endpoint_answers_each_role_as_its_scope_allows(
    role: str, ctx: dict[str, Any]
) -> None:
    user = member(f"w_{role}", *WRITE_ROLES[role])
    values, listed, submit, approve, report_county, report_prefecture = EXPECTED[role]
    one = [{"element": "live_births", "orgunit": "513301", "year": 2026, "value": 1480}]
    dry = {"values": one, "dry_run": True}  # written for real above; here, who may
    assert _post("/api/v1/data-values", dry, user).status_code == values
    assert not DataValue.objects.filter(year=2026).exists()
    subs = Client().get("/api/v1/submissions?year=2026", headers=_auth(user)).json()
    assert (ctx["kangding"].pk in {s["id"] for s in subs["items"]}) == listed
    url = f"/api/v1/submissions/{ctx['kangding'].pk}/transitions"
    assert _post(url, {"action": "submit"}, user).status_code == submit
    if submit != 200:
        assert _post(url, {"action": "submit"}, ctx["clerk"]).status_code == 200
    assert _post(url, {"action": "approve"}, user).status_code == approve
    for orgunit, expected in (("513301", report_county), ("513300", report_prefecture)):
        body = {"kind": "annual", "outline": "children-2021", "orgunit": orgunit, "year": 2025}
        asked = _post("/api/v1/reports", {**body, "format": "html"}, user)
        assert asked.status_code == expected, (orgunit, asked.content)
        if expected == 202:
            run = asked.json()["id"]
            assert Client().get(f"/api/v1/reports/{run}", headers=_auth(user)).status_code == 200
            # Not built yet: no file, and the same answer as for a run that does not exist.
            assert (
                Client().get(f"/api/v1/reports/{run}/file", headers=_auth(user)).status_code == 404
            )
