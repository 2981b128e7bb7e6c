"""The query page: a shareable selection, a pivot of the stored figures, exports as shown."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from lianggang.accounts.models import Role
from lianggang.analytics.models import IndicatorValue
from tests.factories import member

pytestmark = pytest.mark.django_db
QUERY = "/query/?i=c21-imr&i=c21-preschool&u=513300&u=513301&from=2022&to=2024"


@pytest.fixture
def leader() -> Client:
    web = Client()
    web.force_login(member("leader", Role.VIEWER, "513300"))
    return web


def test_the_pivot_holds_the_stored_figures(leader: Client) -> None:
    page = leader.get(QUERY)
    assert page.status_code == 200
    pivot = page.context["pivot"]
    assert pivot.columns[-3:] == ["2022", "2023", "2024"]
    assert len(pivot.rows) == 4  # 2 indicators × 2 units
    imr_kangding = next(r for r in pivot.rows if r[0] == "婴儿死亡率" and r[2] == "康定市")
    stored = IndicatorValue.objects.get(
        indicator__code="c21-imr", orgunit__code="513301", year=2023, disaggregation="total"
    )
    expected = f"{stored.value:,.1f}" + ("*" if stored.unstable else "")
    assert imr_kangding[5] == expected
    html = page.content.decode()
    assert expected in html
    # The choice stays checked, so the address is the query.
    assert 'value="c21-imr" checked' in html
    assert 'value="513301" checked' in html


def test_breakdowns_add_rows(leader: Client) -> None:
    url = "/query/?i=w21-mmr&u=513300&from=2024&to=2024"
    assert [r[3] for r in leader.get(url).context["pivot"].rows] == ["合计"]
    rows = leader.get(url + "&d=all").context["pivot"].rows
    assert [r[3] for r in rows] == ["合计", "城市", "农村"]
    urban = IndicatorValue.objects.get(
        indicator__code="w21-mmr", orgunit__code="513300", year=2024, disaggregation="urban"
    )
    assert rows[1][4].rstrip("*") == f"{urban.value:,.1f}"


def test_csv_export_is_the_table_shown(leader: Client) -> None:
    pivot = leader.get(QUERY).context["pivot"]
    response = leader.get(QUERY + "&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][: len(pivot.columns)] == pivot.columns
    assert rows[0][-1] == "说明"
    # The figures as shown, as plain numbers; the unstable marks in columns of their own.
    years = len(pivot.columns) - 4
    for row, shown in zip(rows[1:], pivot.rows, strict=True):
        assert row[:4] == shown[:4]
        assert row[4 : 4 + years] == [c.rstrip("*").replace(",", "") for c in shown[4:]]
        assert row[4 + years : 4 + 2 * years] == [
            ("是" if c.endswith("*") else "否") if c else "" for c in shown[4:]
        ]
    assert all(r[-1] == "演示数据，非官方统计" for r in rows[1:])


def test_excel_export_is_the_table_shown(leader: Client) -> None:
    pivot = leader.get(QUERY).context["pivot"]
    wb = load_workbook(io.BytesIO(leader.get(QUERY + "&format=xlsx").content))
    ws = wb.worksheets[0]
    values = [
        [("" if c is None else str(c)) for c in row] for row in ws.iter_rows(values_only=True)
    ]
    assert values[0][: len(pivot.columns)] == pivot.columns
    assert [r[:4] for r in values[1:]] == [r[:4] for r in pivot.rows]
    for row, shown in zip(ws.iter_rows(min_row=2), pivot.rows, strict=True):
        for cell, text in zip(row[4 : len(pivot.columns)], shown[4:], strict=True):
            if text:
                assert cell.data_type == "n"
                assert f"{cell.value:,.1f}" == text.rstrip("*")


def test_an_oversized_or_unknown_choice_gets_a_clear_message(
    leader: Client, monkeypatch: Any
) -> None:
    from lianggang.web.views import query as query_views

    monkeypatch.setattr(query_views, "MAX_CELLS", 5)
    page = leader.get(QUERY)
    assert page.context["pivot"] is None
    assert "12" in page.content.decode()  # 2 × 2 × 3 cells
    page = leader.get("/query/?i=nope&u=513300&from=2024&to=2024")
    assert "nope" in page.content.decode()


def test_an_empty_query_shows_the_form(leader: Client) -> None:
    page = leader.get("/query/")
    assert page.status_code == 200
    assert page.context["pivot"] is None


def test_query_count(leader: Client, django_assert_max_num_queries: Any) -> None:
    leader.get(QUERY)
    # With the rebuild banner and the years' coverage (the "to" year opens on a complete one).
    with django_assert_max_num_queries(15):
        assert leader.get(QUERY).status_code == 200


def test_json_stat_export_holds_the_selection(leader: Client) -> None:
    from lianggang.interop.jsonstat import read_values

    response = leader.get(QUERY + "&d=all&format=jsonstat")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    values = read_values(response.content)
    stored = IndicatorValue.objects.filter(
        indicator__code__in=["c21-imr", "c21-preschool"],
        orgunit__code__in=["513300", "513301"],
        year__in=[2022, 2023, 2024],
    ).exclude(value=None)
    assert len(values) == stored.count()
    for v in stored.select_related("indicator", "orgunit"):
        key = (v.indicator.code, v.orgunit.code, str(v.year), v.disaggregation)
        assert values[key] == pytest.approx(v.value)
