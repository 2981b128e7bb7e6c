"""User administration through its pages (用户管理): an administrator lists, creates, changes,
deactivates and reactivates users and sets one-time passwords; every change is logged; nobody
else gets in; users come in from an Excel sheet, all of them or none."""

from __future__ import annotations

import base64
import io
import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from lianggang.accounts.models import ApiToken, Membership, Role
from lianggang.accounts.services import api_token_create
from lianggang.orgunits.models import Department, OrgUnit
from tests.factories import member

pytestmark = pytest.mark.django_db

KANGDING, LUDING, GANZI = "513301", "513322", "513300"


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def admin() -> Client:
    root = get_user_model().objects.create_superuser("root", "", "a-long-test-password")
    client = _english(Client())
    client.force_login(root)
    return client


def _logs(user: Any) -> list[str]:
    return [
        e.get_change_message()
        for e in LogEntry.objects.filter(object_id=str(user.pk)).order_by("action_time", "pk")
    ]


def _signs_in(username: str, password: str) -> bool:
    """Through the login page, as the person will."""
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": password})
    return client.get("/collection/").status_code == 200


def _password_on(page: str) -> str:
    found = re.search(r'<code id="one-time-password">([^<]+)</code>', page)
    assert found, page
    return found.group(1)


# ---- the pages ------------------------------------------------------------------------------


def test_list_filters_by_department_unit_role_and_state(admin: Client) -> None:
    member("kd_health", Role.CLERK, KANGDING, ["health"])
    member("kd_edu", Role.CLERK, KANGDING, ["education"])
    member("ld_leader", Role.VIEWER, LUDING)
    gone = member("kd_gone", Role.CLERK, KANGDING, ["health"])
    gone.is_active = False
    gone.save()

    page = admin.get("/people/").content.decode()
    assert "kd_health" in page
    assert "ld_leader" in page
    assert "kd_gone" not in page

    page = admin.get("/people/", {"department": "health", "role": Role.CLERK}).content.decode()
    assert "kd_health" in page
    assert "kd_edu" not in page
    assert "ld_leader" not in page

    page = admin.get("/people/", {"orgunit": LUDING}).content.decode()
    assert "ld_leader" in page
    assert "kd_health" not in page

    page = admin.get("/people/", {"active": "0"}).content.decode()
    assert "kd_gone" in page
    assert "kd_health" not in page


def test_an_administrator_creates_a_user_who_can_sign_in(admin: Client) -> None:
    health = Department.objects.get(code="health")
    response = admin.post(
        "/people/new/",
        {
            "name": "卓玛",
            "username": "kd_zhuoma",
            "role": Role.CLERK,
            "orgunit": OrgUnit.objects.get(code=KANGDING).pk,
            "departments": [health.pk],
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = _password_on(response.content.decode())
    user = get_user_model().objects.get(username="kd_zhuoma")
    assert user.first_name == "卓玛"
    assert user.is_active
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.CLERK
    assert membership.orgunit.code == KANGDING
    assert list(membership.departments.values_list("code", flat=True)) == ["health"]
    assert not membership.all_departments
    assert _signs_in("kd_zhuoma", password)
    (created,) = _logs(user)
    assert "one-time password" in created
    assert "康定" in created
    # The password is nowhere else: not on the user's page, not in the log.
    assert password not in admin.get(f"/people/{user.pk}/").content.decode()
    assert password not in created


def test_a_clerk_needs_a_department_and_a_user_name_is_unique(admin: Client) -> None:
    member("taken", Role.VIEWER, GANZI)
    response = admin.post(
        "/people/new/",
        {
            "name": "x",
            "username": "TAKEN",
            "role": Role.CLERK,
            "orgunit": OrgUnit.objects.get(code=KANGDING).pk,
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "is taken" in page
    assert "All departments" in page
    assert not get_user_model().objects.filter(username="TAKEN").exists()


def test_membership_changes_are_saved_and_logged(admin: Client) -> None:
    user = member("kd_clerk", Role.CLERK, KANGDING, ["health"])
    response = admin.post(
        f"/people/{user.pk}/",
        {
            "name": "新名字",
            "role": Role.COUNTY_OFFICER,
            "orgunit": OrgUnit.objects.get(code=LUDING).pk,
            "all_departments": "on",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.COUNTY_OFFICER
    assert membership.orgunit.code == LUDING
    assert membership.all_departments
    assert not membership.departments.exists()
    (change,) = _logs(user)
    assert "→" in change
    assert "role" in change
    assert "org unit" in change
    page = admin.get(f"/people/{user.pk}/").content.decode()
    assert "Changes" in page
    assert "→" in page


def test_deactivate_and_reactivate_never_delete(admin: Client) -> None:
    user = member("kd_clerk", Role.CLERK, KANGDING, ["health"])
    signed_in = Client()
    signed_in.force_login(user)
    assert signed_in.get("/collection/").status_code == 200

    assert admin.post(f"/people/{user.pk}/active/", {"active": "0"}).status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert signed_in.get("/collection/").status_code == 302  # signed out at once
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert "deactivated" in admin.get("/people/", {"active": "0"}).content.decode()

    admin.post(f"/people/{user.pk}/active/", {"active": "1"})
    user.refresh_from_db()
    assert user.is_active
    assert len(_logs(user)) == 2


def test_a_one_time_password_is_shown_once_and_ends_the_old_ways_in(admin: Client) -> None:
    user = member("kd_clerk", Role.CLERK, KANGDING, ["health"])
    api_token_create(user=user, name="script")
    response = admin.post(f"/people/{user.pk}/password/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = _password_on(response.content.decode())
    user.refresh_from_db()
    assert user.check_password(password)
    assert not ApiToken.objects.filter(user=user, revoked_at=None).exists()
    assert "One-time password set" in _logs(user)[0]


def test_an_administrator_cannot_lock_themselves_out(admin: Client) -> None:
    me = get_user_model().objects.get(username="root")
    response = admin.post(f"/people/{me.pk}/active/", {"active": "0"}, follow=True)
    me.refresh_from_db()
    assert me.is_active
    assert "your own account" in response.content.decode()


ROUTES = [
    ("get", "/people/"),
    ("get", "/people/new/"),
    ("post", "/people/new/"),
    ("get", "/people/{id}/"),
    ("post", "/people/{id}/active/"),
    ("post", "/people/{id}/password/"),
    ("get", "/people/import/template.xlsx"),
    ("post", "/people/import/"),
    ("post", "/people/import/confirm/"),
]


@pytest.mark.parametrize(
    "role", [Role.CLERK, Role.VIEWER, Role.COMMITTEE_OFFICER, Role.FEDERATION_OFFICER, None]
)
def test_nobody_else_gets_in(role: str | None) -> None:
    target = member("target", Role.CLERK, KANGDING, ["health"])
    client = Client()
    client.force_login(member("someone", role, GANZI if role else None))
    for method, path in ROUTES:
        response = getattr(client, method)(path.replace("{id}", str(target.pk)))
        assert response.status_code == 403, (role, path)
    target.refresh_from_db()
    assert target.is_active
    assert target.check_password("a-long-test-password")
    assert "/people/" not in client.get("/reports/").content.decode()  # no menu entry


def test_anonymous_is_sent_to_the_login() -> None:
    response = Client().get("/people/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_administrator_membership_manages_only_its_subtree() -> None:
    kd_admin = member("kd_admin", Role.ADMIN, KANGDING)
    mine = member("kd_clerk", Role.CLERK, KANGDING, ["health"])
    theirs = member("ld_clerk", Role.CLERK, LUDING, ["health"])
    client = _english(Client())
    client.force_login(kd_admin)
    page = client.get("/people/").content.decode()
    assert "kd_clerk" in page
    assert "ld_clerk" not in page
    assert "root" not in page
    assert "User administration" in page  # the menu entry
    assert client.get(f"/people/{mine.pk}/").status_code == 200
    assert client.get(f"/people/{theirs.pk}/").status_code == 404
    assert client.post(f"/people/{theirs.pk}/active/", {"active": "0"}).status_code == 404
    response = client.post(
        "/people/new/",
        {
            "name": "x",
            "username": "ld_new",
            "role": Role.ADMIN,
            "orgunit": OrgUnit.objects.get(code=LUDING).pk,
            "all_departments": "on",
        },
    )
    assert response.status_code == 422
    assert not get_user_model().objects.filter(username="ld_new").exists()
    theirs.refresh_from_db()
    assert theirs.is_active


# ---- the Excel import -----------------------------------------------------------------------


def _sheet(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "用户"
    ws.append(header or ["姓名", "用户名", "部门", "单位", "角色"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _upload(client: Client, content: bytes) -> Any:
    return client.post("/people/import/", {"file": SimpleUploadedFile("users.xlsx", content)})


def _made_users() -> set[str]:
    return set(
        get_user_model()
        .objects.filter(username__startswith="imp_")
        .values_list("username", flat=True)
    )


def test_a_valid_sheet_creates_every_user_with_a_membership(admin: Client) -> None:
    content = _sheet(
        [
            ["扎西", "imp_zhaxi", "health", "513301", "department clerk"],
            ["拉姆", "imp_lamu", "民政局、教育局（体育）", "泸定县", "县妇儿工委办工作人员"],
            ["次仁", "imp_ciren", "", "甘孜藏族自治州", "viewer"],
        ]
    )
    preview = _upload(admin, content)
    page = preview.content.decode()
    assert preview.status_code == 200, page
    assert "imp_zhaxi" in page
    assert "3 users will be created" in page
    assert _made_users() == set()  # a preview writes nothing

    done = admin.post("/people/import/confirm/")
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    assert _made_users() == {"imp_zhaxi", "imp_lamu", "imp_ciren"}
    lamu = Membership.objects.get(user__username="imp_lamu")
    assert lamu.orgunit.code == LUDING
    assert lamu.role == Role.COUNTY_OFFICER
    assert set(lamu.departments.values_list("code", flat=True)) == {"civil_affairs", "education"}
    ciren = Membership.objects.get(user__username="imp_ciren")
    assert ciren.all_departments
    assert ciren.role == Role.VIEWER
    assert ciren.orgunit.code == GANZI

    # The passwords: on the page once, and in the .xlsx offered on it; each one signs in.
    page = done.content.decode()
    data = re.search(r'href="data:[^;]+;base64,([^"]+)"', page)
    assert data
    wb = load_workbook(io.BytesIO(base64.b64decode(data.group(1))))
    rows = list(wb.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert {r[1] for r in rows} == {"imp_zhaxi", "imp_lamu", "imp_ciren"}
    for _name, username, password in rows:
        assert password in page
        assert _signs_in(username, password)
    assert all(_logs(u) for u in get_user_model().objects.filter(username__startswith="imp_"))

    # Confirming again creates nothing more: the upload was used.
    again = admin.post("/people/import/confirm/", follow=True)
    assert "Nothing to import" in again.content.decode()


def test_an_invalid_row_refuses_the_whole_file_naming_row_and_column(admin: Client) -> None:
    member("imp_taken", Role.VIEWER, GANZI)
    content = _sheet(
        [
            ["甲", "imp_ok", "health", "513301", "clerk"],
            ["乙", "imp_b", "no-such-bureau", "513301", "clerk"],
            ["丙", "imp_ok", "health", "513301", "clerk"],
            ["丁", "imp_taken", "health", "513301", "clerk"],
            ["戊", "imp_e", "health", "513301", "chief"],
            ["己", "imp_f", "", "513301", "clerk"],
            ["庚", "imp_g", "health", "nowhere", "viewer"],
        ]
    )
    response = _upload(admin, content)
    assert response.status_code == 422
    page = response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    problems = re.findall(r"<li>([^<]+)</li>", page)
    text = "\n".join(problems)
    assert "row 3，column “Department”" in text
    assert "no-such-bureau" in text
    assert "row 4，column “User name”" in text
    assert "also in row 2" in text
    assert "row 5，column “User name”" in text
    assert "is taken" in text
    assert "row 6，column “Role”" in text
    assert "chief" in text
    assert "row 7，column “Department”" in text
    assert "clerk" in text
    assert "row 8，column “Org unit”" in text
    assert "nowhere" in text
    assert "sheet “用户”" in text
    assert "nothing was imported" in page
    assert admin.post("/people/import/confirm/").status_code == 302
    assert _made_users() == {"imp_taken"}


def test_the_file_is_checked_again_at_the_confirmation(admin: Client) -> None:
    content = _sheet(
        [
            ["甲", "imp_a", "health", "513301", "clerk"],
            ["乙", "imp_b", "health", "513301", "clerk"],
        ]
    )
    assert _upload(admin, content).status_code == 200
    member("imp_b", Role.VIEWER, GANZI)  # someone took the name meanwhile
    response = admin.post("/people/import/confirm/", follow=True)
    assert "nothing was imported" in response.content.decode()
    assert _made_users() == {"imp_b"}


def test_not_a_workbook_and_a_missing_column_are_refused(admin: Client) -> None:
    response = _upload(admin, b"not a workbook at all")
    assert response.status_code == 422
    assert "not an Excel workbook" in response.content.decode()
    response = _upload(
        admin, _sheet([["甲", "imp_a", "513301", "clerk"]], ["姓名", "用户名", "单位", "角色"])
    )
    assert response.status_code == 422
    assert "lacks the column" in response.content.decode()


def test_the_template_downloads_and_imports_back(admin: Client) -> None:
    response = admin.get("/people/import/template.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    users, choices = wb.worksheets
    header = [c for c in next(users.iter_rows(values_only=True))]
    assert header == ["Name", "User name", "Department", "Org unit", "Role"]
    listed = {c for row in choices.iter_rows(values_only=True) for c in row if c}
    assert {"health", "513301", Role.CLERK.value, str(Role.CLERK.label)} <= listed
    users.append(["扎西", "imp_tpl", "health", "513301", str(Role.CLERK.label)])
    buf = io.BytesIO()
    wb.save(buf)
    assert _upload(admin, buf.getvalue()).status_code == 200
    assert admin.post("/people/import/confirm/").status_code == 200
    membership = Membership.objects.get(user__username="imp_tpl")
    assert membership.role == Role.CLERK
    assert membership.orgunit.code == KANGDING
