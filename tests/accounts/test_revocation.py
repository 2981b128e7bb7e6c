"""Every way in is refused on the next request after the user is disabled, the password is
changed or the role narrowed: the pages' session, the API by session and by token, the admin
site. (There are no signed download links: every download goes through one of these.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from lianggang.accounts.models import ApiToken, Membership, Role
from lianggang.accounts.services import api_token_create
from lianggang.collection.models import Submission
from lianggang.collection.services import round_open
from lianggang.orgunits.models import OrgUnit
from tests.factories import member

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture
def luding_submission() -> Submission:
    root = get_user_model().objects.create_superuser("opener", "", "x-long-pw-1")
    rnd = round_open(actor=root, year=YEAR, closes_on=dt.date(YEAR + 1, 4, 30))
    return Submission.objects.get(round=rnd, data_set__code="annual-health", orgunit__code="513322")


def _disable(user: Any) -> None:
    user.is_active = False
    user.save()


def _new_password(user: Any) -> None:
    user.set_password("another-long-password-2")
    user.save()


def _narrow(user: Any) -> None:
    """From the whole prefecture to Kangding only."""
    Membership.objects.filter(user=user).update(orgunit=OrgUnit.objects.get(code="513301"))


CHANGES: dict[str, Callable[[Any], None]] = {
    "disabled": _disable,
    "password changed": _new_password,
    "role narrowed": _narrow,
}


def _officer() -> Any:
    return member("officer", Role.COMMITTEE_OFFICER, "513300")


@pytest.mark.parametrize("change", CHANGES)
def test_the_pages_session(change: str, luding_submission: Submission) -> None:
    user = _officer()
    client = Client()
    client.force_login(user)
    page = f"/collection/submissions/{luding_submission.pk}/"
    assert client.get(page).status_code == 200
    CHANGES[change](user)
    response = client.get(page)
    if change == "role narrowed":
        assert response.status_code == 404  # Luding is no longer the officer's
        assert client.get("/collection/").status_code == 200  # still signed in
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def _api_client(way: str, user: Any) -> Client:
    if way == "token":
        _token, raw = api_token_create(user=user, name="script")
        return Client(headers={"Authorization": f"Bearer {raw}"})
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("way", ["session", "token"])
@pytest.mark.parametrize("change", CHANGES)
def test_the_api(change: str, way: str, luding_submission: Submission) -> None:
    user = _officer()
    client = _api_client(way, user)
    query: dict[str, str | int] = {"year": YEAR, "orgunit": "513322"}
    assert len(client.get("/api/v1/submissions", query).json()["items"]) >= 1
    CHANGES[change](user)
    response = client.get("/api/v1/submissions", query)
    if change == "role narrowed":
        assert response.status_code == 200
        assert response.json()["items"] == []
    else:
        assert response.status_code == 401


def test_a_password_change_revokes_the_users_tokens_only() -> None:
    user, other = _officer(), member("other", Role.VIEWER, "513300")
    mine, _ = api_token_create(user=user, name="mine")
    theirs, _ = api_token_create(user=other, name="theirs")
    user.first_name = "Renamed"
    user.save()  # no new password: the tokens stay
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is None
    _new_password(user)
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


@pytest.mark.parametrize("change", ["disabled", "password changed", "no longer staff"])
def test_the_admin_site(change: str) -> None:
    user = get_user_model().objects.create_superuser("root", "", "x-long-pw-1")
    client = Client()
    client.force_login(user)
    assert client.get("/admin/orgunits/orgunit/").status_code == 200
    if change == "no longer staff":
        user.is_staff = False
        user.save()
    else:
        CHANGES[change](user)
    response = client.get("/admin/orgunits/orgunit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
