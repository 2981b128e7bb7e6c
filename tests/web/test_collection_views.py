"""The collection pages, driven as a clerk and an officer would (without a browser)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from lianggang.accounts.models import Role
from lianggang.analytics.models import IndicatorValue
from lianggang.collection.models import DataValue, DataValueAudit, Round, Submission
from lianggang.collection.services import round_open
from tests.factories import member

pytestmark = pytest.mark.django_db


def _client(name: str, role: str, orgunit: str, departments: list[str] | None) -> Client:
    client = Client()
    client.force_login(member(name, role, orgunit, departments))
    return client


@pytest.fixture
def setup() -> dict[str, Any]:
    officer = get_user_model().objects.create_superuser("opener", "", "a-long-test-password")
    rnd = round_open(actor=officer, year=2026, closes_on=dt.date(2026, 4, 30))
    sub = Submission.objects.get(round=rnd, data_set__code="annual-health", orgunit__code="513301")
    return {
        "round": rnd,
        "submission": sub,
        "clerk": _client("clerk", Role.CLERK, "513301", ["health"]),
        "other": _client("other", Role.CLERK, "513322", ["health"]),
        "officer": _client("officer", Role.COMMITTEE_OFFICER, "513300", None),
    }


def _cell(
    client: Client,
    sub: Submission,
    element: str,
    value: str,
    version: int = 0,
    disaggregation: str = "total",
    comment: str = "",
) -> Any:
    return client.post(
        f"/collection/submissions/{sub.pk}/cell/",
        {
            "element": element,
            "disaggregation": disaggregation,
            "value": value,
            "version": version,
            "comment": comment,
        },
        HTTP_HX_REQUEST="true",
    )


def test_clerk_sees_the_submission_and_its_grid(setup: dict[str, Any]) -> None:
    sub = setup["submission"]
    html = setup["clerk"].get("/collection/").content.decode()
    assert f"/collection/submissions/{sub.pk}/" in html
    grid = setup["clerk"].get(f"/collection/submissions/{sub.pk}/").content.decode()
    assert "活产数" in grid
    assert "城市" in grid
    assert "农村" in grid
    assert 'hx-post="/collection/submissions/' in grid
    assert "htmx.min.js" in grid
    assert "提交审核" in grid


def test_saving_a_cell_returns_the_row_with_its_new_version(setup: dict[str, Any]) -> None:
    sub = setup["submission"]
    response = _cell(setup["clerk"], sub, "live_births", "１,４８０")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="1480"' in html
    assert 'name="version" value="1"' in html
    dv = DataValue.objects.get(
        element__code="live_births", orgunit__code="513301", year=2026, disaggregation="total"
    )
    assert dv.value == 1480
    assert DataValueAudit.objects.get(element__code="live_births", year=2026).channel == "grid"


def test_a_stale_save_is_a_conflict_and_keeps_the_newer_value(setup: dict[str, Any]) -> None:
    sub = setup["submission"]
    _cell(setup["clerk"], sub, "live_births", "1480")
    response = _cell(setup["clerk"], sub, "live_births", "1500", version=0)
    html = response.content.decode()
    assert response.status_code == 409
    assert "1480" in html
    assert "1500" in html
    assert (
        DataValue.objects.get(
            element__code="live_births", orgunit__code="513301", year=2026, disaggregation="total"
        ).value
        == 1480
    )


def test_a_bad_value_is_refused_in_chinese(setup: dict[str, Any]) -> None:
    response = _cell(setup["clerk"], setup["submission"], "live_births", "一千")
    assert response.status_code == 422
    assert "应为数字" in response.content.decode()
    assert not DataValue.objects.filter(year=2026).exists()


def test_scope_on_pages(setup: dict[str, Any]) -> None:
    sub = setup["submission"]
    assert setup["other"].get(f"/collection/submissions/{sub.pk}/").status_code == 404
    assert _cell(setup["other"], sub, "live_births", "1").status_code == 404
    assert _cell(setup["officer"], sub, "live_births", "1").status_code == 403
    assert setup["officer"].get(f"/collection/submissions/{sub.pk}/").status_code == 200
    assert not DataValue.objects.filter(year=2026).exists()


def test_round_page_completeness_and_late_export(setup: dict[str, Any]) -> None:
    html = setup["officer"].get("/collection/rounds/2026/").content.decode()
    assert "各成员单位完成情况" in html
    assert "康定市" in html
    assert "未开始" in html
    csv_text = (
        setup["officer"].get("/collection/rounds/2026/?format=csv").content.decode("utf-8-sig")
    )
    assert "康定市" in csv_text
    assert "泸定县" in csv_text
    clerk_csv = (
        setup["clerk"].get("/collection/rounds/2026/?format=csv").content.decode("utf-8-sig")
    )
    assert "康定市" in clerk_csv
    assert "泸定县" not in clerk_csv


def test_submit_return_fix_approve_in_the_pages(
    setup: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    sub, clerk, officer = setup["submission"], setup["clerk"], setup["officer"]
    url = f"/collection/submissions/{sub.pk}/transition/"
    for element, disagg, value in [
        ("live_births", "total", "1480"),
        ("live_births", "urban", "700"),
        ("live_births", "rural", "780"),
        ("maternal_deaths", "total", "0"),
        ("maternal_deaths", "urban", "0"),
        ("maternal_deaths", "rural", "0"),
        ("neonatal_deaths", "total", "5"),
        ("infant_deaths", "total", "9"),
        ("under5_deaths", "total", "12"),
    ]:
        assert _cell(clerk, sub, element, value, disaggregation=disagg).status_code == 200
    clerk.post(url, {"action": "submit"})
    sub.refresh_from_db()
    assert sub.state == "submitted"
    page = officer.get(f"/collection/submissions/{sub.pk}/").content.decode()
    assert "退回" in page
    assert "审核通过" in page
    officer.post(url, {"action": "return", "reason": ""})
    sub.refresh_from_db()
    assert sub.state == "submitted"
    officer.post(url, {"action": "return", "reason": "请核对新生儿死亡数"})
    sub.refresh_from_db()
    assert sub.state == "returned"
    _cell(clerk, sub, "neonatal_deaths", "4", version=1)
    clerk.post(url, {"action": "submit"})
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(url, {"action": "approve"})
    sub.refresh_from_db()
    assert sub.state == "approved"
    assert (
        IndicatorValue.objects.get(
            indicator__code="c21-nmr", orgunit__code="513301", year=2026
        ).numerator
        == 4
    )
    history = clerk.get(
        f"/collection/submissions/{sub.pk}/history/?element=neonatal_deaths&disaggregation=total"
    ).content.decode()
    assert "5 → 4" in history
    assert Round.objects.get(year=2026).state == "open"


def _template(client: Client, sub: Submission) -> bytes:
    response = client.get(f"/collection/submissions/{sub.pk}/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def _filled(content: bytes, value: Any) -> Any:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[1]
    for r in range(4, ws.max_row + 1):
        if (ws.cell(r, 1).value, ws.cell(r, 2).value) == ("live_births", "total"):
            ws.cell(r, 8).value = value
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("填报.xlsx", buf.getvalue())


def test_upload_preview_then_confirm(setup: dict[str, Any]) -> None:
    sub, clerk = setup["submission"], setup["clerk"]
    upload = _filled(_template(clerk, sub), "1,480")
    preview = clerk.post(f"/collection/submissions/{sub.pk}/upload/", {"file": upload})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "1,480" in html
    assert "确认导入" in html
    assert not DataValue.objects.filter(year=2026).exists()
    pending = html.split("/collection/imports/")[1].split("/")[0]
    clerk.post(f"/collection/imports/{pending}/confirm/")
    assert (
        DataValue.objects.get(
            element__code="live_births", year=2026, orgunit__code="513301", disaggregation="total"
        ).value
        == 1480
    )
    assert DataValueAudit.objects.get(element__code="live_births", year=2026).channel == "excel"


def test_a_confirm_after_the_data_changed_imports_nothing(setup: dict[str, Any]) -> None:
    sub, clerk = setup["submission"], setup["clerk"]
    html = clerk.post(
        f"/collection/submissions/{sub.pk}/upload/",
        {"file": _filled(_template(clerk, sub), 1480)},
    ).content.decode()
    pending = html.split("/collection/imports/")[1].split("/")[0]
    _cell(clerk, sub, "live_births", "1300")
    page = clerk.post(f"/collection/imports/{pending}/confirm/", follow=True).content.decode()
    assert "数据已有变化" in page
    assert (
        DataValue.objects.get(
            element__code="live_births", year=2026, orgunit__code="513301", disaggregation="total"
        ).value
        == 1300
    )


def test_a_bad_upload_shows_its_problems_and_changes_nothing(setup: dict[str, Any]) -> None:
    sub, clerk = setup["submission"], setup["clerk"]
    response = clerk.post(
        f"/collection/submissions/{sub.pk}/upload/",
        {"file": _filled(_template(clerk, sub), "一千四百")},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "应为数字" in html
    assert "列 H" in html
    assert "未导入任何数据" in html
    assert not DataValue.objects.filter(year=2026).exists()


def test_department_workbook_download(setup: dict[str, Any]) -> None:
    import io

    from openpyxl import load_workbook

    response = setup["clerk"].get("/collection/rounds/2026/templates/annual-health.xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["meta", "康定市"]
    other = setup["clerk"].get("/collection/rounds/2026/templates/annual-education.xlsx")
    assert other.status_code == 404


def test_notifications_and_audit_export(setup: dict[str, Any]) -> None:
    sub, clerk, officer = setup["submission"], setup["clerk"], setup["officer"]
    _cell(clerk, sub, "live_births", "1480")
    _cell(clerk, sub, "live_births", "1490", version=1)
    csv_text = officer.get("/collection/rounds/2026/audit.csv").content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("修改时间,修改人,途径,")  # headers in the page's language
    assert len(lines) == 3
    assert ",clerk,网页填报,513301,live_births,total,2026,1480,1490," in lines[2]
    assert (
        setup["other"]
        .get("/collection/rounds/2026/audit.csv")
        .content.decode("utf-8-sig")
        .strip()
        .count("\n")
        == 0
    )
    _cell(clerk, sub, "infant_deaths", "9")
    clerk.post(f"/collection/submissions/{sub.pk}/transition/", {"action": "submit"})
    sub.refresh_from_db()
    assert sub.state == "submitted"
    page = officer.get("/").content.decode()
    assert '<span class="count"' in page
    listing = officer.get("/collection/notifications/").content.decode()
    assert "康定市" in listing
    assert "提交审核" in listing
    assert '<span class="count"' not in officer.get("/").content.decode()


def test_typed_text_cannot_become_a_formula_in_the_audit_csv(setup: dict[str, Any]) -> None:
    sub, clerk, officer = setup["submission"], setup["clerk"], setup["officer"]
    _cell(clerk, sub, "live_births", "1480", comment='=HYPERLINK("http://x")')
    text = officer.get("/collection/rounds/2026/audit.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_an_unreadable_upload_is_named_in_its_message(setup: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    sub, clerk = setup["submission"], setup["clerk"]
    # Latin-1 with bytes neither UTF-8 nor GB18030 can read.
    content = "data_element,orgunit,year,disaggregation,value\nlive_births,513301,2026,total,1\n"
    upload = SimpleUploadedFile("妇幼数据.csv", content.encode() + b"\xff\xfe\xff\x80\n")
    html = clerk.post(f"/collection/submissions/{sub.pk}/upload/", {"file": upload}).content
    assert "妇幼数据.csv" in html.decode()
    assert not DataValue.objects.filter(year=2026).exists()


def test_the_preview_says_what_blank_cells_keep(setup: dict[str, Any]) -> None:
    sub, clerk = setup["submission"], setup["clerk"]
    _cell(clerk, sub, "live_births", "1480")
    upload = _filled(_template(clerk, sub), None)  # the clerk empties the stored value
    html = clerk.post(f"/collection/submissions/{sub.pk}/upload/", {"file": upload}).content
    text = html.decode()
    assert "删除" in text  # how to clear a value, said where the blank cells are counted
    assert "/collection/imports/" not in text  # nothing to confirm: the file changes nothing
    kept = DataValue.objects.get(
        element__code="live_births", year=2026, orgunit__code="513301", disaggregation="total"
    )
    assert kept.value == 1480
