"""The department workbook (a sheet per county) once some counties are approved: an approved
sheet uploaded unchanged is skipped with a note, a changed value in it is refused naming the
sheet and the cell, a removed sheet is not imported — and the other counties import."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from lianggang.accounts.models import Role
from lianggang.collection.imports import import_apply, import_plan
from lianggang.collection.models import DataValue, Submission
from lianggang.collection.services import round_open
from lianggang.collection.workbook import read_workbook, template_workbook
from tests.factories import member

pytestmark = pytest.mark.django_db

KANGDING, LUDING = "513301", "513322"


def _value(orgunit: str, element: str = "live_births") -> float | None:
    dv = DataValue.objects.filter(
        element__code=element, year=2026, orgunit__code=orgunit, disaggregation="total"
    ).first()
    return dv.value if dv else None


def _fill(content: bytes, sheet: str, values: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """Set column H of the total rows of ``values`` on one sheet; return the cells set."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb[sheet]
    cells = {}
    for r in range(4, ws.max_row + 1):
        element = ws.cell(r, 1).value
        if ws.cell(r, 2).value == "total" and element in values:
            ws.cell(r, 8).value = values[element]
            cells[element] = f"H{r}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), cells


def _without(content: bytes, sheet: str) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    del wb[sheet]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def ctx() -> dict[str, Any]:
    """A prefecture clerk; 康定市 has live births 1480 stored and is approved."""
    root = get_user_model().objects.create_superuser("opener", "", "a-long-test-password")
    rnd = round_open(actor=root, year=2026, closes_on=dt.date(2027, 4, 30))
    clerk = member("clerk", Role.CLERK, "513300", ["health"])
    subs = list(
        Submission.objects.filter(round=rnd, data_set__code="annual-health")
        .select_related("round", "orgunit", "data_set")
        .order_by("orgunit__sort_order")
    )
    kangding = next(s for s in subs if s.orgunit.code == KANGDING)
    luding = next(s for s in subs if s.orgunit.code == LUDING)
    content, _cells = _fill(
        template_workbook([kangding]), kangding.orgunit.name, {"live_births": 1480}
    )
    plan = import_plan(actor=clerk, read=read_workbook(content), submission_id=kangding.pk)
    assert import_apply(actor=clerk, plan=plan) == 1
    Submission.objects.filter(pk=kangding.pk).update(state="approved")
    for s in subs:
        s.refresh_from_db()
    return {"clerk": clerk, "subs": subs, "kangding": kangding, "luding": luding}


def _department_workbook(ctx: dict[str, Any]) -> bytes:
    """The department workbook with 泸定县's live births filled in (the county still open)."""
    content, _cells = _fill(
        template_workbook(ctx["subs"]), ctx["luding"].orgunit.name, {"live_births": 900}
    )
    return content


def _plan(ctx: dict[str, Any], content: bytes) -> Any:
    return import_plan(actor=ctx["clerk"], read=read_workbook(content, missing_ok=True))


def test_an_approved_sheet_unchanged_is_skipped_and_the_others_import(
    ctx: dict[str, Any],
) -> None:
    plan = _plan(ctx, _department_workbook(ctx))
    assert plan.ok, [str(p) for p in plan.problems]
    assert [(c.orgunit, c.element, c.new) for c in plan.changes] == [
        (ctx["luding"].orgunit.name, "live_births", 900)
    ]
    (skipped,) = plan.skipped
    assert (skipped.orgunit, skipped.sheet, skipped.removed) == ("康定市", "康定市", False)
    assert skipped.reason  # its state, e.g. 已通过
    assert "康定市" in str(skipped)
    assert import_apply(actor=ctx["clerk"], plan=plan) == 1
    assert _value(LUDING) == 900
    assert _value(KANGDING) == 1480


def test_a_changed_value_on_an_approved_sheet_is_refused_with_its_cell(
    ctx: dict[str, Any],
) -> None:
    content, cells = _fill(_department_workbook(ctx), "康定市", {"live_births": 1500})
    plan = _plan(ctx, content)
    assert not plan.ok
    (problem,) = plan.problems
    text = str(problem)
    assert problem.sheet == "康定市"
    assert cells["live_births"] in text
    assert "1480" in text
    assert "1500" in text
    assert "锁定" in text  # 数据已锁定
    assert _value(LUDING) is None  # nothing applied
    with pytest.raises(ValueError, match="problems"):
        import_apply(actor=ctx["clerk"], plan=plan)


def test_a_removed_approved_sheet_is_skipped_and_the_rest_imports(ctx: dict[str, Any]) -> None:
    plan = _plan(ctx, _without(_department_workbook(ctx), "康定市"))
    assert plan.ok, [str(p) for p in plan.problems]
    (skipped,) = plan.skipped
    assert (skipped.orgunit, skipped.removed) == ("康定市", True)
    assert skipped.reason
    assert import_apply(actor=ctx["clerk"], plan=plan) == 1
    assert _value(LUDING) == 900
    assert _value(KANGDING) == 1480


def test_a_removed_open_sheet_is_not_imported_and_nothing_is_deleted(
    ctx: dict[str, Any],
) -> None:
    Submission.objects.filter(pk=ctx["kangding"].pk).update(state="draft")
    plan = _plan(ctx, _without(_department_workbook(ctx), "康定市"))
    assert plan.ok, [str(p) for p in plan.problems]
    (skipped,) = plan.skipped
    assert (skipped.orgunit, skipped.reason, skipped.removed) == ("康定市", "", True)
    import_apply(actor=ctx["clerk"], plan=plan)
    assert _value(KANGDING) == 1480


def test_a_missing_sheet_is_still_a_problem_for_other_readers(ctx: dict[str, Any]) -> None:
    read = read_workbook(_without(_department_workbook(ctx), "康定市"))
    assert [p.sheet for p in read.problems] == ["康定市"]


def test_the_department_workbook_shows_an_approved_county_read_only(
    ctx: dict[str, Any],
) -> None:
    wb = load_workbook(io.BytesIO(template_workbook(ctx["subs"])))
    approved, open_ = wb["康定市"], wb[ctx["luding"].orgunit.name]
    assert approved.protection.sheet
    assert approved["H4"].protection.locked
    assert not open_["H4"].protection.locked
    assert approved["C2"].value != open_["C2"].value


# Through the upload page, as the clerk does it.


def _client(ctx: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(ctx["clerk"])
    return client


def _upload(client: Client, content: bytes) -> Any:
    return client.post(
        "/collection/rounds/2026/upload/", {"file": SimpleUploadedFile("部门.xlsx", content)}
    )


def test_the_upload_page_skips_the_approved_county_and_confirms(ctx: dict[str, Any]) -> None:
    client = _client(ctx)
    download = client.get("/collection/rounds/2026/templates/annual-health.xlsx")
    assert download.status_code == 200
    content, _cells = _fill(download.content, ctx["luding"].orgunit.name, {"live_births": 900})
    response = _upload(client, content)
    html = response.content.decode()
    assert response.status_code == 200, html
    skipped = html.split('class="skipped"')[1].split("</ul>")[0]
    assert "康定市" in skipped
    assert "确认导入" in html
    assert _value(LUDING) is None
    pending = html.split("/collection/imports/")[1].split("/")[0]
    client.post(f"/collection/imports/{pending}/confirm/")
    assert _value(LUDING) == 900
    assert _value(KANGDING) == 1480


def test_the_upload_page_refuses_a_changed_approved_value(ctx: dict[str, Any]) -> None:
    client = _client(ctx)
    content, cells = _fill(_department_workbook(ctx), "康定市", {"live_births": 1500})
    response = _upload(client, content)
    html = response.content.decode()
    assert response.status_code == 422
    assert "康定市" in html
    assert cells["live_births"] in html
    assert "1480" in html
    assert "1500" in html
    assert "确认导入" not in html
    assert _value(LUDING) is None


def test_the_upload_page_imports_the_rest_when_the_approved_sheet_is_removed(
    ctx: dict[str, Any],
) -> None:
    client = _client(ctx)
    response = _upload(client, _without(_department_workbook(ctx), "康定市"))
    html = response.content.decode()
    assert response.status_code == 200, html
    assert "康定市" in html.split('class="skipped"')[1].split("</ul>")[0]
    pending = html.split("/collection/imports/")[1].split("/")[0]
    client.post(f"/collection/imports/{pending}/confirm/")
    assert _value(LUDING) == 900
