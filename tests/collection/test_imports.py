"""Excel templates and CSV imports: what officers really type is accepted, everything else is
refused with its sheet, row and column, and a refused import changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from lianggang.accounts.models import Role
from lianggang.cli import run
from lianggang.collection.imports import import_apply, import_plan
from lianggang.collection.models import DataValue, DataValueAudit, Round, Submission
from lianggang.collection.services import round_open
from lianggang.collection.workbook import read_csv, read_workbook, template_workbook
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx() -> dict[str, Any]:
    root = get_user_model().objects.create_superuser("opener", "", "a-long-test-password")
    rnd = round_open(actor=root, year=2026, closes_on=dt.date(2027, 4, 30))
    clerk = member("clerk", Role.CLERK, "513300", ["health"])
    subs = (
        Submission.objects.filter(round=rnd, data_set__code="annual-health")
        .select_related("round", "orgunit", "data_set")
        .order_by("orgunit__code")
    )
    return {
        "round": rnd,
        "clerk": clerk,
        "root": root,
        "subs": list(subs),
        "kangding": subs.get(orgunit__code="513301"),
    }


def _fill(content: bytes, values: dict[tuple[str, str], Any], sheet: str | None = None) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    ws = wb[sheet] if sheet else wb.worksheets[1]
    for r in range(4, ws.max_row + 1):
        key = (ws.cell(r, 1).value, ws.cell(r, 2).value)
        if key in values:
            ws.cell(r, 8).value = values[key]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


TYPED = {
    ("live_births", "total"): "1,480",
    ("live_births", "urban"): "７００",
    ("live_births", "rural"): " 780 ",
    ("maternal_deaths", "total"): 0,
    ("neonatal_deaths", "total"): "5",
    ("infant_deaths", "total"): 9,
    ("under5_deaths", "total"): "12",
    ("maternal_deaths", "urban"): "",
}


def _nothing_written() -> bool:
    return (
        not DataValue.objects.filter(year=2026).exists()
        and not DataValueAudit.objects.filter(year=2026).exists()
    )


def test_template_round_trip(ctx: dict[str, Any]) -> None:
    content = _fill(template_workbook([ctx["kangding"]]), TYPED)
    plan = import_plan(
        actor=ctx["clerk"], read=read_workbook(content), submission_id=ctx["kangding"].pk
    )
    assert plan.ok, [str(p) for p in plan.problems]
    got = {(c.element, c.disaggregation): c.new for c in plan.changes}
    assert got == {
        ("live_births", "total"): 1480,
        ("live_births", "urban"): 700,
        ("live_births", "rural"): 780,
        ("maternal_deaths", "total"): 0,
        ("neonatal_deaths", "total"): 5,
        ("infant_deaths", "total"): 9,
        ("under5_deaths", "total"): 12,
    }
    assert all(c.old is None for c in plan.changes)
    assert _nothing_written()
    assert import_apply(actor=ctx["clerk"], plan=plan) == 7
    dv = DataValue.objects.get(
        element__code="maternal_deaths", year=2026, disaggregation="total", orgunit__code="513301"
    )
    assert dv.value == 0
    assert not DataValue.objects.filter(
        element__code="maternal_deaths", year=2026, disaggregation="urban"
    ).exists()
    assert set(DataValueAudit.objects.filter(year=2026).values_list("channel", flat=True)) == {
        "excel"
    }
    again = _fill(template_workbook([ctx["kangding"]]), {("live_births", "total"): 1500})
    plan2 = import_plan(
        actor=ctx["clerk"], read=read_workbook(again), submission_id=ctx["kangding"].pk
    )
    assert [(c.old, c.new) for c in plan2.changes] == [(1480, 1500)]


def test_department_workbook_covers_all_its_org_units(ctx: dict[str, Any]) -> None:
    content = template_workbook(ctx["subs"])
    wb = load_workbook(io.BytesIO(content))
    assert len(wb.sheetnames) == 19  # meta + 18 counties
    assert wb["meta"].sheet_state == "veryHidden"
    filled = _fill(
        _fill(content, {("live_births", "total"): 100}, "康定市"),
        {("live_births", "total"): 200},
        "泸定县",
    )
    plan = import_plan(actor=ctx["clerk"], read=read_workbook(filled))
    assert plan.ok
    assert sorted((c.orgunit, c.new) for c in plan.changes) == [("康定市", 100), ("泸定县", 200)]


def _problems(ctx: dict[str, Any], content: bytes, **kw: Any) -> list[str]:
    plan = import_plan(
        actor=ctx["clerk"], read=read_workbook(content, **kw), submission_id=ctx["kangding"].pk
    )
    assert not plan.ok
    assert _nothing_written()
    return [str(p) for p in plan.problems]


def test_text_in_a_number_cell(ctx: dict[str, Any]) -> None:
    content = _fill(
        template_workbook([ctx["kangding"]]), {**TYPED, ("infant_deaths", "total"): "九"}
    )
    (message,) = _problems(ctx, content)
    assert "工作表“康定市”" in message
    assert "列 H" in message
    assert "应为数字" in message
    assert "九" in message
    assert "行" in message


def test_negative_and_fractional_counts(ctx: dict[str, Any]) -> None:
    content = _fill(
        template_workbook([ctx["kangding"]]),
        {("infant_deaths", "total"): -1, ("live_births", "total"): 12.5},
    )
    messages = sorted(_problems(ctx, content))
    assert len(messages) == 2
    # The grid's check and its messages: one checker for every way in.
    assert any("不能为负数（-1）" in m for m in messages)
    assert any("应为整数，实际为 12.5" in m for m in messages)


def test_a_tampered_code(ctx: dict[str, Any]) -> None:
    wb = load_workbook(io.BytesIO(template_workbook([ctx["kangding"]])))
    wb.worksheets[1].cell(5, 1).value = "preschool_enrolled"
    buf = io.BytesIO()
    wb.save(buf)
    (message,) = _problems(ctx, buf.getvalue())
    assert "隐藏代码" in message
    assert "康定市" in message


def test_a_template_of_another_org_unit(ctx: dict[str, Any]) -> None:
    luding = next(s for s in ctx["subs"] if s.orgunit.code == "513322")
    content = _fill(template_workbook([luding]), TYPED)
    messages = _problems(ctx, content)
    assert "513322" in messages[0]
    assert "不属于本填报" in messages[0]


def test_a_template_of_another_data_set(ctx: dict[str, Any]) -> None:
    other = Submission.objects.get(
        round=ctx["round"], data_set__code="annual-education", orgunit__code="513301"
    )
    (message,) = _problems(ctx, template_workbook([other]))
    assert "其他数据集" in message
    assert "annual-education" in message


def test_a_template_of_another_year(ctx: dict[str, Any]) -> None:
    rnd = round_open(actor=ctx["root"], year=2027, closes_on=dt.date(2028, 4, 30))
    sub27 = Submission.objects.get(
        round=rnd, data_set__code="annual-health", orgunit__code="513301"
    )
    (message,) = _problems(ctx, template_workbook([sub27]))
    assert "2027" in message
    assert "2026" in message


def test_a_formula_without_a_saved_result(ctx: dict[str, Any]) -> None:
    content = _fill(template_workbook([ctx["kangding"]]), {("live_births", "total"): "=700+780"})
    (message,) = _problems(ctx, content)
    assert "=700+780" in message
    assert "公式" in message


def test_not_a_workbook_and_too_big(ctx: dict[str, Any]) -> None:
    assert "不是 Excel" in _problems(ctx, b"series,year\n1,2\n")[0]
    assert "不是 Excel" in _problems(ctx, b"PK\x03\x04 broken zip")[0]
    content = template_workbook([ctx["kangding"]])
    assert "上限" in _problems(ctx, content, max_bytes=1000)[0]


def test_a_locked_submission_takes_nothing(ctx: dict[str, Any]) -> None:
    sub = ctx["kangding"]
    sub.state = "approved"
    sub.save()
    content = _fill(template_workbook([sub]), TYPED)
    plan = import_plan(actor=ctx["clerk"], read=read_workbook(content))
    assert not plan.ok
    assert "锁定" in str(plan.problems[0])
    assert _nothing_written()


def test_csv_import_from_the_command_line(ctx: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "values.csv"
    path.write_text(
        "data_element,orgunit,year,disaggregation,value\n"
        'live_births,513301,2026,total,"1,480"\n'
        "neonatal_deaths,513301,2026,total,5\n"
        "live_births,513322,2026,total,900\n",
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    assert run(["import", "values", str(path), "--user", "clerk", "--dry-run"], out, err) == 0
    assert "康定市" in out.getvalue()
    assert "— → 1480" in out.getvalue()
    assert _nothing_written()
    out, err = io.StringIO(), io.StringIO()
    assert run(["import", "values", str(path), "--user", "clerk"], out, err) == 0, err.getvalue()
    assert DataValue.objects.filter(year=2026).count() == 3
    assert set(DataValueAudit.objects.filter(year=2026).values_list("channel", flat=True)) == {
        "cli"
    }


def test_one_bad_csv_row_refuses_the_whole_file(ctx: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "values.csv"
    path.write_text(
        "data_element,orgunit,year,disaggregation,value\n"
        "live_births,513301,2026,total,1480\n"
        "preschool_enrolled,513301,2026,total,50\n"
        "live_births,513301,2025,urban,10\n"
        "no_such_element,513301,2026,total,1\n",
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    assert run(["import", "values", str(path), "--user", "clerk"], out, err) == 1
    text = err.getvalue()
    assert "第 3 行" in text
    assert "第 4 行" in text
    assert "第 5 行" in text
    assert "no_such_element" in text
    assert _nothing_written()
    assert Round.objects.get(year=2026).state == "open"


def test_read_csv_reports_a_missing_column() -> None:
    result = read_csv(b"orgunit,year,value\n513301,2026,1\n")
    assert "data_element" in str(result.problems[0])


def test_the_preview_shows_what_the_checks_will_find(ctx: dict[str, Any]) -> None:
    content = _fill(template_workbook([ctx["kangding"]]), {**TYPED, ("infant_deaths", "total"): 3})
    plan = import_plan(
        actor=ctx["clerk"], read=read_workbook(content), submission_id=ctx["kangding"].pk
    )
    assert plan.ok
    keys = {f.key for _unit, f in plan.findings}
    assert "rule:neonatal-le-infant-deaths" in keys
    assert {unit for unit, _f in plan.findings} == {"康定市"}
    assert _nothing_written()


def test_the_command_line_needs_a_known_user(ctx: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "values.csv"
    path.write_text(
        "data_element,orgunit,year,disaggregation,value\nlive_births,513301,2026,total,1480\n",
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    assert run(["import", "values", str(path), "--user", "nobody"], out, err) == 2
    assert "--user" in err.getvalue()
    # Without --user, the only administrator ("opener") is used.
    out, err = io.StringIO(), io.StringIO()
    assert run(["import", "values", str(path)], out, err) == 0, err.getvalue()
    assert DataValueAudit.objects.get(year=2026).actor.username == "opener"
