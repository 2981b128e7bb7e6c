"""The downloads of the pages are ready for analysis (issue 19, point 10): figures are numbers
rounded as the page shows them, the "unstable" mark has a column of its own, and the headers
are in the page's language; the machine exports keep their English column codes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from lianggang.accounts.models import Role
from lianggang.analytics.exports import count, figure, write_csv, write_xlsx
from lianggang.analytics.models import IndicatorValue
from lianggang.collection.models import Submission
from lianggang.collection.services import round_open
from lianggang.web.presentation import format_value
from tests.factories import member

pytestmark = pytest.mark.django_db

INDICATOR = "/indicators/c21-imr/?orgunit=513300"
QUERY = "/query/?i=c21-imr&u=513300&u=513301&from=2023&to=2024"
NOTE = "演示数据，非官方统计"
EN = {"django_language": "en"}
_UNSTABLE_IN = "Unstable in %(year)s (fewer than 20 events)"


def _csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _text(value: float, decimals: int) -> str:
    published = figure(value, decimals)
    assert published is not None
    return published.text


def _english(client: Client) -> Client:
    client.cookies.load(EN)
    return client


# --- the indicator page ---------------------------------------------------------------------


def test_indicator_csv_has_chinese_headers_and_the_figures_as_shown(admin_client: Any) -> None:
    page = admin_client.get(INDICATOR)
    decimals = page.context["indicator"].decimals
    table = page.context["table"]
    html = page.content.decode()
    rows = _csv(admin_client.get(INDICATOR + "&format=csv"))
    header = rows[0]
    assert header == [
        "行政区划",
        "年份",
        "数值",
        "分子",
        "分母",
        *header[5:7],
        "不稳定（事件数少于20）",
        "来源",
        "状态",
        header[-1],
    ]
    assert header[-1] != "note"  # the demo note's column is headed in the page's language
    assert all(r[-1] == NOTE for r in rows[1:])
    assert len(rows) - 1 == len(table)
    unstable_seen = stable_seen = False
    for row, shown in zip(rows[1:], table, strict=True):
        v = shown["latest"]
        # The value as the page shows it: rounded at the indicator's decimals, no separator.
        expected = format_value(v.value, decimals)
        assert row[2] == expected.replace(",", "")
        assert expected in html
        assert "*" not in row[2]
        assert float(row[2]) == pytest.approx(float(expected.replace(",", "")))
        # Whole counts are written whole.
        assert row[3] == str(int(v.numerator))
        assert row[4] == str(int(v.denominator))
        assert row[5] == format_value(v.ci_low, decimals).replace(",", "")
        # The unstable mark: a column of its own.
        assert row[7] == ("是" if v.unstable else "否")
        unstable_seen |= v.unstable
        stable_seen |= not v.unstable
    # The demo data has both; the test checks both.
    assert unstable_seen
    assert stable_seen


def test_indicator_csv_is_in_english_with_the_language_cookie(admin_client: Any) -> None:
    rows = _csv(_english(admin_client).get(INDICATOR + "&format=csv"))
    assert rows[0][:5] == ["Org unit", "Year", "Value", "Numerator", "Denominator"]
    assert rows[0][7] == "Unstable (fewer than 20 events)"
    assert rows[0][-1] == "Note"
    assert {r[7] for r in rows[1:]} == {"yes", "no"}
    assert all(r[-1] == NOTE for r in rows[1:])  # the demo note stays


def test_indicator_excel_has_numeric_cells_at_the_decimals(admin_client: Any) -> None:
    page = admin_client.get(INDICATOR)
    decimals = page.context["indicator"].decimals
    table = page.context["table"]
    response = admin_client.get(INDICATOR + "&format=xlsx")
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["行政区划", "年份", "数值"]
    number_format = "0." + "0" * decimals if decimals else "0"
    for excel_row, shown in zip(ws.iter_rows(min_row=2), table, strict=True):
        v = shown["latest"]
        value, numerator, denominator, low, high, unstable = excel_row[2:8]
        for cell in (value, low, high):
            assert cell.data_type == "n"
            assert cell.number_format == number_format
        assert value.value == pytest.approx(float(format_value(v.value, decimals)))
        assert numerator.data_type == "n"
        assert numerator.value == int(v.numerator)
        assert isinstance(denominator.value, int)
        assert unstable.value == ("是" if v.unstable else "否")
        assert excel_row[-1].value == NOTE
    assert len(load_workbook(io.BytesIO(response.content)).worksheets) == 2  # the note's sheet


# --- the query page -------------------------------------------------------------------------


@pytest.fixture
def leader() -> Client:
    web = Client()
    web.force_login(member("leader", Role.VIEWER, "513300"))
    return web


def _stored(unit: str, year: int) -> IndicatorValue:
    return IndicatorValue.objects.get(
        indicator__code="c21-imr", orgunit__code=unit, year=year, disaggregation="total"
    )


def test_query_csv_has_numbers_and_the_unstable_marks_apart(leader: Client) -> None:
    rows = _csv(leader.get(QUERY + "&format=csv"))
    assert rows[0] == [
        "指标",
        "单位",
        "行政区划",
        "分组",
        "2023",
        "2024",
        *rows[0][6:8],
        rows[0][-1],
    ]
    with translation.override("zh-hans"):
        assert rows[0][6:8] == [gettext(_UNSTABLE_IN) % {"year": y} for y in (2023, 2024)]
        assert rows[0][-1] == "说明"  # the demo note's column, headed in Chinese
    page = leader.get(QUERY).content.decode()
    by_unit = {r[2]: r for r in rows[1:]}
    for name, code in (("甘孜藏族自治州", "513300"), ("康定市", "513301")):
        row = by_unit[name]
        for i, year in enumerate((2023, 2024)):
            stored = _stored(code, year)
            shown = format_value(stored.value, 1)
            assert shown in page
            assert row[4 + i] == shown.replace(",", "")  # rounded as shown, no '*' glued on
            assert row[6 + i] == ("是" if stored.unstable else "否")
        assert row[-1] == NOTE
    assert by_unit["康定市"][6] == "是"  # the demo's small county: unstable
    assert by_unit["甘孜藏族自治州"][6] == "否"


def test_query_csv_in_english(leader: Client) -> None:
    rows = _csv(_english(leader).get(QUERY + "&format=csv"))
    assert rows[0][:6] == ["Indicator", "Unit", "Org unit", "Breakdown", "2023", "2024"]
    assert rows[0][6] == "Unstable in 2023 (fewer than 20 events)"
    assert rows[0][-1] == "Note"
    assert {r[6] for r in rows[1:]} <= {"yes", "no"}


def test_query_excel_has_numeric_cells(leader: Client) -> None:
    ws = load_workbook(io.BytesIO(leader.get(QUERY + "&format=xlsx").content)).worksheets[0]
    assert [c.value for c in ws[1]][:4] == ["指标", "单位", "行政区划", "分组"]
    rows = list(ws.iter_rows(min_row=2))
    assert rows
    for row in rows:
        for cell in row[4:6]:
            assert cell.data_type == "n"
            assert cell.number_format == "0.0"
    kangding = next(r for r in rows if r[2].value == "康定市")
    assert kangding[4].value == pytest.approx(float(format_value(_stored("513301", 2023).value)))


# --- the audit CSV of a round ---------------------------------------------------------------


def _audited_round() -> Client:
    officer = member("opener", Role.COMMITTEE_OFFICER, "513300")
    rnd = round_open(actor=officer, year=2026, closes_on=dt.date(2026, 4, 30))
    sub = Submission.objects.get(round=rnd, data_set__code="annual-health", orgunit__code="513301")
    clerk = Client()
    clerk.force_login(member("clerk", Role.CLERK, "513301", ["health"]))
    for value, version in (("1480", 0), ("1490", 1)):
        clerk.post(
            f"/collection/submissions/{sub.pk}/cell/",
            {"element": "live_births", "disaggregation": "total", "value": value}
            | {"version": version},
            HTTP_HX_REQUEST="true",
        )
    web = Client()
    web.force_login(officer)
    return web


def test_audit_csv_headers_are_translated_and_values_plain(db: Any) -> None:
    web = _audited_round()
    rows = _csv(web.get("/collection/rounds/2026/audit.csv"))
    assert rows[0][:3] == ["修改时间", "修改人", "途径"]
    assert rows[0][5:8] == ["分组", "年份", "原值"]
    assert rows[0][8:12] == ["新值", "原备注", "新备注", "理由"]
    with translation.override("zh-hans"):
        assert rows[0][3] == gettext("%(field)s code") % {"field": "行政区划"}
    assert len(rows) == 3
    assert rows[2][1] == "clerk"
    assert rows[2][3:9] == ["513301", "live_births", "total", "2026", "1480", "1490"]
    rows_en = _csv(_english(web).get("/collection/rounds/2026/audit.csv"))
    assert rows_en[0] == [
        "Changed at",
        "Changed by",
        "Through",
        "Org unit code",
        "Data element code",
        "Disaggregation",
        "Year",
        "Old value",
        "New value",
        "Old comment",
        "New comment",
        "Reason",
    ]
    assert rows_en[2][2] == "web grid"


# --- the follow-up register and the machine exports -----------------------------------------


def test_followup_register_headers_follow_the_language(admin_client: Any) -> None:
    zh = load_workbook(io.BytesIO(admin_client.get("/followup/export.xlsx").content)).active
    en_client = _english(admin_client)
    en = load_workbook(io.BytesIO(en_client.get("/followup/export.xlsx").content)).active
    header_zh = next(r for r in zh.iter_rows(values_only=True) if r[0] == "指标")
    header_en = next(r for r in en.iter_rows(values_only=True) if r[0] == "Indicator")
    assert header_zh[1] == "行政区划"
    assert header_en[1] == "Org unit"


def test_figures_round_as_published_and_machine_exports_keep_their_codes() -> None:
    assert _text(86.96652289997945, 2) == "86.97"
    assert _text(2.675, 2) == "2.68"  # half away from zero on the exact decimal
    assert _text(-0.05, 1) == "-0.1"
    assert _text(1234567.0, 1) == "1234567.0"  # no thousands separator
    assert figure(float("nan"), 1) is None
    assert figure(None, 1) is None
    assert count(12.0) == 12
    assert isinstance(count(12.0), int)
    assert count(2.5) == 2.5
    columns = ("indicator", "orgunit", "year", "value")
    rows = [("c21-imr", "513300", 2025, 6.127856906260351)]
    buffer = io.StringIO()
    write_csv(columns, rows, buffer, NOTE)
    assert buffer.getvalue().splitlines()[0] == "indicator,orgunit,year,value,note"
    ws = load_workbook(io.BytesIO(write_xlsx(columns, rows, NOTE))).worksheets[0]
    assert ws.title == "data"
    assert [c.value for c in ws[1]] == [*columns, "note"]
