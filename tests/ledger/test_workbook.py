"""The ledger's Excel template and its import: every row checked, row-level errors, nothing
saved unless every row of every sheet is right."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from lianggang.ledger.models import (
    Activity,
    Decision,
    Family,
    FamilyAward,
    Honour,
    RightsCase,
)
from lianggang.ledger.services import rights_case_reveal
from lianggang.ledger.workbook import FIRST_ROW, SHEETS, ledger_import, ledger_template

pytestmark = pytest.mark.django_db


def _filled(rows: dict[str, list[list[Any]]]) -> bytes:
    """The template with rows typed into the sheets named by key."""
    wb = load_workbook(io.BytesIO(ledger_template()))
    for spec, ws in zip(SHEETS, wb.worksheets, strict=True):
        for i, row in enumerate(rows.get(spec.key, [])):
            for j, value in enumerate(row, start=1):
                ws.cell(FIRST_ROW + i, j, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD: dict[str, list[list[Any]]] = {
    "activities": [
        ["513301", "实用技能培训", "藏绣培训", "2024-03-08", "康定市妇联", 2, 60, 58, 0, 0, 0, ""],
        ["泸定县", "宣讲", "巾帼宣讲", dt.date(2024, 3, 9), "", 1, 120, 70, "", "1,200", "", ""],
    ],
    "honours": [["513301", "三八红旗手", "县级", "2024-03-08", "卓玛", ""]],
    "families": [
        [
            "513301",
            "扎西家庭",
            "康定市一村",
            "2024-03-01",
            "县级",
            "2024-03-01",
            "当选",
            "2024-04-01",
        ],
        ["513301", "扎西家庭", "康定市一村", "2024-03-01", "省级", "2024-04-10", "", ""],
        [
            "513301",
            "扎西家庭",
            "康定市一村",
            "2024-03-01",
            "市（州）级",
            "2024-04-02",
            "当选",
            "2024-04-09",
        ],
    ],
}


def test_the_template_has_a_sheet_per_record_type_with_codes_headers_and_hints() -> None:
    wb = load_workbook(io.BytesIO(ledger_template()))
    assert wb.sheetnames == ["活动", "项目资金", "阵地组织", "荣誉", "最美家庭", "维权案件", "救助"]
    ws = wb["活动"]
    assert [c.value for c in ws[1]][:3] == ["orgunit", "kind", "title"]
    assert ws.row_dimensions[1].hidden
    assert ws.cell(2, 4).value == "日期*"
    assert "实用技能培训" in ws.cell(3, 2).value
    assert ws.cell(3, 4).value == "日期，YYYY-MM-DD"


def test_a_dry_run_checks_everything_and_writes_nothing(people: dict[str, Any]) -> None:
    before = Activity.objects.count()
    result = ledger_import(actor=people["officer"], content=_filled(GOOD), dry_run=True)
    assert result.ok, [str(p) for p in result.problems]
    assert result.counts == {"activities": 2, "honours": 1, "families": 3}
    assert not result.applied
    assert Activity.objects.count() == before


def test_a_good_file_is_imported_whole(people: dict[str, Any]) -> None:
    result = ledger_import(actor=people["officer"], content=_filled(GOOD))
    assert result.applied
    lecture = Activity.objects.get(title="巾帼宣讲")
    assert (lecture.orgunit.code, lecture.kind, lecture.funds_yuan) == (
        "513322",
        "lecture",
        Decimal("1200.00"),
    )
    assert lecture.created_by == people["officer"]
    family = Family.objects.get(name="扎西家庭")
    assert {(a.level, a.decision) for a in family.awards.all()} == {
        ("county", Decision.SELECTED),
        ("prefecture", Decision.SELECTED),
        ("provincial", Decision.PENDING),
    }
    assert Honour.objects.filter(recipient="卓玛", title="red_banner_person").exists()


def test_one_bad_cell_and_nothing_is_imported(people: dict[str, Any]) -> None:
    bad: dict[str, list[list[Any]]] = {
        **GOOD,
        "activities": [
            GOOD["activities"][0],
            ["513301", "宣讲", "巾帼宣讲", "2024-13-01", "", "两", 10, 20, "", "", "", ""],
        ],
    }
    before = (Activity.objects.count(), Honour.objects.count(), Family.objects.count())
    result = ledger_import(actor=people["officer"], content=_filled(bad))
    assert not result.applied
    messages = [str(p) for p in result.problems]
    assert "工作表“活动”，第 5 行，“日期*”列：应为日期（YYYY-MM-DD），实为“2024-13-01”" in messages
    assert "工作表“活动”，第 5 行，“期（场）数*”列：应为整数，实为“两”" in messages
    assert before == (Activity.objects.count(), Honour.objects.count(), Family.objects.count())


def test_rules_across_fields_and_levels_are_row_errors(people: dict[str, Any]) -> None:
    bad: dict[str, list[list[Any]]] = {
        "activities": [["513301", "宣讲", "巾帼宣讲", "2024-03-01", "", 1, 10, 20, "", "", "", ""]],
        "families": [
            ["513301", "格桑家庭", "", "2024-03-01", "县级", "2024-03-01", "未当选", "2024-04-01"],
            ["513301", "格桑家庭", "", "2024-03-01", "市（州）级", "2024-04-02", "", ""],
        ],
    }
    messages = [
        str(p) for p in ledger_import(actor=people["officer"], content=_filled(bad)).problems
    ]
    assert "工作表“活动”，第 4 行：其中妇女人次不能超过参与人次" in messages
    assert "工作表“最美家庭”，第 5 行，“层级*”列：未在下一级当选，不能推荐到此层级" in messages


def test_units_outside_the_scope_and_unknown_values_are_named(people: dict[str, Any]) -> None:
    bad: dict[str, list[list[Any]]] = {
        "activities": [
            ["513322", "宣讲", "巾帼宣讲", "2024-03-01", "", 1, 10, 5, "", "", "", ""],
            ["999999", "讲座", "x", "2024-03-01", "", 1, 10, 5, "", "", "", ""],
        ]
    }
    messages = [
        str(p) for p in ledger_import(actor=people["kd_officer"], content=_filled(bad)).problems
    ]
    assert "工作表“活动”，第 4 行：泸定县 不在您的权限范围内。" in messages
    assert "工作表“活动”，第 5 行，“行政区划*”列：没有唯一的单位代码或名称为“999999”" in messages
    assert any(
        m.startswith("工作表“活动”，第 5 行，“类型*”列：应为 实用技能培训／") for m in messages
    )


def test_cases_are_imported_encrypted_for_their_workers(people: dict[str, Any]) -> None:
    rows = {
        "cases": [
            [
                "513301",
                "2024-02-01",
                "12338热线",
                "家庭暴力",
                "央金",
                "13900000000",
                "",
                "",
                "情况",
                "",
                "",
                "是",
                "fl_supervisor",
                "kd_worker",
            ]
        ]
    }
    result = ledger_import(actor=people["officer"], content=_filled(rows))
    assert result.applied, [str(p) for p in result.problems]
    case = RightsCase.objects.defer("applicant_name").get(received_on=dt.date(2024, 2, 1))
    assert set(case.workers.values_list("username", flat=True)) == {"kd_worker", "fl_officer"}
    assert case.protection_order
    data = rights_case_reveal(actor=people["worker"], case_id=case.pk, purpose="接案")
    assert data["applicant_name"] == "央金"
    # A case worker may import cases; a leader may import nothing.
    assert not ledger_import(actor=people["leader"], content=_filled(rows)).ok


def test_files_that_are_not_the_template_are_refused(people: dict[str, Any]) -> None:
    result = ledger_import(actor=people["officer"], content=b"not a workbook")
    assert not result.applied
    assert str(result.problems[0]).startswith("工作表“”") is False or result.problems
    empty = ledger_import(actor=people["officer"], content=_filled({}))
    assert [p.message for p in empty.problems] == ["工作簿中没有记录。"]


def test_family_awards_in_the_file_need_unique_levels(people: dict[str, Any]) -> None:
    rows = {"families": [GOOD["families"][0], GOOD["families"][0]]}
    result = ledger_import(actor=people["officer"], content=_filled(rows))
    assert [str(p) for p in result.problems] == [
        "工作表“最美家庭”，第 5 行，“层级*”列：该家庭在此层级已有一行（第4行）"
    ]
    assert not FamilyAward.objects.filter(family__name="扎西家庭").exists()
