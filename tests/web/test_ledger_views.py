"""The ledger's pages: lists and forms in scope, the import with its preview, rights cases whose
personal data only the assigned open (with a purpose, logged), the 最美家庭 selection, the
period summary."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from openpyxl import load_workbook

from lianggang.ledger.models import (
    Activity,
    Decision,
    FamilyAward,
    PendingImport,
    PersonalDataRead,
    RightsCase,
)
from lianggang.ledger.selectors import MEASURES
from lianggang.ledger.workbook import FIRST_ROW, ledger_template
from lianggang.orgunits.models import OrgUnit
from tests.factories import kangding_case, ledger_people

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    web = Client()
    web.force_login(user)
    return web


@pytest.fixture
def people() -> dict[str, Any]:
    return ledger_people()


@pytest.fixture
def case(people: dict[str, Any]) -> RightsCase:
    # The prefecture's officer supervises it: assigned, unlike in tests/ledger.
    return kangding_case(
        worker=people["worker"],
        supervisor=people["officer"],
        name="CANARY央金",
        phone="13800000009",
    )


def test_the_hub_and_lists_show_the_records_in_scope(people: dict[str, Any]) -> None:
    kd = _client(people["kd_officer"])
    hub = kd.get("/ledger/")
    assert hub.status_code == 200
    counts = {kind.slug: n for kind, n in hub.context["counts"]}
    kangding = OrgUnit.objects.get(code="513301")
    assert counts["activities"] == Activity.objects.filter(orgunit=kangding).count() > 0
    listing = kd.get("/ledger/activities/?from=2021-01-01&to=2021-12-31")
    assert listing.status_code == 200
    rows = listing.context["rows"]
    assert rows
    assert {r.orgunit_id for r, _cells in rows} == {kangding.pk}
    assert all(dt.date(2021, 1, 1) <= r.held_on <= dt.date(2021, 12, 31) for r, _c in rows)
    assert "演示" in listing.content.decode()


def test_roles_without_the_ledger_are_refused(people: dict[str, Any]) -> None:
    assert _client(people["clerk"]).get("/ledger/").status_code == 403
    leader = _client(people["leader"])
    assert leader.get("/ledger/").status_code == 200  # leaders read
    assert leader.get("/ledger/activities/new/").status_code == 403
    response = leader.post(
        "/ledger/activities/new/",
        {
            "orgunit": OrgUnit.objects.get(code="513301").pk,
            "kind": "lecture",
            "title": "宣讲",
            "held_on": "2024-03-01",
            "sessions": 1,
            "participants": 10,
            "women": 5,
            "families": 0,
            "funds_yuan": 0,
            "materials_yuan": 0,
        },
    )
    assert response.status_code == 403
    assert not Activity.objects.filter(title="宣讲", held_on=dt.date(2024, 3, 1)).exists()


def test_a_record_is_entered_through_its_form(people: dict[str, Any]) -> None:
    kd = _client(people["kd_officer"])
    form = {
        "orgunit": OrgUnit.objects.get(code="513301").pk,
        "kind": "skills_training",
        "title": "藏绣培训（网页）",
        "held_on": "2024-03-08",
        "sessions": 2,
        "participants": 60,
        "women": 70,
        "families": 0,
        "funds_yuan": "0",
        "materials_yuan": "0",
    }
    bad = kd.post("/ledger/activities/new/", form)
    assert bad.status_code == 422
    assert "其中妇女人次不能超过参与人次" in bad.content.decode()
    other_county = {**form, "orgunit": OrgUnit.objects.get(code="513322").pk, "women": 50}
    assert kd.post("/ledger/activities/new/", other_county).status_code == 422
    good = kd.post("/ledger/activities/new/", {**form, "women": 58})
    assert good.status_code == 302
    saved = Activity.objects.get(title="藏绣培训（网页）")
    assert (saved.women, saved.created_by) == (58, people["kd_officer"])


def _workbook(rows: list[list[Any]], sheet: str = "活动") -> bytes:
    wb = load_workbook(io.BytesIO(ledger_template()))
    for i, row in enumerate(rows):
        for j, value in enumerate(row, start=1):
            wb[sheet].cell(FIRST_ROW + i, j, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_import_is_previewed_then_confirmed(people: dict[str, Any]) -> None:
    officer = _client(people["officer"])
    rows = [
        ["513301", "宣讲", "网页导入宣讲", "2024-03-08", "", 1, 100, 60, 0, 0, 0, ""],
        ["513322", "宣讲", "网页导入宣讲", "2024-03-09", "", 2, 150, 90, 0, 0, 0, ""],
    ]
    upload = io.BytesIO(_workbook(rows))
    upload.name = "台账.xlsx"
    preview = officer.post("/ledger/import/", {"file": upload})
    assert preview.status_code == 200
    assert not Activity.objects.filter(title="网页导入宣讲").exists()
    pending = preview.context["pending"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM ledger_pendingimport WHERE id = %s", [pending.pk])
        assert cursor.fetchone()[0].startswith("f1:")  # kept encrypted
    confirmed = officer.post(f"/ledger/import/{pending.pk}/confirm/")
    assert confirmed.status_code == 302
    assert Activity.objects.filter(title="网页导入宣讲").count() == 2
    assert not PendingImport.objects.exists()
    # Someone else cannot confirm another's upload.
    upload = io.BytesIO(_workbook(rows))
    upload.name = "x.xlsx"
    pending = officer.post("/ledger/import/", {"file": upload}).context["pending"]
    assert (
        _client(people["kd_officer"]).post(f"/ledger/import/{pending.pk}/confirm/").status_code
        == 404
    )


def test_a_bad_import_lists_its_problems_and_saves_nothing(people: dict[str, Any]) -> None:
    upload = io.BytesIO(
        _workbook([["513301", "宣讲", "坏行", "2024-02-30", "", 1, 10, 5, 0, 0, 0, ""]])
    )
    upload.name = "bad.xlsx"
    response = _client(people["officer"]).post("/ledger/import/", {"file": upload})
    assert response.status_code == 422
    html = response.content.decode()
    assert "第 4 行" in html
    assert "2024-02-30" in html
    assert response.context["pending"] is None
    assert not Activity.objects.filter(title="坏行").exists()


def test_personal_data_is_opened_only_by_the_assigned(
    people: dict[str, Any], case: RightsCase
) -> None:
    url = f"/ledger/cases/{case.pk}/"
    worker = _client(people["worker"])
    page = worker.get(url).content.decode()
    assert "CANARY" not in page  # not even for the worker, until asked with a purpose
    opened = worker.post(url, {"purpose": "电话回访"}).content.decode()
    assert "CANARY央金" in opened
    assert "13800000009" in opened
    read = PersonalDataRead.objects.get(case=case)
    assert (read.user, read.purpose) == (people["worker"], "电话回访")
    other = _client(people["other_worker"])
    assert "CANARY" not in other.get(url).content.decode()
    refused = other.post(url, {"purpose": "看看"}).content.decode()
    assert "CANARY" not in refused
    assert "您未被指派" in refused  # not assigned: a reason first
    assert (
        _client(people["leader"]).post(url, {"purpose": "看看", "reason": "x" * 20}).status_code
        == 403
    )
    assert _client(people["ld_officer"]).get(url).status_code == 404
    listing = _client(people["kd_officer"]).get("/ledger/cases/").content.decode()
    assert "CANARY" not in listing
    assert PersonalDataRead.objects.filter(case=case).count() == 1
    # With a reason the other worker reads it, and the supervisor sees that on the ledger page.
    reason = "承办人休假期间当事人来电求助"
    opened = other.post(url, {"purpose": "接听来电", "reason": reason}).content.decode()
    assert "CANARY央金" in opened
    assert reason in _client(people["officer"]).get("/ledger/").content.decode()  # supervisor
    assert reason not in _client(people["worker"]).get("/ledger/").content.decode()


def test_a_case_step_is_recorded(people: dict[str, Any], case: RightsCase) -> None:
    url = f"/ledger/cases/{case.pk}/"
    worker = _client(people["worker"])
    response = worker.post(url, {"kind": "closure", "taken_on": "2024-04-01", "note": "已办结"})
    assert response.status_code == 302
    case = RightsCase.objects.only("state").get(pk=case.pk)
    assert case.state == "closed"


def test_the_selection_is_run_from_the_family_page(people: dict[str, Any]) -> None:
    kd = _client(people["kd_officer"])
    response = kd.post(
        "/ledger/families/new/",
        {
            "orgunit": OrgUnit.objects.get(code="513301").pk,
            "name": "格桑家庭（网页）",
            "address": "一村",
            "nominated_on": "2024-03-01",
        },
    )
    assert response.status_code == 302
    url = response["Location"]
    award = FamilyAward.objects.get(family__name="格桑家庭（网页）")
    kd.post(
        url,
        {"action": "decide", "award": award.pk, "decision": "selected", "decided_on": "2024-04-01"},
    )
    kd.post(url, {"action": "recommend", "level": "prefecture", "recommended_on": "2024-04-02"})
    levels = dict(FamilyAward.objects.filter(family=award.family).values_list("level", "decision"))
    assert levels == {"county": Decision.SELECTED, "prefecture": Decision.PENDING}
    kd.post(url, {"action": "recommend", "level": "national", "recommended_on": "2024-04-03"})
    assert FamilyAward.objects.filter(family=award.family).count() == 2


def test_the_period_summary_page_and_its_downloads(people: dict[str, Any]) -> None:
    officer = _client(people["officer"])
    unit = OrgUnit.objects.get(code="513300").pk
    query = f"orgunit={unit}&start=2017-06-01&end=2022-05-31"
    page = officer.get(f"/ledger/summary/?{query}")
    assert page.status_code == 200
    assert "全州妇女之家达" in page.content.decode()
    docx = officer.get(f"/ledger/summary/?{query}&format=docx")
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert docx.content[:2] == b"PK"
    kd = _client(people["kd_officer"])
    assert kd.get(f"/ledger/summary/?{query}").status_code == 422  # the prefecture: not theirs


def test_query_counts(people: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    kd = _client(people["kd_officer"])
    kd.get("/ledger/activities/")
    with django_assert_max_num_queries(12):
        assert kd.get("/ledger/activities/").status_code == 200
    with django_assert_max_num_queries(20):
        assert kd.get("/ledger/").status_code == 200
    # The summary: one grouped query per figure, and a few more (session, user, scope, units).
    unit = OrgUnit.objects.get(code="513301").pk
    with django_assert_max_num_queries(len(MEASURES) + 10):
        page = kd.get(f"/ledger/summary/?orgunit={unit}&start=2017-06-01&end=2022-05-31")
        assert page.status_code == 200


def test_lists_mask_names_for_the_assigned_only(people: dict[str, Any], case: RightsCase) -> None:
    mine = _client(people["worker"]).get("/ledger/cases/?from=2024-03-05&to=2024-03-05")
    assert "C*******" in mine.content.decode()
    assert "CANARY" not in mine.content.decode()
    theirs = _client(people["kd_officer"]).get("/ledger/cases/?from=2024-03-05&to=2024-03-05")
    assert "C*******" not in theirs.content.decode()
    assert [r.pk for r, _cells in theirs.context["rows"]] == [case.pk]


def test_each_summary_figure_opens_the_records_it_sums(people: dict[str, Any]) -> None:
    officer = _client(people["officer"])
    unit = OrgUnit.objects.get(code="513300")
    page = officer.get(f"/ledger/summary/?orgunit={unit.pk}&start=2017-06-01&end=2022-05-31")
    figures = page.context["summary"].figures
    for key, kind in (
        ("lecture_sessions", "activities"),
        ("families_national", "families"),
        ("womens_homes", "sites"),
        ("cases_closed", "cases"),
    ):
        url = f"/ledger/{kind}/?figure={key}&orgunit=513300&from=2017-06-01&to=2022-05-31"
        assert url.replace("&", "&amp;") in page.content.decode()
        listed = officer.get(url)
        assert listed.status_code == 200
        assert listed.context["page"].paginator.count == figures[key].records, key
