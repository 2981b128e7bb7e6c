"""`lianggang ledger`: the template, an import (dry run, then for real), the period summary in
Word and HTML, a new key and re-keying."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document as Docx
from openpyxl import load_workbook

from lianggang.cli import run
from lianggang.ledger.models import Activity
from lianggang.ledger.workbook import FIRST_ROW

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def test_template_then_import(tmp_path: Path, people: dict[str, Any]) -> None:
    template = tmp_path / "ledger.xlsx"
    assert _run("ledger", "template", "-o", str(template))[0] == 0
    wb = load_workbook(template)
    ws = wb["活动"]
    for j, v in enumerate(
        ["513301", "宣讲", "CLI宣讲", "2024-03-08", "", 3, 300, 200, 0, 0, 0, ""], start=1
    ):
        ws.cell(FIRST_ROW, j, v)
    wb.save(template)
    code, out, err = _run("ledger", "import", str(template), "--dry-run", "--user", "fl_officer")
    assert (code, err) == (0, "")
    assert "活动\t1" in out
    assert not Activity.objects.filter(title="CLI宣讲").exists()
    code, out, _err = _run("ledger", "import", str(template), "--user", "fl_officer")
    assert code == 0
    assert "已导入 1 条记录" in out
    assert Activity.objects.get(title="CLI宣讲").sessions == 3
    ws.cell(FIRST_ROW, 6, "three")
    wb.save(template)
    code, _out, err = _run("ledger", "import", str(template), "--user", "fl_officer")
    assert code == 1
    assert "ledger.xlsx: 工作表“活动”，第 4 行，“期（场）数*”列：应为整数，实为“three”" in err
    assert "共 1 个问题，未导入任何数据。" in err


def test_summary_in_word_and_html(tmp_path: Path) -> None:
    docx_path, html_path = tmp_path / "s.docx", tmp_path / "s.html"
    period = ["--orgunit", "513300", "--from", "2017-06-01", "--to", "2022-05-31"]
    assert _run("ledger", "summary", *period, "--format", "docx", "-o", str(docx_path))[0] == 0
    assert _run("ledger", "summary", *period, "--format", "html", "-o", str(html_path))[0] == 0
    text = "\n".join(p.text for p in Docx(str(docx_path)).paragraphs)
    assert "甘孜藏族自治州妇联工作成效汇总" in text
    assert "一、组织建设" in text
    assert "全州妇女之家达" in text
    html = html_path.read_text(encoding="utf-8")
    assert "演示数据，非官方统计" in html
    assert "附表：各项数字的记录来源" in html


def test_summary_needs_a_period(tmp_path: Path) -> None:
    code, _out, err = _run("ledger", "summary", "--from", "2022-01-01", "-o", "x.docx")
    assert code == 2
    assert "--from YYYY-MM-DD --to YYYY-MM-DD" in err
    code, _out, err = _run(
        "ledger", "summary", "--from", "2022-01-01", "--to", "2021-01-01", "-o", "x.docx"
    )
    assert code == 2


def test_a_new_key_and_rekeying(settings: Any) -> None:
    code, out, _err = _run("ledger", "newkey")
    key = out.strip()
    assert code == 0
    assert len(key) == 44
    settings.LIANGGANG_LEDGER_KEYS = [key, *settings.LIANGGANG_LEDGER_KEYS]
    code, out, _err = _run("ledger", "rekey")
    assert code == 0
    assert "重新加密" in out
    settings.LIANGGANG_LEDGER_KEYS = [key]
    from lianggang.ledger.models import RightsCase

    case = RightsCase.objects.filter(is_demo=True).first()
    assert case is not None
    assert case.applicant_name.endswith("（演示）")
