"""The access matrix: every URL pattern and API route × every role × another unit's,
department's or person's objects.

The routes are enumerated from the URL configuration and the API's schema; each must have an
entry in ROUTES (a new route without one fails ``test_every_route_has_an_entry``). Every role
works at Kangding (513301) — the clerk for health only — and the other objects live in Luding
(513322), in Kangding's education department, or belong to another user. For every role:

- a route naming a foreign object answers exactly as it does for an object that does not exist
  (same status, same body once the id and the CSRF token are set aside);
- no answer (page, list, filter, export, download) carries a foreign object's marker text;
- after all requests the foreign objects are unchanged;
- nothing answers 500.

The administration site is for superusers only: every one of its routes sends everyone else to
its login (``test_admin_site_is_for_superusers_only``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianggang.accounts.models import ApiToken, Role
from lianggang.accounts.services import api_token_create
from lianggang.api.v1 import api
from lianggang.collection import models as cm
from lianggang.collection.services import Entry, datavalues_save, round_open
from lianggang.followup.models import FollowUp
from lianggang.framework.models import Indicator
from lianggang.ledger import models as lm
from lianggang.ledger.services import rights_case_open
from lianggang.orgunits.models import Department, OrgUnit
from lianggang.reports.models import ReportRun
from lianggang.reports.services import report_request
from tests.factories import member

pytestmark = pytest.mark.django_db

MINE, FOREIGN_UNIT = "513301", "513322"
MISSING_ID = 2_000_000_000
MISSING_CODE = "999999"
YEAR = 2026
# Text that only foreign objects carry: no answer to any role may contain it.
CANARY = "FOREIGN-CANARY"
# Another department's data in the same county: foreign to the health clerk only.
DEPARTMENT_CANARY = "DEPARTMENT-CANARY"
# Personal data and other people's things: foreign even to a superuser.
PERSONAL_CANARY = "PERSONAL-CANARY"

PROFILES: dict[str, tuple[str | None, list[str] | None]] = {
    "anonymous": (None, None),
    "no membership": (None, None),
    "superuser": (None, None),
    Role.COMMITTEE_OFFICER: (Role.COMMITTEE_OFFICER, None),
    Role.COUNTY_OFFICER: (Role.COUNTY_OFFICER, None),
    Role.CLERK: (Role.CLERK, ["health"]),
    Role.VIEWER: (Role.VIEWER, None),
    Role.FEDERATION_OFFICER: (Role.FEDERATION_OFFICER, None),
    Role.CASE_WORKER: (Role.CASE_WORKER, None),
}


@dataclass(frozen=True)
class Probe:
    """One request of a route. ``obj`` names the foreign object whose id or code fills
    ``{id}`` in the path and data; without it the request is a listing checked for markers."""

    method: str
    path: str
    data: dict[str, Any] = field(default_factory=dict)
    obj: str | None = None
    json: bool = False

    def request(self, client: Client, value: Any) -> Any:
        path = self.path.replace("{id}", str(value))
        data = json.loads(json.dumps(self.data).replace("{id}", str(value)))
        if self.method == "get":
            return client.get(path, data)
        if self.json:
            return client.generic(
                self.method.upper(), path, json.dumps(data), content_type="application/json"
            )
        return getattr(client, self.method)(path, data)


def get(path: str, data: dict[str, Any] | None = None, obj: str | None = None) -> Probe:
    return Probe("get", path, data or {}, obj)


def post(path: str, data: dict[str, Any] | None = None, obj: str | None = None) -> Probe:
    return Probe("post", path, data or {}, obj)


def api_post(path: str, data: dict[str, Any], obj: str | None = None) -> Probe:
    return Probe("post", path, data, obj, json=True)


SUB = "/collection/submissions/{id}/"
ROUTES: dict[str, list[Probe]] = {
    # Django's own
    "set_language": [post("/i18n/setlang/", {"language": "en", "next": "/"})],
    "login": [get("/accounts/login/")],
    "logout": [get("/accounts/logout/")],
    # The pages
    "web:dashboard": [get("/"), get("/", {"orgunit": FOREIGN_UNIT})],
    "web:indicator": [get("/indicators/{id}/", obj="indicator")],
    "web:unit": [get("/units/{id}/", obj="public unit")],
    "web:department": [get("/departments/health/")],
    "web:query": [
        get("/query/", {"orgunit": [MINE, FOREIGN_UNIT], "format": "csv"}),
        get("/query/", {"orgunit": FOREIGN_UNIT, "format": "jsonstat"}),
    ],
    "web:followup": [get("/followup/"), get("/followup/", {"orgunit": FOREIGN_UNIT})],
    "web:followup-open": [
        post(
            "/followup/open/",
            {
                "indicator": "{indicator}",
                "orgunit": "{id}",
                "department": "health",
                "due_on": "2027-06-30",
                "actions": "x",
            },
            obj="unit",
        )
    ],
    "web:followup-export": [get("/followup/export.xlsx")],
    "web:followup-item": [
        get("/followup/{id}/", obj="followup"),
        post("/followup/{id}/", {"note": "changed", "state": "closed"}, obj="followup"),
    ],
    "web:collection": [get("/collection/")],
    "web:round-open": [
        post("/collection/rounds/open/", {"year": "2027", "closes_on": "2028-04-30"})
    ],
    "web:round": [get(f"/collection/rounds/{YEAR}/")],
    "web:round-close": [post("/collection/rounds/2001/close/")],
    "web:round-review": [
        post(
            f"/collection/rounds/{YEAR}/review/",
            {"action": "approve", "submission": "{id}"},
            obj="submission",
        ),
        post(
            f"/collection/rounds/{YEAR}/review/",
            {"action": "return", "submission": "{id}", "reason": "x"},
            obj="submission",
        ),
    ],
    "web:round-remind": [post(f"/collection/rounds/{YEAR}/remind/")],
    "web:years": [get("/years/"), post("/years/", {"percent": "50"})],
    "web:submission": [get(SUB, obj="submission")],
    "web:cell-save": [
        post(
            SUB + "cell/",
            {"element": "live_births", "disaggregation": "total", "value": "7"},
            obj="submission",
        )
    ],
    "web:cell-history": [get(SUB + "history/", {"element": "live_births"}, obj="submission")],
    "web:note-save": [post(SUB + "note/", {"check_key": "x", "comment": "y"}, obj="submission")],
    "web:transition": [
        post(SUB + "transition/", {"action": action, "reason": "r"}, obj="submission")
        for action in ("submit", "approve", "return", "reopen")
    ],
    "web:submission-template": [get(SUB + "template.xlsx", obj="submission")],
    "web:submission-upload": [post(SUB + "upload/", obj="submission")],
    "web:department-template": [
        get(f"/collection/rounds/{YEAR}/templates/annual-health.xlsx"),
        get(f"/collection/rounds/{YEAR}/templates/annual-education.xlsx"),
    ],
    "web:round-upload": [post(f"/collection/rounds/{YEAR}/upload/")],
    "web:import-confirm": [post("/collection/imports/{id}/confirm/", obj="pending import")],
    "web:notifications": [get("/collection/notifications/")],
    "web:audit": [get(f"/collection/rounds/{YEAR}/audit.csv")],
    "web:reports": [get("/reports/")],
    "web:report-request": [
        post(
            "/reports/build/",
            {
                "kind": "annual",
                "outline": "{outline}",
                "orgunit": "{id}",
                "year": "2024",
                "format": "html",
            },
            obj="unit",
        )
    ],
    "web:report-download": [get("/reports/{id}/download/", obj="report run")],
    "web:ledger": [get("/ledger/")],
    "web:ledger-template": [get("/ledger/template.xlsx")],
    "web:ledger-upload": [post("/ledger/import/")],
    "web:ledger-confirm": [post("/ledger/import/{id}/confirm/", obj="ledger pending import")],
    "web:ledger-summary": [
        get("/ledger/summary/", {"orgunit": "{id}", "from": "2021", "to": "2025"}, obj="unit"),
        get(
            "/ledger/summary/",
            {"orgunit": "{id}", "from": "2021", "to": "2025", "format": "xlsx"},
            obj="unit",
        ),
    ],
    "web:ledger-case": [
        get("/ledger/cases/{id}/", obj="case"),
        post("/ledger/cases/{id}/", {"purpose": "查看"}, obj="case"),
    ],
    "web:ledger-aid": [
        get("/ledger/aid/{id}/", obj="aid"),
        post("/ledger/aid/{id}/", {"purpose": "查看"}, obj="aid"),
    ],
    "web:ledger-family": [
        get("/ledger/families/{id}/", obj="family"),
        post(
            "/ledger/families/{id}/",
            {"action": "nominate", "recommended_on": "2024-05-01"},
            obj="family",
        ),
    ],
    "web:ledger-list": [
        get(f"/ledger/{kind}/", {"orgunit": FOREIGN_UNIT})
        for kind in ("activities", "projects", "sites", "honours", "families", "cases", "aid")
    ],
    "web:ledger-new": [
        post(
            "/ledger/activities/new/",
            {
                "orgunit": "{id}",
                "kind": "skills_training",
                "title": "t",
                "held_on": "2024-03-01",
                "participants": "1",
            },
            obj="unit",
        ),
        post(
            "/ledger/cases/new/",
            {
                "orgunit": "{id}",
                "received_on": "2024-03-01",
                "channel": "hotline",
                "kind": "domestic_violence",
                "applicant_name": "x",
            },
            obj="unit",
        ),
    ],
    "web:people": [get("/people/"), get("/people/", {"orgunit": FOREIGN_UNIT})],
    "web:people-new": [post("/people/new/", {"name": "x", "username": "made-here"})],
    "web:people-edit": [
        get("/people/{id}/", obj="person"),
        post("/people/{id}/", {"name": "changed"}, obj="person"),
    ],
    "web:people-active": [post("/people/{id}/active/", {"active": "1"}, obj="person")],
    "web:people-password": [post("/people/{id}/password/", obj="person")],
    "web:people-template": [get("/people/import/template.xlsx")],
    "web:people-import": [post("/people/import/")],
    "web:people-import-confirm": [post("/people/import/confirm/")],
    "web:password-change": [
        get("/account/password/"),
        post("/account/password/", {"old_password": "wrong", "new_password1": "x"}),
    ],
    "web:tokens": [get("/account/tokens/")],
    "web:token-revoke": [post("/account/tokens/{id}/revoke/", obj="token")],
    "web:second-factor": [get("/account/2fa/")],
    "web:second-factor-verify": [get("/account/2fa/verify/", {"next": "/"})],
    "web:healthz": [get("/healthz")],
    # The API's own pages
    "api-v1:openapi-json": [get("/api/v1/openapi.json")],
    "api-v1:openapi-view": [get("/api/v1/docs")],
    "api-v1:api-root": [get("/api/v1/")],
    "api-docs": [get("/api/docs")],
    # The API's routes
    "GET /api/v1/outlines": [get("/api/v1/outlines")],
    "GET /api/v1/areas": [get("/api/v1/areas")],
    "GET /api/v1/indicators": [get("/api/v1/indicators")],
    "GET /api/v1/indicators/{code}": [get("/api/v1/indicators/{id}", obj="indicator")],
    "GET /api/v1/data-elements": [get("/api/v1/data-elements")],
    "GET /api/v1/disaggregations": [get("/api/v1/disaggregations")],
    "GET /api/v1/orgunits": [get("/api/v1/orgunits")],
    "GET /api/v1/departments": [get("/api/v1/departments")],
    "GET /api/v1/indicator-values": [get("/api/v1/indicator-values", {"orgunit": FOREIGN_UNIT})],
    "GET /api/v1/assessments": [get("/api/v1/assessments", {"orgunit": FOREIGN_UNIT})],
    "GET /api/v1/query": [get("/api/v1/query", {"orgunit": FOREIGN_UNIT})],
    "GET /api/v1/query/jsonstat": [get("/api/v1/query/jsonstat", {"orgunit": FOREIGN_UNIT})],
    "GET /api/v1/data-values": [
        get("/api/v1/data-values", {"year": YEAR}),
        get("/api/v1/data-values", {"orgunit": "{id}", "year": YEAR}, obj="unit"),
    ],
    "POST /api/v1/data-values": [
        api_post(
            "/api/v1/data-values",
            {
                "values": [
                    {
                        "element": "live_births",
                        "orgunit": "{id}",
                        "year": YEAR,
                        "disaggregation": "total",
                        "value": 7,
                    }
                ]
            },
            obj="unit",
        )
    ],
    "GET /api/v1/submissions": [
        get("/api/v1/submissions", {"year": YEAR}),
        get("/api/v1/submissions", {"orgunit": "{id}", "year": YEAR}, obj="unit"),
    ],
    "POST /api/v1/submissions/{submission_id}/transitions": [
        api_post(
            "/api/v1/submissions/{id}/transitions",
            {"action": action, "reason": "r"},
            obj="submission",
        )
        for action in ("submit", "approve", "return", "reopen")
    ],
    "POST /api/v1/reports": [
        api_post(
            "/api/v1/reports",
            {
                "kind": "annual",
                "outline": "{outline}",
                "orgunit": "{id}",
                "year": 2024,
                "format": "html",
            },
            obj="unit",
        )
    ],
    "GET /api/v1/reports/{run_id}": [get("/api/v1/reports/{id}", obj="report run")],
    "GET /api/v1/reports/{run_id}/file": [get("/api/v1/reports/{id}/file", obj="report run")],
    "GET /api/v1/exports/{what}": [
        get("/api/v1/exports/values", {"format": fmt, "from_year": YEAR})
        for fmt in ("csv", "xlsx", "dhis2-json", "adx", "opensdg")
    ]
    + [get("/api/v1/exports/values", {"format": "csv", "orgunit": "{id}"}, obj="unit")],
    "POST /api/v1/imports/values": [
        Probe(
            "post",
            "/api/v1/imports/values?format=dhis2-json",
            {
                "dataValues": [
                    {
                        "dataElement": "live_births",
                        "period": str(YEAR),
                        "orgUnit": "{id}",
                        "value": "7",
                    }
                ]
            },
            "unit",
            json=True,
        )
    ],
}


# ---- the world ------------------------------------------------------------------------------


@dataclass
class World:
    """The foreign objects by kind (id or code), and what stands in for ``{outline}`` etc."""

    foreign: dict[str, dict[str, Any]]  # profile-independent: kind → {"id": …, "personal": bool}
    fill: dict[str, str]


def _unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


@pytest.fixture
def world() -> World:
    users = get_user_model()
    root = users.objects.create_superuser("opener", "", "x-long-pw-1")
    stranger = member("stranger", Role.FEDERATION_OFFICER, FOREIGN_UNIT)
    # Another county's user: only administrators manage users (user administration's pages).
    foreigner = member("foreigner", Role.CLERK, FOREIGN_UNIT, ["health"])
    round_open(actor=root, year=YEAR, closes_on=dt.date(YEAR + 1, 4, 30))
    subs = cm.Submission.objects.filter(round__year=YEAR)
    luding = subs.get(data_set__code="annual-health", orgunit__code=FOREIGN_UNIT)
    education = subs.get(data_set__code="annual-education", orgunit__code=MINE)
    for sub, marker in ((luding, CANARY), (education, DEPARTMENT_CANARY)):
        element = sub.data_set.elements.order_by("code").first()
        assert element is not None
        datavalues_save(
            actor=root,
            submission_id=sub.pk,
            entries=[Entry(element.code, "total", 42, f"{marker}-value-{sub.orgunit.code}")],
        )
    mine_health = subs.get(data_set__code="annual-health", orgunit__code=MINE)
    datavalues_save(
        actor=root,
        submission_id=mine_health.pk,
        entries=[Entry("live_births", "total", 10, "mine")],
    )
    indicator = (
        Indicator.objects.filter(departments__code="health", target__area__outline__start_year=2021)
        .order_by("code")
        .first()
    )
    assert indicator is not None
    followup = FollowUp.objects.create(
        indicator=indicator,
        orgunit=_unit(FOREIGN_UNIT),
        department=Department.objects.get(code="health"),
        year=2024,
        status_at_opening="OFF_TRACK",
        actions=f"{CANARY}-followup",
        due_on=dt.date(2027, 6, 30),
        opened_by=root,
    )
    run = report_request(
        actor=root,
        kind="annual",
        outline=indicator.target.area.outline,
        orgunit=_unit(FOREIGN_UNIT),
        year=2024,
        fmt="html",
    )
    ReportRun.objects.filter(pk=run.pk).update(
        state="done", content=f"<p>{CANARY}-report</p>".encode(), filename=f"{CANARY}.html"
    )
    token, _raw = api_token_create(user=stranger, name=f"{PERSONAL_CANARY}-token")
    pending = cm.PendingImport.objects.create(
        user=stranger,
        submission_id=None,
        filename=f"{PERSONAL_CANARY}.csv",
        content=b"x",
        fingerprint="0",
    )
    ledger_pending = lm.PendingImport.objects.create(
        user=stranger, filename=f"{PERSONAL_CANARY}.xlsx", content="eA=="
    )
    luding_unit = _unit(FOREIGN_UNIT)
    case = rights_case_open(
        actor=stranger,
        case=lm.RightsCase(
            orgunit=luding_unit,
            received_on=dt.date(2024, 3, 5),
            channel=lm.Channel.HOTLINE,
            kind=lm.CaseKind.DOMESTIC_VIOLENCE,
            applicant_name=f"{PERSONAL_CANARY}-卓玛",
            applicant_phone="13800000009",
            narrative=f"{PERSONAL_CANARY}-narrative",
            supervisor=stranger,
        ),
    )
    aid = lm.AidRecord.objects.create(
        orgunit=luding_unit,
        programme=lm.AidProgramme.TWO_CANCERS,
        given_on=dt.date(2024, 5, 1),
        amount_yuan=Decimal(1000),
        recipient_name=f"{PERSONAL_CANARY}-拉姆",
        recipient_id_number="513321198001010020",
        handler=stranger,
        supervisor=stranger,
    )
    family = lm.Family.objects.create(
        orgunit=luding_unit, name=f"{CANARY}-家庭", nominated_on=dt.date(2024, 3, 1)
    )
    lm.Activity.objects.create(
        orgunit=luding_unit,
        kind=lm.ActivityKind.SKILLS_TRAINING,
        title=f"{CANARY}-activity",
        held_on=dt.date(2024, 3, 1),
    )
    return World(
        foreign={
            "submission": {"id": luding.pk, "clerk also": education.pk},
            "unit": {"id": FOREIGN_UNIT},
            "followup": {"id": followup.pk},
            "report run": {"id": run.pk},
            "person": {"id": foreigner.pk},
            "token": {"id": token.pk, "personal": True},
            "pending import": {"id": pending.pk, "personal": True},
            "ledger pending import": {"id": ledger_pending.pk, "personal": True},
            "case": {"id": case.pk},
            "aid": {"id": aid.pk},
            "family": {"id": family.pk},
            # Published figures and the framework are everyone's: checked for markers only.
            "indicator": {"id": indicator.code, "public": True},
            "public unit": {"id": FOREIGN_UNIT, "public": True},
        },
        fill={"{outline}": indicator.target.area.outline.code, "{indicator}": indicator.code},
    )


def _snapshot(profile: str) -> dict[str, Any]:
    """Everything foreign to the profile that a request could change."""
    personal = {
        "tokens": sorted(ApiToken.objects.values_list("pk", "revoked_at")),
        "pending": sorted(cm.PendingImport.objects.values_list("pk", flat=True)),
        "ledger pending": sorted(lm.PendingImport.objects.values_list("pk", flat=True)),
        "reads": lm.PersonalDataRead.objects.count(),
    }
    if profile == "superuser":
        return personal
    foreign_subs = cm.Submission.objects.exclude(
        orgunit__code=MINE, data_set__code="annual-health"
    ).filter(round__year=YEAR)
    return {
        "values": sorted(
            cm.DataValue.objects.filter(submission__in=foreign_subs).values_list(
                "pk", "value", "comment"
            )
        ),
        "states": sorted(foreign_subs.values_list("pk", "state")),
        "audit": cm.DataValueAudit.objects.filter(submission__in=foreign_subs).count(),
        "followups": sorted(
            FollowUp.objects.filter(orgunit__code=FOREIGN_UNIT).values_list("pk", "state")
        ),
        "runs": ReportRun.objects.filter(orgunit__code=FOREIGN_UNIT).count(),
        **personal,
        "ledger": [
            sorted(model.objects.filter(orgunit__code=FOREIGN_UNIT).values_list("pk", flat=True))
            for model in (lm.Activity, lm.Family, lm.RightsCase, lm.AidRecord)
        ],
        "awards": lm.FamilyAward.objects.count(),
        "steps": lm.CaseStep.objects.count(),
    }


# ---- the routes ------------------------------------------------------------------------------


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace or ""]))
            yield from _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}:{p.name}" if namespace else str(p.name)), p


def enumerated_routes() -> set[str]:
    """Every named URL pattern (the API's operations by method and path instead)."""
    keys = {
        key
        for key, p in _walk(get_resolver().url_patterns)
        if not key.startswith("admin:")
        and getattr(p.callback, "__module__", "") != "ninja.operation"
    }
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        keys.update(f"{method.upper()} {path}" for method in methods)
    return keys


def test_every_route_has_an_entry() -> None:
    routes = enumerated_routes()
    assert routes - set(ROUTES) == set(), "add the new routes to ROUTES"
    assert set(ROUTES) - routes == set(), "these entries name no route"


# ---- the checks ------------------------------------------------------------------------------

_CSRF = re.compile(r'(csrfmiddlewaretoken" value="|csrf-token" content="|"X-CSRFToken": ")[^"]+')


def _text(response: Any) -> str:
    """What a person would read in the answer, unpacking spreadsheets and zips."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if body[:2] == b"PK":
        out = []
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            for name in z.namelist():
                out.append(z.read(name).decode("utf-8", "replace"))
        return "\n".join(out)
    return body.decode("utf-8", "replace")


def _normalised(response: Any, value: Any, path: str) -> tuple[int, str, str]:
    """Status, redirect and text with the id (or code) and the CSRF token set aside. A short
    id is replaced only where it stands in the request's own path."""
    text = _CSRF.sub(r"\1…", _text(response))
    location = response.get("Location", "")
    own = path.split("?")[0].replace("{id}", str(value))
    if "{id}" in path:
        text = text.replace(own, path)
        location = location.replace(own, path)
    if len(str(value)) >= 4:
        alone = rf"(?<![0-9]){re.escape(str(value))}(?![0-9])"
        text = re.sub(alone, "{id}", text)
        location = re.sub(alone, "{id}", location)
    return response.status_code, location, text


def _same(a: tuple[int, str, str], b: tuple[int, str, str]) -> str:
    """'' when two normalised answers are the same, else what differs."""
    if a == b:
        return ""
    diff = difflib.unified_diff(a[2].splitlines(), b[2].splitlines(), lineterm="", n=1)
    return f"{a[:2]} vs {b[:2]}\n" + "\n".join(list(diff)[:40])


def _client(profile: str) -> Client:
    client = Client()
    if profile == "anonymous":
        return client
    if profile == "superuser":
        user = get_user_model().objects.create_superuser("root2", "", "x-long-pw-2")
    elif profile == "no membership":
        user = member("nobody", None, None)
    else:
        role, departments = PROFILES[profile]
        user = member(f"u-{profile}", role, MINE, departments)
    client.force_login(user)
    return client


def _fill(probe: Probe, world: World) -> Probe:
    data = json.loads(
        json.dumps(probe.data)
        .replace("{outline}", world.fill["{outline}"])
        .replace("{indicator}", world.fill["{indicator}"])
    )
    return Probe(probe.method, probe.path, data, probe.obj, probe.json)


def _answer(probe: Probe, client: Client, value: Any) -> tuple[Any, Any]:
    """The answer, and the page a redirect leads to (with the messages it shows)."""
    response = probe.request(client, value)
    location = response.get("Location", "") if response.status_code == 302 else ""
    after = client.get(location) if location.startswith("/") else response
    return response, after


def _markers(profile: str) -> tuple[str, ...]:
    if profile == "superuser":
        return (PERSONAL_CANARY,)
    if profile == Role.CLERK:
        return (PERSONAL_CANARY, CANARY, DEPARTMENT_CANARY)
    return (PERSONAL_CANARY, CANARY)


@pytest.mark.parametrize("profile", list(PROFILES))
def test_no_role_reaches_foreign_objects(profile: str, world: World) -> None:
    client = _client(profile)
    before = _snapshot(profile)
    requests = 0
    for route, probes in ROUTES.items():
        for raw in probes:
            probe = _fill(raw, world)
            obj = world.foreign.get(probe.obj or "", {})
            ids = [obj["id"]] if obj else [None]
            if "clerk also" in obj and profile == Role.CLERK:
                ids.append(obj["clerk also"])
            for value in ids:
                response, after = _answer(probe, client, value)
                requests += 2
                where = (profile, route, probe.method, probe.path, probe.data)
                assert response.status_code < 500, where
                for marker in _markers(profile):
                    assert marker not in _text(response) + _text(after), (*where, marker)
                foreign = obj and not obj.get("public")
                if foreign and (profile != "superuser" or obj.get("personal")):
                    missing = MISSING_CODE if isinstance(value, str) else MISSING_ID
                    absent, absent_after = _answer(probe, client, missing)
                    requests += 2
                    path = probe.path
                    differs = _same(
                        _normalised(response, value, path), _normalised(absent, missing, path)
                    )
                    assert not differs, (*where, differs)
                    # What the next page says (a message about the request) must match too.
                    differs = _same(
                        _normalised(after, value, path), _normalised(absent_after, missing, path)
                    )
                    assert not differs, (*where, "the page after", differs)
    assert _snapshot(profile) == before, profile
    assert requests > 100


def test_admin_site_is_for_superusers_only(world: World) -> None:
    """Every route of the admin site: everyone but a superuser is sent to its login."""
    patterns = [
        (key, p) for key, p in _walk(get_resolver().url_patterns) if key.startswith("admin:")
    ]
    assert len(patterns) > 50
    # Every admin list has a row to open (django-otp's device pages fail on a missing one).
    TOTPDevice.objects.create(user=get_user_model().objects.get(username="opener"), name="x")
    samples: dict[str, Any] = {}
    for model in admin.site._registry:
        obj = model._default_manager.order_by("pk").first()
        samples[f"{model._meta.app_label}_{model._meta.model_name}"] = obj.pk if obj else 1
    clients = {name: _client(name) for name in PROFILES}
    checked = 0
    for key, pattern in patterns:
        name = key.split(":", 1)[1]
        kwargs: dict[str, Any] = {}
        for param in pattern.pattern.regex.groupindex:
            if param in ("object_id", "id", "pk"):
                kwargs[param] = samples.get(name.rsplit("_", 1)[0], 1)
            elif param == "app_label":
                kwargs[param] = "collection"
            elif param == "content_type_id":
                kwargs[param] = 1
            else:
                kwargs[param] = "no-such-page/"
        url = reverse(key, kwargs=kwargs) if name != "None" else "/admin/no-such-page/"
        if name == "autocomplete":
            url += "?app_label=collection&model_name=datavalue&field_name=orgunit&term=k"
        for profile, client in clients.items():
            response = client.get(url)
            checked += 1
            if profile == "superuser" or key in ("admin:login", "admin:logout"):
                assert response.status_code < 500, (key, url)
            else:
                assert response.status_code == 302, (profile, key, url)
                assert response["Location"].startswith("/admin/login/"), (profile, key)
    assert checked >= 50 * len(PROFILES)


def test_an_empty_scope_sees_nothing(world: World) -> None:
    """A user with no membership: every list is empty, never a broader fallback."""
    client = _client("no membership")
    assert client.get("/api/v1/data-values", {"year": YEAR}).json()["items"] == []
    assert client.get("/api/v1/submissions", {"year": YEAR}).json()["items"] == []
    assert client.get(f"/collection/rounds/{YEAR}/audit.csv").content.count(b"\n") <= 1
