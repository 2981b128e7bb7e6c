"""A round run end to end in the browser: the clerk enters and uploads, the officer returns,
the clerk fixes, the officer approves, and the dashboard shows the new year."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from playwright.sync_api import expect

from lianggang.accounts.models import Membership, Role
from lianggang.analytics.models import IndicatorValue
from lianggang.analytics.store import analytics_rebuild
from lianggang.collection.models import DataValue, Submission
from lianggang.collection.services import round_open, validation_rules_load
from lianggang.demo.services import demo_load
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
    # Each role's home: a clerk's is what is due (数据采集), the officer's the overview.
    page.wait_for_url(f"{base}/collection/" if username == "clerk" else f"{base}/")
    return page


@pytest.fixture
def world(live_server: Any) -> dict[str, Any]:
    orgunits_load()
    framework_load()
    demo_load()
    validation_rules_load()
    analytics_rebuild()
    users = get_user_model().objects
    root = users.create_superuser("root", "", PASSWORD)
    clerk = users.create_user("clerk", password=PASSWORD)
    m = Membership.objects.create(
        user=clerk, role=Role.CLERK, orgunit=OrgUnit.objects.get(code="513301")
    )
    m.departments.set(Department.objects.filter(code="health"))
    officer = users.create_user("officer", password=PASSWORD)
    Membership.objects.create(
        user=officer,
        role=Role.COMMITTEE_OFFICER,
        orgunit=OrgUnit.objects.get(code="513300"),
        all_departments=True,
    )
    rnd = round_open(actor=root, year=2026, closes_on=dt.date(2027, 4, 30))
    sub = Submission.objects.get(round=rnd, data_set__code="annual-health", orgunit__code="513301")
    return {"base": live_server.url, "submission": sub}


def _cell(page: Any, element: str, disaggregation: str, value: str) -> None:
    field = page.locator(f"#v-{element}-{disaggregation}")
    field.fill(value)
    with page.expect_response(lambda r: "/cell/" in r.url):
        field.press("Enter")


def test_a_round_from_entry_to_the_dashboard(
    browser: Any, world: dict[str, Any], tmp_path: Path
) -> None:
    base, sub = world["base"], world["submission"]
    clerk = _login(browser, base, "clerk")
    clerk.goto(f"{base}/collection/")
    clerk.click("text=卫生健康委(局)/妇幼保健院年度监测数据")
    clerk.wait_for_selector("#entry-grid")

    # Enter part of the figures in the grid…
    _cell(clerk, "live_births", "total", "1,480")
    _cell(clerk, "neonatal_deaths", "total", "５")
    # htmx swaps the row in after the response: wait for the swap, not just the response.
    expect(clerk.locator("#row-live_births-total input[name=version]")).to_have_value("1")
    _cell(clerk, "infant_deaths", "total", "abc")
    expect(clerk.locator("#row-infant_deaths-total")).to_contain_text("应为数字")

    # …and the rest through the Excel template.
    with clerk.expect_download() as download:
        clerk.click("text=下载 Excel 模板")
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    wb = load_workbook(template)
    ws = wb.worksheets[1]
    typed = {
        ("live_births", "urban"): "700",
        ("live_births", "rural"): "780",
        ("maternal_deaths", "total"): 0,
        ("maternal_deaths", "urban"): 0,
        ("maternal_deaths", "rural"): 0,
        ("infant_deaths", "total"): 3,
        ("under5_deaths", "total"): 12,
    }
    for r in range(4, ws.max_row + 1):
        key = (ws.cell(r, 1).value, ws.cell(r, 2).value)
        if key in typed:
            ws.cell(r, 8).value = typed[key]
    filled = tmp_path / "填好的模板.xlsx"
    wb.save(filled)
    clerk.set_input_files("input[type=file]", str(filled))
    clerk.click("text=检查上传文件")
    assert "将修改 7 个数值" in clerk.content()
    clerk.click("text=确认导入")
    assert "导入完成" in clerk.content()
    assert DataValue.objects.filter(submission=sub).count() == 9

    # Infant deaths below neonatal deaths: an error that blocks submission.
    assert "新生儿死亡数不能大于婴儿死亡数" in clerk.content()
    _cell(clerk, "infant_deaths", "total", "7")
    clerk.reload()
    for note in clerk.locator("input[name=comment][required]").all():
        note.fill("经核实无误")
        note.press("Enter")
        clerk.wait_for_load_state()
    clerk.click("text=提交审核")
    assert "已提交" in clerk.content()

    # The officer returns it with a reason; the clerk sees why, fixes, resubmits.
    officer = _login(browser, base, "officer")
    officer.goto(f"{base}/collection/notifications/")
    officer.click("text=打开")
    officer.fill("input[name=reason] >> nth=0", "5岁以下儿童死亡数请复核")
    officer.click("button:has-text('退回')")
    assert "已退回" in officer.content()
    clerk.goto(f"{base}/collection/notifications/")
    assert "5岁以下儿童死亡数请复核" in clerk.content()
    clerk.click("text=打开")
    _cell(clerk, "under5_deaths", "total", "11")
    clerk.reload()
    clerk.click("text=提交审核")
    assert "已提交" in clerk.content()

    # Approval puts the figures on the dashboard at once.
    officer.goto(f"{base}/collection/submissions/{sub.pk}/")
    officer.click("button:has-text('审核通过')")
    assert "已通过" in officer.content()
    nmr = IndicatorValue.objects.get(indicator__code="c21-nmr", orgunit__code="513301", year=2026)
    assert (nmr.numerator, nmr.denominator) == (5, 1480)
    officer.goto(f"{base}/indicators/c21-nmr/?orgunit=513301&year=2026")
    assert "2026" in officer.locator("#h-table").inner_text()
    # One approval does not make 2026 complete: the overview stays on 2025, saying why, and
    # offers 2026 with its coverage.
    officer.goto(f"{base}/?outline=children-2021")
    assert officer.locator("select[name=year] option[selected]").inner_text() == "2025"
    total = Submission.objects.filter(round__year=2026).count()
    offered = officer.locator("select[name=year] option[value='2026']").inner_text()
    assert offered == f"2026年：已审核 1/{total}"
    officer.goto(f"{base}/?outline=children-2021&year=2026")
    assert officer.locator("select[name=year] option[selected]").inner_text().startswith("2026")
