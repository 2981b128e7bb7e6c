"""The follow-up register: lagging targets become items, assigned, followed, exported."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from lianggang.accounts.models import Role
from lianggang.analytics.models import Assessment
from lianggang.followup.models import FollowUp, ItemState
from lianggang.followup.services import (
    FollowUpError,
    NotFound,
    followup_candidates,
    followup_open,
    followup_update,
    followups_visible_to,
    followups_xlsx,
)
from lianggang.framework.models import Outline
from lianggang.orgunits.models import Department, OrgUnit
from tests.factories import member

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 6, 30)


@pytest.fixture
def people() -> dict[str, Any]:
    return {
        "officer": member("officer", Role.COMMITTEE_OFFICER, "513300"),
        "county": member("kd_officer", Role.COUNTY_OFFICER, "513301"),
        "clerk": member("kd_health", Role.CLERK, "513301", ["health"]),
        "educ": member("kd_education", Role.CLERK, "513301", ["education"]),
        "leader": member("leader", Role.VIEWER, "513300"),
    }


def _lagging(unit: str = "513301") -> Assessment:
    lagging = (
        Assessment.objects.filter(
            orgunit__code=unit,
            year=2025,
            status__in=["OFF_TRACK", "REGRESSING"],
            indicator__departments__code="health",
            indicator__target__area__outline__code="children-2021",
        )
        .select_related("indicator", "orgunit")
        .order_by("indicator__code")
        .first()
    )
    assert lagging is not None
    return lagging


def _open(actor: Any, a: Assessment, department: str = "health") -> FollowUp:
    return followup_open(
        actor=actor,
        indicator=a.indicator,
        orgunit=a.orgunit,
        department=Department.objects.get(code=department),
        due_on=DUE,
        actions="开展儿科医师转岗培训",
    )


def test_candidates_are_the_lagging_targets_without_a_live_item(people: dict[str, Any]) -> None:
    outline = Outline.objects.get(code="children-2021")
    ganzi = OrgUnit.objects.get(code="513300")
    before = followup_candidates(user=people["officer"], outline=outline, orgunit=ganzi, year=2025)
    assert before
    assert all(a.status in ("OFF_TRACK", "REGRESSING") for a in before)
    assert {a.orgunit.code for a in before} <= {"513300", *(u.code for u in ganzi.children.all())}
    item = _open(people["officer"], _lagging())
    after = followup_candidates(user=people["officer"], outline=outline, orgunit=ganzi, year=2025)
    assert len(after) == len(before) - 1
    assert (item.indicator_id, item.orgunit_id) not in {
        (a.indicator_id, a.orgunit_id) for a in after
    }
    # A leader sees the register but opens nothing.
    assert (
        followup_candidates(user=people["leader"], outline=outline, orgunit=ganzi, year=2025) == []
    )


def test_opening_checks_role_scope_department_and_lag(people: dict[str, Any]) -> None:
    a = _lagging()
    with pytest.raises(FollowUpError):
        _open(people["clerk"], a)  # clerks do not open items
    with pytest.raises(FollowUpError):
        _open(people["county"], _lagging("513322"))  # another county
    with pytest.raises(FollowUpError, match="不负责"):
        _open(people["officer"], a, department="court")
    achieved = Assessment.objects.filter(
        orgunit__code="513301", year=2025, status="ACHIEVED"
    ).first()
    assert achieved is not None
    department = achieved.indicator.departments.first()
    assert department is not None
    with pytest.raises(FollowUpError):
        followup_open(
            actor=people["officer"],
            indicator=achieved.indicator,
            orgunit=achieved.orgunit,
            department=department,
            due_on=DUE,
            actions="x",
        )
    item = _open(people["county"], a)
    assert (item.state, item.status_at_opening, item.year) == ("open", a.status, 2025)
    with pytest.raises(FollowUpError):
        _open(people["officer"], a)  # one live item per target and unit


def test_the_department_moves_its_item_the_officer_closes_it(people: dict[str, Any]) -> None:
    item = _open(people["officer"], _lagging())
    with pytest.raises(NotFound):
        followup_update(actor=people["educ"], item_id=item.pk, note="不是我们的")
    followup_update(
        actor=people["clerk"], item_id=item.pk, note="已招聘2名儿科医师", state="in_progress"
    )
    with pytest.raises(FollowUpError):
        followup_update(actor=people["clerk"], item_id=item.pk, note="", state="closed")
    with pytest.raises(FollowUpError):
        followup_update(actor=people["clerk"], item_id=item.pk, note="")
    followup_update(actor=people["clerk"], item_id=item.pk, note="培训完成", state="done")
    followup_update(
        actor=people["officer"], item_id=item.pk, note="联席会议审议通过", state="closed"
    )
    with pytest.raises(FollowUpError):
        followup_update(actor=people["officer"], item_id=item.pk, note="", state="open")
    events = list(item.events.values_list("from_state", "to_state", "note"))
    assert events == [
        ("", "open", "开展儿科医师转岗培训"),
        ("open", "in_progress", "已招聘2名儿科医师"),
        ("in_progress", "done", "培训完成"),
        ("done", "closed", "联席会议审议通过"),
    ]
    # Closed: the target may get a new item.
    assert _open(people["officer"], _lagging()).pk != item.pk


def test_visibility_follows_scope_and_departments(people: dict[str, Any]) -> None:
    item = _open(people["officer"], _lagging())
    assert item in followups_visible_to(people["leader"])
    assert item in followups_visible_to(people["clerk"])
    assert item not in followups_visible_to(people["educ"])
    other = member("ld_officer", Role.COUNTY_OFFICER, "513322")
    assert item not in followups_visible_to(other)


def test_export_for_the_joint_meeting(people: dict[str, Any]) -> None:
    item = _open(people["officer"], _lagging())
    followup_update(actor=people["clerk"], item_id=item.pk, note="已招聘2名儿科医师")
    wb = load_workbook(
        io.BytesIO(followups_xlsx([item], dt.date(2026, 7, 1), "演示数据，非官方统计"))
    )
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][0] == "演示数据，非官方统计"
    assert rows[2][0] == item.indicator.name
    assert rows[2][8] == "是"  # overdue on 1 July
    assert rows[2][9] == "已招聘2名儿科医师"


def test_the_pages(people: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    web = Client()
    web.force_login(people["officer"])
    page = web.get("/followup/?outline=children-2021")
    assert page.status_code == 200
    candidates = page.context["candidates"]
    a = candidates[0]
    response = web.post(
        "/followup/open/",
        {
            "indicator": a.indicator.code,
            "orgunit": a.orgunit.code,
            "department": a.indicator.departments.first().code,
            "due_on": "2026-06-30",
            "actions": "专项督导",
        },
    )
    item = FollowUp.objects.get()
    assert response["Location"] == f"/followup/{item.pk}/"
    detail = web.get(f"/followup/{item.pk}/").content.decode()
    assert "专项督导" in detail
    web.post(f"/followup/{item.pk}/", {"note": "已部署", "state": "in_progress"})
    item.refresh_from_db()
    assert item.state == ItemState.IN_PROGRESS
    listing = web.get("/followup/?outline=children-2021").content.decode()
    assert f"/followup/{item.pk}/" in listing
    export = web.get("/followup/export.xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    with django_assert_max_num_queries(20):
        web.get("/followup/?outline=children-2021")
    # Another county's officer: the item does not exist for them.
    other = Client()
    other.force_login(member("ld_officer", Role.COUNTY_OFFICER, "513322"))
    assert other.get(f"/followup/{item.pk}/").status_code == 404
    assert Client().get("/followup/").status_code == 302


def test_a_county_officer_sees_the_register_of_their_county(people: dict[str, Any]) -> None:
    web = Client()
    web.force_login(people["county"])
    page = web.get("/followup/?outline=children-2021")
    assert page.context["orgunit"].code == "513301"
    assert "康定市" in page.content.decode().split("</h1>")[0].split("<h1>")[1]
    assert {a.orgunit.code for a in page.context["candidates"]} == {"513301"}
    # The committee's officer starts from the prefecture, and any unit can be asked for.
    officer = Client()
    officer.force_login(people["officer"])
    assert officer.get("/followup/").context["orgunit"].code == "513300"
    assert officer.get("/followup/?orgunit=513301").context["orgunit"].code == "513301"
