"""Password guessing is throttled: after five wrong passwords for a user name from one address
the login is refused for a while, the right password included; others are not affected."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db


def _try(web: Client, username: str, password: str) -> int:
    return web.post("/accounts/login/", {"username": username, "password": password}).status_code


def test_guessing_locks_the_user_name_and_says_so() -> None:
    users = get_user_model().objects
    users.create_user("zhuoma", password="the-right-password-1")
    users.create_user("gesang", password="the-right-password-2")
    web = Client()
    for _ in range(4):
        assert _try(web, "zhuoma", "guess") == 200  # the form again, with its error
    assert _try(web, "zhuoma", "guess") == 429  # the fifth: locked
    locked = web.post(
        "/accounts/login/", {"username": "zhuoma", "password": "the-right-password-1"}
    )
    assert locked.status_code == 429
    assert "15" in locked.content.decode()  # how long, in minutes
    assert "_auth_user_id" not in web.session
    # Another user from the same computer logs in as usual; a success forgets the failures.
    assert _try(web, "gesang", "guess") == 200
    assert _try(web, "gesang", "the-right-password-2") == 302
    # The admin's login is guarded the same way.
    admin = Client()
    admin.post("/admin/login/", {"username": "zhuoma", "password": "the-right-password-1"})
    assert "_auth_user_id" not in admin.session
