"""The error pages: 404, 403 and 500 in the site's frame (menu, footer), in Chinese by default
and in English by the language cookie; the API's addresses keep its JSON error shape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings

from lianggang.accounts.models import Role
from tests.factories import member

pytestmark = pytest.mark.django_db

ERROR_URLS = "tests.web.error_urls"


def _english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _in_frame(html: str) -> None:
    assert '<header class="top">' in html
    assert '<footer class="foot">' in html
    assert 'action="/i18n/setlang/"' in html  # the language switch


def test_an_unknown_address_is_the_sites_404_in_chinese() -> None:
    answer = Client().get("/no/such/page/")
    assert answer.status_code == 404
    html = answer.content.decode()
    _in_frame(html)
    assert '<html lang="zh-hans">' in html
    assert "页面不存在" in html
    assert "返回监测概览" in html
    assert 'href="/?overview=1"' in html
    assert "两纲监测" in html  # the brand in the header
    assert "Not Found" not in html


def test_the_404_in_english_with_the_language_cookie() -> None:
    answer = _english().get("/no/such/page/")
    assert answer.status_code == 404
    html = answer.content.decode()
    _in_frame(html)
    assert '<html lang="en">' in html
    assert "Page not found" in html
    assert "Back to the overview" in html
    assert "页面不存在" not in html


def test_a_browsers_language_does_not_change_the_pages_language() -> None:
    # The site is Chinese whatever the office computer's locale (LanguageCookieMiddleware).
    html = Client().get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "页面不存在" in html


def test_a_not_found_inside_a_page_gives_the_same_page_with_its_reason() -> None:
    client = Client()
    client.force_login(member("e-officer", Role.COMMITTEE_OFFICER, "513300"))
    answer = client.get("/indicators/no-such-indicator/")
    assert answer.status_code == 404
    html = answer.content.decode()
    _in_frame(html)
    assert "页面不存在" in html
    # The signed-in user's menu, and the way to the data collection for a role that has it.
    assert 'href="/collection/">数据采集</a></li>' in html
    assert "e-officer" in html


def test_a_domains_not_found_through_domain_page_gives_the_404_page() -> None:
    client = Client()
    client.force_login(member("e-clerk", Role.CLERK, "513301", ["health"]))
    answer = client.get("/collection/submissions/999999999/")
    assert answer.status_code == 404
    _in_frame(answer.content.decode())
    assert "页面不存在" in answer.content.decode()


def test_a_role_limit_is_the_sites_403() -> None:
    client = Client()
    client.force_login(member("e-clerk", Role.CLERK, "513301", ["health"]))
    answer = client.post("/collection/rounds/open/", {"year": "2027", "closes_on": "2028-04-30"})
    assert answer.status_code == 403
    html = answer.content.decode()
    _in_frame(html)
    assert "无权访问" in html
    assert "您的角色无权进行此操作。" in html
    assert "返回监测概览" in html

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    answer = client.post("/collection/rounds/open/", {"year": "2027", "closes_on": "2028-04-30"})
    assert answer.status_code == 403
    assert "Not allowed" in answer.content.decode()


@pytest.fixture
def failing_site() -> Iterator[None]:
    wrappers = list(connection.execute_wrappers)
    with override_settings(ROOT_URLCONF=ERROR_URLS):
        yield
    connection.execute_wrappers[:] = wrappers


@pytest.mark.usefixtures("failing_site")
def test_a_failing_view_is_the_sites_500_without_the_database() -> None:
    answer = Client(raise_request_exception=False).get("/boom/")
    assert answer.status_code == 500
    html = answer.content.decode()
    _in_frame(html)
    assert "服务器错误" in html
    assert "返回监测概览" in html
    assert "a failing view" not in html  # nothing of the error itself is shown


@pytest.mark.usefixtures("failing_site")
def test_the_500_in_english_for_a_signed_in_user(django_user_model: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(member("e-officer", Role.COMMITTEE_OFFICER, "513300"))
    client.get("/")  # the menu is kept in the session
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    answer = client.get("/boom/")
    assert answer.status_code == 500
    html = answer.content.decode()
    _in_frame(html)
    assert '<html lang="en">' in html
    assert "Server error" in html
    assert "e-officer" in html  # the user the request had already read
    assert 'href="/collection/">Data collection</a>' in html


@pytest.mark.usefixtures("failing_site")
def test_an_api_failure_keeps_the_apis_error_shape() -> None:
    answer = Client(raise_request_exception=False).get("/api/v1/boom", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 500
    assert answer["Content-Type"].startswith("application/json")
    [item] = answer.json()["errors"]
    assert item["code"] == "server_error"
    assert item["message"].startswith("Something went wrong")


@pytest.mark.parametrize("path", ["/api/v1/no/such/thing", "/api/nothing"])
def test_an_unknown_api_address_still_answers_json(path: str) -> None:
    answer = Client().get(path)
    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("application/json")
    assert answer.json() == {
        "errors": [{"code": "not_found", "message": "未找到。", "field": None, "row": None}]
    }
    english = Client().get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["errors"][0]["message"] == "Not found."
