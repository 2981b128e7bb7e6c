"""The department workbook in the browser with one county approved: the clerk downloads it,
fills another county, uploads it, sees the approved county skipped, and confirms."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from playwright.sync_api import expect

from lianggang.accounts.models import Membership, Role
from lianggang.collection.imports import import_apply, import_plan
from lianggang.collection.models import DataValue, Submission
from lianggang.collection.services import data_sets_ensure, round_open, validation_rules_load
from lianggang.collection.workbook import read_workbook, template_workbook
from lianggang.framework.services import framework_load
from lianggang.orgunits.models import Department, OrgUnit
from lianggang.orgunits.services import orgunits_load

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password"


def _login(browser: Any, base: str, username: str) -> Any:
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    # The home page sends a clerk of an open round on to the collection page.
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def _live_births(orgunit: str) -> float | None:
    dv = DataValue.objects.filter(
        element__code="live_births", year=2026, orgunit__code=orgunit, disaggregation="total"
    ).first()
    return dv.value if dv else None


@pytest.fixture
def world(live_server: Any, tmp_path: Path) -> dict[str, Any]:
    """A prefecture clerk of health; 康定市 has live births 1480 and is approved."""
    orgunits_load()
    framework_load()
    data_sets_ensure()
    validation_rules_load()
    users = get_user_model().objects
    root = users.create_superuser("root", "", PASSWORD)
    clerk = users.create_user("clerk", password=PASSWORD)
    m = Membership.objects.create(
        user=clerk, role=Role.CLERK, orgunit=OrgUnit.objects.get(code="513300")
    )
    m.departments.set(Department.objects.filter(code="health"))
    rnd = round_open(actor=root, year=2026, closes_on=dt.date(2027, 4, 30))
    kangding = Submission.objects.select_related("round", "orgunit", "data_set").get(
        round=rnd, data_set__code="annual-health", orgunit__code="513301"
    )
    path = tmp_path / "kangding.xlsx"
    path.write_bytes(template_workbook([kangding]))
    wb = load_workbook(path)
    ws = wb["康定市"]
    for r in range(4, ws.max_row + 1):
        if (ws.cell(r, 1).value, ws.cell(r, 2).value) == ("live_births", "total"):
            ws.cell(r, 8).value = 1480
    wb.save(path)
    plan = import_plan(actor=clerk, read=read_workbook(path.read_bytes()))
    assert import_apply(actor=clerk, plan=plan) == 1
    Submission.objects.filter(pk=kangding.pk).update(state="approved")
    luding = OrgUnit.objects.get(code="513322")
    return {"base": live_server.url, "luding": luding.name}


def test_a_department_workbook_with_an_approved_county(
    browser: Any, world: dict[str, Any], tmp_path: Path
) -> None:
    base = world["base"]
    clerk = _login(browser, base, "clerk")
    clerk.goto(f"{base}/collection/rounds/2026/")
    with clerk.expect_download() as download:
        clerk.click("a[href$='/templates/annual-health.xlsx']")
    workbook = tmp_path / download.value.suggested_filename
    download.value.save_as(workbook)
    wb = load_workbook(workbook)
    assert wb["康定市"]["H4"].protection.locked  # read-only in the download
    ws = wb[world["luding"]]
    for r in range(4, ws.max_row + 1):
        if (ws.cell(r, 1).value, ws.cell(r, 2).value) == ("live_births", "total"):
            ws.cell(r, 8).value = 900
    filled = tmp_path / "部门工作簿.xlsx"
    wb.save(filled)

    clerk.set_input_files("input[type=file]", str(filled))
    clerk.click("text=检查上传文件")
    expect(clerk.locator("ul.skipped")).to_contain_text("康定市")
    expect(clerk.locator("ul.problems")).to_have_count(0)
    clerk.click("text=确认导入")
    assert "导入完成" in clerk.content()
    assert _live_births("513322") == 900
    assert _live_births("513301") == 1480
