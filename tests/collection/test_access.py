"""Every role × action × inside/outside scope, through the one access check the services use."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from lianggang.accounts.models import Role
from lianggang.collection.access import Action, access_submission, submissions_visible_to
from lianggang.collection.errors import Forbidden, NotFound
from lianggang.collection.models import Submission
from lianggang.collection.services import round_open
from tests.factories import member

pytestmark = pytest.mark.django_db

# (role, org unit of the scope, departments or None for all) — the submission is health @ 康定市.
PROFILES = {
    "admin": ("superuser", None, None),
    "committee officer": (Role.COMMITTEE_OFFICER, "513300", None),
    "county officer, same county": (Role.COUNTY_OFFICER, "513301", None),
    "county officer, other county": (Role.COUNTY_OFFICER, "513322", None),
    "clerk, same county and department": (Role.CLERK, "513301", ["health"]),
    "clerk, same county, other department": (Role.CLERK, "513301", ["education"]),
    "clerk, other county": (Role.CLERK, "513322", ["health"]),
    "clerk, prefecture-wide health": (Role.CLERK, "513300", ["health"]),
    "clerk, no department ticked": (Role.CLERK, "513301", []),
    "viewer": (Role.VIEWER, "513300", None),
    "no membership": (None, None, None),
}
OK, FORBIDDEN, NOT_FOUND = "ok", "forbidden", "not found"
ALL = {a: NOT_FOUND for a in Action if a != Action.MANAGE_ROUNDS}
EXPECTED = {
    "admin": dict.fromkeys(ALL, OK),
    "committee officer": {
        **dict.fromkeys(ALL, OK),
        Action.EDIT: FORBIDDEN,
        Action.SUBMIT: FORBIDDEN,
    },
    "county officer, same county": {
        **dict.fromkeys(ALL, OK),
        Action.EDIT: FORBIDDEN,
        Action.SUBMIT: FORBIDDEN,
    },
    "county officer, other county": ALL,
    "clerk, same county and department": {
        **dict.fromkeys(ALL, FORBIDDEN),
        Action.VIEW: OK,
        Action.EDIT: OK,
        Action.SUBMIT: OK,
    },
    "clerk, same county, other department": ALL,
    "clerk, other county": ALL,
    "clerk, prefecture-wide health": {
        **dict.fromkeys(ALL, FORBIDDEN),
        Action.VIEW: OK,
        Action.EDIT: OK,
        Action.SUBMIT: OK,
    },
    "clerk, no department ticked": ALL,
    "viewer": ALL,
    "no membership": ALL,
}


def _user(name: str) -> Any:
    role, orgunit, departments = PROFILES[name]
    if role == "superuser":
        return get_user_model().objects.create_superuser("root", "", "a-long-test-password")
    return member(name.replace(" ", "_")[:30], role, orgunit, departments)


@pytest.fixture
def submission() -> Submission:
    officer = get_user_model().objects.create_superuser("opener", "", "a-long-test-password")
    rnd = round_open(actor=officer, year=2026, closes_on=dt.date(2027, 4, 30))
    return Submission.objects.get(round=rnd, data_set__code="annual-health", orgunit__code="513301")


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_access_matrix(profile: str, submission: Submission) -> None:
    user = _user(profile)
    for action, expected in EXPECTED[profile].items():
        try:
            access_submission(user, submission.pk, action)
            outcome = OK
        except NotFound:
            outcome = NOT_FOUND
        except Forbidden:
            outcome = FORBIDDEN
        assert outcome == expected, (profile, action)
    visible = submissions_visible_to(user).filter(pk=submission.pk).exists()
    assert visible == (EXPECTED[profile][Action.VIEW] == OK)


def test_not_yours_answers_like_does_not_exist(submission: Submission) -> None:
    user = _user("clerk, other county")
    with pytest.raises(NotFound) as outside:
        access_submission(user, submission.pk, Action.VIEW)
    with pytest.raises(NotFound) as missing:
        access_submission(user, 10**9, Action.VIEW)
    assert str(outside.value) == str(missing.value)


def test_a_disabled_user_reaches_nothing(submission: Submission) -> None:
    user = _user("clerk, same county and department")
    user.is_active = False
    user.save()
    assert not submissions_visible_to(user).exists()
