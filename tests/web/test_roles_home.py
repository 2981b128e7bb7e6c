"""People and roles through the pages: a clerk's home is what is due, the menu follows the
role, and everyone changes their own password."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from lianggang.accounts.models import ApiToken, Role
from lianggang.accounts.services import api_token_create
from lianggang.collection.models import Submission, SubmissionState
from lianggang.collection.services import round_open
from tests.factories import PASSWORD, member

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Qinghai-lake-2026-spring"


def _signed_in(name: str, role: str, orgunit: str, departments: list[str] | None) -> Client:
    client = Client()
    client.force_login(member(name, role, orgunit, departments))
    return client


def _sign_in(username: str, password: str) -> Client:
    """A client that signs in through the login page (the password is really checked)."""
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": password})
    return client


def _is_signed_in(client: Client) -> bool:
    return client.get("/account/tokens/").status_code == 200


@pytest.fixture
def health_round() -> dict[str, Submission]:
    opener = get_user_model().objects.create_superuser("opener", "", PASSWORD)
    rnd = round_open(actor=opener, year=2026, closes_on=dt.date(2026, 4, 30))
    subs = Submission.objects.filter(round=rnd, data_set__code="annual-health")
    returned = subs.get(orgunit__code="513301")
    Submission.objects.filter(pk=returned.pk).update(state=SubmissionState.RETURNED)
    return {
        "returned": returned,
        "draft": subs.get(orgunit__code="513322"),
    }


def _due_section(html: str) -> str:
    start = html.index('id="h-due"')
    return html[start : html.index("</section>", start)]


def test_a_clerks_home_redirects_to_what_is_due(health_round: dict[str, Submission]) -> None:
    clerk = Client()
    member("clerk", Role.CLERK, "513300", ["health"])
    clerk.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    response = clerk.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/collection/"
    due = _due_section(clerk.get(response["Location"]).content.decode())
    for sub in (health_round["returned"], health_round["draft"]):
        assert f"/collection/submissions/{sub.pk}/" in due
    assert "已退回" in due
    assert "2026-04-30" in due
    # The overview stays a click away in the menu.
    overview = clerk.get("/?overview=1")
    assert overview.status_code == 200
    assert 'href="/?overview=1"' in overview.content.decode()


def test_a_submitted_or_approved_submission_is_not_due(
    health_round: dict[str, Submission],
) -> None:
    Submission.objects.filter(pk=health_round["draft"].pk).update(state=SubmissionState.SUBMITTED)
    clerk = _signed_in("clerk", Role.CLERK, "513300", ["health"])
    due = _due_section(clerk.get("/collection/").content.decode())
    assert f"/collection/submissions/{health_round['returned'].pk}/" in due
    assert f"/collection/submissions/{health_round['draft'].pk}/" not in due


@pytest.mark.parametrize(
    "role", [Role.VIEWER, Role.COMMITTEE_OFFICER, Role.COUNTY_OFFICER, Role.FEDERATION_OFFICER]
)
def test_leaders_and_officers_keep_the_overview(role: str) -> None:
    client = _signed_in("someone", role, "513300", None)
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/?overview=1"' not in response.content.decode()


def test_the_menu_follows_the_role() -> None:
    viewer = _signed_in("leader", Role.VIEWER, "513300", None).get("/").content.decode()
    clerk = _signed_in("clerk", Role.CLERK, "513301", ["health"]).get("/collection/")
    officer = _signed_in("officer", Role.COUNTY_OFFICER, "513301", None).get("/")
    federation = _signed_in("fed", Role.FEDERATION_OFFICER, "513300", None).get("/")
    collection_link = 'href="/collection/">数据采集</a>'
    ledger_link = 'href="/ledger/">'
    assert collection_link not in viewer
    assert ledger_link in viewer  # leaders read the ledger's summaries
    assert collection_link in clerk.content.decode()
    assert ledger_link not in clerk.content.decode()
    assert collection_link in officer.content.decode()
    assert collection_link not in federation.content.decode()
    assert ledger_link in federation.content.decode()
    # Hiding the entry is not access control: the page keeps its own check.
    leader = _signed_in("leader2", Role.VIEWER, "513300", None)
    assert "暂无需要填报或审核的内容" in leader.get("/collection/").content.decode()


def test_the_header_links_to_the_password_change() -> None:
    html = _signed_in("leader", Role.VIEWER, "513300", None).get("/").content.decode()
    assert 'href="/account/password/">' in html


def test_changing_ones_password() -> None:
    user = member("zhuoma", Role.CLERK, "513301", ["health"])
    api_token_create(user=user, name="script", expires_at=None)
    client = _sign_in("zhuoma", PASSWORD)
    assert _is_signed_in(client)
    page = client.get("/account/password/").content.decode()
    assert 'name="old_password"' in page
    assert 'name="new_password2"' in page
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/account/password/"
    assert 'class="msg-success"' in response.content.decode()
    assert _is_signed_in(client)  # this session stays signed in
    assert not ApiToken.objects.filter(user=user, revoked_at=None).exists()
    assert _is_signed_in(_sign_in("zhuoma", NEW_PASSWORD))
    assert not _is_signed_in(_sign_in("zhuoma", PASSWORD))


def test_a_wrong_old_password_or_a_weak_new_one_is_refused() -> None:
    member("zhuoma", Role.VIEWER, "513301", None)
    client = _sign_in("zhuoma", PASSWORD)
    weak = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200
    html = weak.content.decode()
    assert "这个密码太常见了。" in html
    assert "密码只包含数字。" in html
    wrong = client.post(
        "/account/password/",
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "你的旧密码不正确。请重新输入。" in wrong.content.decode()
    assert _is_signed_in(_sign_in("zhuoma", PASSWORD))
    assert not _is_signed_in(_sign_in("zhuoma", NEW_PASSWORD))


def test_signing_out_elsewhere_after_a_change() -> None:
    """Another session of the same user ends (Django's session hash)."""
    member("zhuoma", Role.VIEWER, "513301", None)
    here, elsewhere = _sign_in("zhuoma", PASSWORD), _sign_in("zhuoma", PASSWORD)
    here.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert _is_signed_in(here)
    assert not _is_signed_in(elsewhere)
