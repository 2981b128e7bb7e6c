"""One door for values: whatever the way in, a blank never clears a stored value (only an
explicit clearing does), and what would be lost unseen — merged cells, short rows, values without
a value, values typed into a copied sheet — is refused, naming where, with a stable code."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from lianggang.accounts.models import Role
from lianggang.accounts.services import api_token_create
from lianggang.collection.errors import ErrorCode
from lianggang.collection.imports import import_apply, import_plan
from lianggang.collection.models import DataValue, Submission, SubmissionState
from lianggang.collection.services import Entry, datavalues_save, round_open
from lianggang.collection.workbook import read_csv, read_workbook, template_workbook
from lianggang.interop.importing import ImportSettings, values_import
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx() -> dict[str, Any]:
    root = get_user_model().objects.create_superuser("opener", "", "a-long-test-password")
    rnd = round_open(actor=root, year=2026, closes_on=dt.date(2027, 4, 30))
    clerk = member("clerk", Role.CLERK, "513300", ["health"])
    kangding = Submission.objects.select_related("round", "orgunit", "data_set").get(
        round=rnd, data_set__code="annual-health", orgunit__code="513301"
    )
    datavalues_save(
        actor=clerk,
        submission_id=kangding.pk,
        entries=[Entry("live_births", "total", 1480), Entry("infant_deaths", "total", 9)],
    )
    return {"clerk": clerk, "kangding": kangding}


def _stored(element: str) -> float | None:
    v = DataValue.objects.filter(
        element__code=element, orgunit__code="513301", year=2026, disaggregation="total"
    ).first()
    return None if v is None else v.value


def _rows(ws: Any) -> dict[str, int]:
    return {
        ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1) if ws.cell(r, 2).value == "total"
    }


def _saved(wb: Any) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _plan(ctx: dict[str, Any], content: bytes) -> Any:
    return import_plan(
        actor=ctx["clerk"], read=read_workbook(content), submission_id=ctx["kangding"].pk
    )


def test_a_blank_cell_keeps_the_stored_value_and_a_marker_clears_it(ctx: dict[str, Any]) -> None:
    wb = load_workbook(io.BytesIO(template_workbook([ctx["kangding"]])))
    ws = wb.worksheets[1]
    rows = _rows(ws)
    ws.cell(rows["live_births"], 8).value = None  # emptied by the clerk: not a clearing
    ws.cell(rows["infant_deaths"], 8).value = " 删除 "
    plan = _plan(ctx, _saved(wb))
    assert plan.ok, plan.problems
    assert [(c.element, c.old, c.new) for c in plan.changes] == [("infant_deaths", 9.0, None)]
    assert plan.blank == 1  # the emptied value; blanks where nothing is stored are no news
    import_apply(actor=ctx["clerk"], plan=plan)
    assert _stored("live_births") == 1480.0
    assert _stored("infant_deaths") is None


def test_merged_cells_over_values_are_refused_naming_the_range(ctx: dict[str, Any]) -> None:
    wb = load_workbook(io.BytesIO(template_workbook([ctx["kangding"]])))
    ws = wb.worksheets[1]
    r = _rows(ws)["live_births"]
    ws.protection.sheet = False
    ws.merge_cells(start_row=r, start_column=8, end_row=r + 2, end_column=8)
    plan = _plan(ctx, _saved(wb))
    (problem,) = plan.problems
    assert problem.code == ErrorCode.MERGED_CELLS
    assert (problem.sheet, problem.row, problem.column) == ("康定市", r, "H")
    assert f"H{r}:H{r + 2}" in problem.message
    assert _stored("live_births") == 1480.0


def test_values_in_a_copied_sheet_are_refused_and_a_blank_extra_sheet_is_not(
    ctx: dict[str, Any],
) -> None:
    wb = load_workbook(io.BytesIO(template_workbook([ctx["kangding"]])))
    wb.create_sheet("Sheet1")  # WPS adds an empty sheet: harmless
    copy = wb.copy_worksheet(wb["康定市"])
    copy.title = "康定市 (2)"
    copy.cell(_rows(copy)["live_births"], 8).value = 1500
    plan = _plan(ctx, _saved(wb))
    assert [(p.code, p.sheet) for p in plan.problems] == [(ErrorCode.UNKNOWN_SHEET, "康定市 (2)")]
    del wb["康定市 (2)"]
    assert _plan(ctx, _saved(wb)).ok


def test_a_blank_on_a_locked_sheet_is_no_change(ctx: dict[str, Any]) -> None:
    content = template_workbook([ctx["kangding"]])
    Submission.objects.filter(pk=ctx["kangding"].pk).update(state=SubmissionState.APPROVED)
    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[1]
    ws.cell(_rows(ws)["live_births"], 8).value = None
    plan = import_plan(actor=ctx["clerk"], read=read_workbook(_saved(wb)))
    assert plan.ok
    assert not plan.changes
    assert [s.orgunit for s in plan.skipped] == ["康定市"]
    ws.cell(_rows(ws)["live_births"], 8).value = "删除"
    (problem,) = import_plan(actor=ctx["clerk"], read=read_workbook(_saved(wb))).problems
    assert problem.code == ErrorCode.LOCKED


TIDY = "data_element,orgunit,year,disaggregation,value\n"


def test_a_short_tidy_row_is_refused_and_a_blank_value_kept(ctx: dict[str, Any]) -> None:
    read = read_csv((TIDY + "live_births,513301,2026,total\n").encode())
    (problem,) = read.problems
    assert (problem.code, problem.row) == (ErrorCode.SHORT_ROW, 2)
    read = read_csv(
        (TIDY + "live_births,513301,2026,total,\ninfant_deaths,513301,2026,total,删除\n").encode()
    )
    plan = import_plan(actor=ctx["clerk"], read=read)
    assert plan.ok
    assert plan.blank == 1
    assert [(c.element, c.new) for c in plan.changes] == [("infant_deaths", None)]


def _import(ctx: dict[str, Any], fmt: str, content: bytes, **kw: Any) -> Any:
    with translation.override("en"):
        return values_import(
            actor=ctx["clerk"], content=content, settings_=ImportSettings(format=fmt, **kw)
        )


ADX = """<?xml version="1.0" encoding="UTF-8"?>
<adx xmlns="urn:ihe:qrph:adx:2015">
  <group orgUnit="513301" period="2026-01-01/P1Y" dataSet="annual-health">
    <dataValue dataElement="live_births"/>
  </group>
</adx>"""


def test_an_adx_value_without_value_is_refused_not_a_deletion(ctx: dict[str, Any]) -> None:
    outcome = _import(ctx, "adx", ADX.encode())
    (conflict,) = outcome.conflicts
    assert (conflict.reason, conflict.property, conflict.row) == (ErrorCode.NO_VALUE, "value", 1)
    assert not outcome.applied
    assert _stored("live_births") == 1480.0


def test_dhis2_json_needs_a_value_or_the_deleted_flag(ctx: dict[str, Any]) -> None:
    doc: dict[str, list[dict[str, Any]]] = {
        "dataValues": [{"dataElement": "live_births", "period": "2026", "orgUnit": "513301"}]
    }
    outcome = _import(ctx, "dhis2-json", json.dumps(doc).encode())
    assert [c.reason for c in outcome.conflicts] == [ErrorCode.NO_VALUE]
    assert _stored("live_births") == 1480.0
    doc["dataValues"][0]["deleted"] = True
    outcome = _import(ctx, "dhis2-json", json.dumps(doc).encode())
    assert outcome.applied
    assert outcome.count.deleted == 1
    assert _stored("live_births") is None


def test_a_dhis2_csv_without_a_header_keeps_its_first_value(ctx: dict[str, Any]) -> None:
    lines = "live_births,2026,513301,,,1490\ninfant_deaths,2026,513301,,,8\n"
    outcome = _import(ctx, "dhis2-csv", lines.encode())
    assert outcome.applied
    assert outcome.count.updated == 2
    assert (_stored("live_births"), _stored("infant_deaths")) == (1490.0, 8.0)
    # With its header, the header is still skipped (DHIS2 ignores its words).
    header = "dataelement,period,orgunit,catoptcombo,attroptcombo,value\n"
    outcome = _import(ctx, "dhis2-csv", (header + "live_births,2026,513301,,,1491\n").encode())
    assert outcome.applied
    assert not outcome.conflicts
    assert _stored("live_births") == 1491.0


def test_the_api_answers_with_the_problems_codes_and_null_is_the_explicit_clearing(
    ctx: dict[str, Any],
) -> None:
    _t, raw = api_token_create(user=ctx["clerk"], name="t")

    def post(values: list[dict[str, Any]]) -> Any:
        return Client().post(
            "/api/v1/data-values",
            {"values": values},
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw}"},
        )

    base = {"orgunit": "513301", "year": 2026}
    answer = post(
        [{**base, "element": "live_births", "value": "十"}, {**base, "element": "nope", "value": 1}]
    )
    assert answer.status_code == 422
    assert [e["code"] for e in answer.json()["errors"]] == ["not_a_number", "no_such_element"]
    answer = post([{**base, "element": "live_births", "value": ""}])
    assert answer.status_code == 200
    assert answer.json()["changed"] == 0
    assert _stored("live_births") == 1480.0
    answer = post([{**base, "element": "live_births", "value": None}])
    assert answer.status_code == 200
    assert answer.json()["changed"] == 1
    assert _stored("live_births") is None


def test_an_element_the_year_does_not_ask_is_refused_by_name(ctx: dict[str, Any]) -> None:
    from lianggang.collection.models import DataSet
    from lianggang.framework.models import DataElement, Indicator

    old = DataElement.objects.create(code="zz_old_only", name="ZZ旧纲要指标")
    model = Indicator.objects.filter(target__area__outline__start_year=2011).first()
    assert model is not None
    model.pk, model.code, model.numerator, model.denominator = None, "zz-old", old, None
    model.save()
    DataSet.objects.get(code="annual-health").elements.add(old)
    read = read_csv((TIDY + "zz_old_only,513301,2026,total,5\n").encode())
    (problem,) = import_plan(actor=ctx["clerk"], read=read).problems
    assert problem.code == ErrorCode.NOT_ASKED
    assert "ZZ旧纲要指标" in problem.message
    assert "2026" in problem.message


def test_a_file_without_comments_keeps_the_stored_ones(ctx: dict[str, Any]) -> None:
    datavalues_save(
        actor=ctx["clerk"],
        submission_id=ctx["kangding"].pk,
        entries=[Entry("live_births", "total", 1480, "含流动人口")],
    )
    read = read_csv((TIDY + "live_births,513301,2026,total,1490\n").encode())
    plan = import_plan(actor=ctx["clerk"], read=read)
    assert [(c.old, c.new, c.new_comment) for c in plan.changes] == [(1480.0, 1490.0, "含流动人口")]
    import_apply(actor=ctx["clerk"], plan=plan)
    stored = DataValue.objects.get(
        element__code="live_births", orgunit__code="513301", year=2026, disaggregation="total"
    )
    assert (stored.value, stored.comment) == (1490.0, "含流动人口")
    # The same value without a comment: nothing to change.
    read = read_csv((TIDY + "live_births,513301,2026,total,1490\n").encode())
    assert not import_plan(actor=ctx["clerk"], read=read).changes


def test_a_long_tidy_row_is_refused_not_read_short() -> None:
    read = read_csv((TIDY + "live_births,513301,2026,total,1,234\n").encode())
    (problem,) = read.problems
    assert (problem.code, problem.row) == (ErrorCode.LONG_ROW, 2)
    assert not read.values


def test_a_header_less_dhis2_csv_keeps_a_first_line_of_any_value(ctx: dict[str, Any]) -> None:
    # A first line without a number: a deletion (DHIS2's deleted column), then a quoted 1,490.
    lines = 'infant_deaths,2026,513301,,,,,,,,true\nlive_births,2026,513301,,,"1,490"\n'
    outcome = _import(ctx, "dhis2-csv", lines.encode())
    assert outcome.applied
    assert outcome.count.deleted == 1
    assert (_stored("infant_deaths"), _stored("live_births")) == (None, 1490.0)
