import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_pages_need_a_login(client: Any) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    login = client.get("/accounts/login/")
    assert "登录" in login.content.decode()


def test_login_then_dashboard(client: Any, django_user_model: Any) -> None:
    django_user_model.objects.create_user("clerk", password="a-long-test-password")
    response = client.post(
        "/accounts/login/", {"username": "clerk", "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_dashboard_in_chinese_with_counts_list_and_grid(admin_client: Any) -> None:
    html = admin_client.get("/?outline=children-2021").content.decode()
    assert "演示数据，非官方统计" in html
    for word in ("已实现", "按期可实现", "进展偏慢", "出现倒退", "数据不足"):
        assert word in html
    assert "学前教育毛入园率" in html
    assert "康定市" in html
    assert "得荣县" in html
    cells = re.findall(r'<td class="cell ', html)
    assert len(cells) == 18 * 27
    assert 'id="spark-c21-preschool"' in html
    assert "echarts.min.js" in html


def test_dashboard_in_english(admin_client: Any) -> None:
    admin_client.cookies["django_language"] = "en"
    html = admin_client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Achieved" in html
    assert "Off track" in html


def test_indicator_page(admin_client: Any) -> None:
    html = admin_client.get("/indicators/c21-preschool/").content.decode()
    assert "在园幼儿数" in html
    assert "3—5岁儿童人口" in html
    assert "92.5" in html
    assert "甘孜藏族自治州" in html
    assert "教育局" in html
    assert 'id="chart-data"' in html
    assert admin_client.get("/indicators/nope/").status_code == 404


def test_county_dashboard(admin_client: Any) -> None:
    response = admin_client.get("/?orgunit=513301&year=2024")
    assert response.status_code == 200
    html = response.content.decode()
    # The county's own page: its name as the heading, its indicators linked at the county, and
    # the prefecture above it in the trail — none of which the prefecture's page has.
    assert re.search(r"<h1>康定市 <small>", html)
    assert "?orgunit=513301" in html
    assert 'orgunit=513300&amp;year=2024">甘孜藏族自治州</a> › 康定市' in html
    prefecture = admin_client.get("/?year=2024").content.decode()
    assert not re.search(r"<h1>康定市 <small>", prefecture)
    assert admin_client.get("/?orgunit=999").status_code == 404


def test_echarts_is_served_locally(admin_client: Any) -> None:
    assert finders.find("vendor/echarts/echarts.min.js")
    response = admin_client.get("/static/vendor/echarts/echarts.min.js")
    assert response.status_code == 200


def test_english_pages_use_english_names(admin_client: Any) -> None:
    admin_client.cookies["django_language"] = "en"
    html = admin_client.get("/indicators/w21-mmr/").content.decode()
    assert "Maternal mortality ratio" in html
    assert "Women and health" in html
    assert "Urban" in html
    assert "Rural" in html


def test_chinese_is_the_default_whatever_the_browser_asks(admin_client: Any) -> None:
    html = admin_client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in html
    assert "已实现" in html


def test_a_county_s_indicator_page_lists_units_without_a_value(admin_client: Any) -> None:
    # A township below the county that reports nothing: its row shows "—", where the page
    # answered 500 (the row has no value object at all, and "" reached the number format).
    from lianggang.orgunits.models import Level, OrgUnit

    county = OrgUnit.objects.get(code="513301")
    OrgUnit.objects.create(
        code="513301100",
        name="炉城街道",
        level=Level.TOWNSHIP,
        parent=county,
        path=f"{county.path}513301100/",
    )
    response = admin_client.get("/indicators/c21-imr/?orgunit=513301")
    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index('<th scope="row">炉城街道</th>') :]
    row = row[: row.index("</tr>")]
    assert row.count('<td class="num">—</td>') == 3  # value, numerator, denominator
