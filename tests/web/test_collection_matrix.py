"""Every collection page × role × inside/outside scope: the status each must answer.

Outside one's scope a submission does not exist (404, like a missing one); inside it, what a
role may not do is 403; anonymous visitors are sent to the login page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from lianggang.accounts.models import Role
from lianggang.collection.models import Submission
from lianggang.collection.services import round_open
from tests.factories import member

pytestmark = pytest.mark.django_db

PROFILES: dict[str, tuple[str | None, str | None, list[str] | None]] = {
    "anonymous": (None, None, None),
    "clerk in scope": (Role.CLERK, "513301", ["health"]),
    "clerk of another county": (Role.CLERK, "513322", ["health"]),
    "clerk of another department": (Role.CLERK, "513301", ["education"]),
    "county officer in scope": (Role.COUNTY_OFFICER, "513301", None),
    "county officer of another county": (Role.COUNTY_OFFICER, "513322", None),
    "committee officer": (Role.COMMITTEE_OFFICER, "513300", None),
    "viewer": (Role.VIEWER, "513300", None),
}
# (method, path with {s} for the submission id, form data)
PAGES = {
    "grid": ("get", "/collection/submissions/{s}/", {}),
    "cell save": (
        "post",
        "/collection/submissions/{s}/cell/",
        {"element": "live_births", "disaggregation": "total", "value": "1"},
    ),
    "cell history": ("get", "/collection/submissions/{s}/history/?element=live_births", {}),
    "template": ("get", "/collection/submissions/{s}/template.xlsx", {}),
    "upload": ("post", "/collection/submissions/{s}/upload/", {}),
    "submit": ("post", "/collection/submissions/{s}/transition/", {"action": "submit"}),
    "approve": ("post", "/collection/submissions/{s}/transition/", {"action": "approve"}),
    "note": ("post", "/collection/submissions/{s}/note/", {"check_key": "x", "comment": "y"}),
    "department workbook": ("get", "/collection/rounds/2026/templates/annual-health.xlsx", {}),
    "open a round": (
        "post",
        "/collection/rounds/open/",
        {"year": "2027", "closes_on": "2028-04-30"},
    ),
}
LOGIN, OK, REDIRECT, FORBIDDEN, NOT_FOUND = "login", 200, 302, 403, 404
OUTSIDE = {
    **dict.fromkeys(PAGES, NOT_FOUND),
    "open a round": FORBIDDEN,
    "department workbook": NOT_FOUND,
}
EXPECTED: dict[str, dict[str, Any]] = {
    "anonymous": dict.fromkeys(PAGES, LOGIN),
    "clerk in scope": {
        "grid": OK,
        "cell save": OK,
        "cell history": OK,
        "template": OK,
        "upload": REDIRECT,
        "submit": REDIRECT,
        "approve": FORBIDDEN,
        "note": REDIRECT,
        "department workbook": OK,
        "open a round": FORBIDDEN,
    },
    # The department workbook holds the user's own org units: another county's clerk gets hers.
    "clerk of another county": {**OUTSIDE, "department workbook": OK},
    "clerk of another department": OUTSIDE,
    "county officer in scope": {
        "grid": OK,
        "cell save": FORBIDDEN,
        "cell history": OK,
        "template": OK,
        "upload": FORBIDDEN,
        "submit": FORBIDDEN,
        "approve": REDIRECT,
        "note": FORBIDDEN,
        "department workbook": FORBIDDEN,
        "open a round": FORBIDDEN,
    },
    "county officer of another county": {**OUTSIDE, "department workbook": FORBIDDEN},
    "committee officer": {
        "grid": OK,
        "cell save": FORBIDDEN,
        "cell history": OK,
        "template": OK,
        "upload": FORBIDDEN,
        "submit": FORBIDDEN,
        "approve": REDIRECT,
        "note": FORBIDDEN,
        "department workbook": FORBIDDEN,
        "open a round": REDIRECT,
    },
    "viewer": {**OUTSIDE, "department workbook": FORBIDDEN},
}


def _client(profile: str) -> Client:
    client = Client()
    role, orgunit, departments = PROFILES[profile]
    if role is not None:
        client.force_login(member(profile.replace(" ", "-"), role, orgunit, departments))
    return client


@pytest.fixture
def submission() -> Submission:
    root = get_user_model().objects.create_superuser("opener", "", "x-long-pw-1")
    rnd = round_open(actor=root, year=2026, closes_on=dt.date(2027, 4, 30))
    return Submission.objects.get(round=rnd, data_set__code="annual-health", orgunit__code="513301")


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_page_matrix(profile: str, submission: Submission) -> None:
    client = _client(profile)
    for page, (method, path, data) in PAGES.items():
        url = path.format(s=submission.pk)
        response = getattr(client, method)(url, data) if method == "post" else client.get(url)
        expected = EXPECTED[profile][page]
        if expected == LOGIN:
            assert response.status_code == 302, (profile, page)
            assert response["Location"].startswith("/accounts/login/"), (profile, page)
        else:
            assert response.status_code == expected, (profile, page, response.status_code)
