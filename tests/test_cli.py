import argparse
import csv
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from lianggang import cli
from lianggang.cli import run
from lianggang.cli.registry import COMMANDS

GOLDEN = Path(__file__).parent / "analytics" / "engine" / "golden" / "assess"


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def test_assess_runs_as_an_installed_command(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    exe = Path(sys.executable).with_name("lianggang")
    proc = subprocess.run(
        [
            str(exe),
            "assess",
            str(GOLDEN / "03_method_case3_maternal_mortality_count_on_track" / "input.csv"),
            "-o",
            str(target),
        ],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ | {"LIANGGANG_LANGUAGE": "en"},
    )
    assert proc.returncode == 0, proc.stderr
    (row,) = csv.DictReader(target.open(encoding="utf-8"))
    assert (row["status"], row["year_met"]) == ("ON_TRACK", "2030")


def test_assess_reports_the_row_and_column_of_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "series,year,value,direction,target,target_year\n"
        "a,2020,70,>=,90,2030\n"
        "a,2022,七十,>=,90,2030\n",
        encoding="utf-8",
    )
    code, out, err = _run("assess", str(path))
    assert code == 1
    assert out == ""
    assert "第 3 行" in err
    assert "value" in err
    assert "七十" in err


@pytest.mark.django_db
def test_export_indicators_prefecture_equals_sum_of_counties() -> None:
    code, out, _err = _run("export", "indicators", "--outline", "children-2021", "--year", "2024")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "indicator",
        "orgunit",
        "year",
        "value",
        "numerator",
        "denominator",
        "ci_low",
        "ci_high",
        "note",
    ]
    assert {r["note"] for r in rows} == {"演示数据，非官方统计"}
    imr = [r for r in rows if r["indicator"] == "c21-imr"]
    pref = next(r for r in imr if r["orgunit"] == "513300")
    counties = [r for r in imr if r["orgunit"] != "513300"]
    assert len(counties) == 18
    n = sum(float(r["numerator"]) for r in counties)
    d = sum(float(r["denominator"]) for r in counties)
    assert float(pref["numerator"]) == n
    assert float(pref["denominator"]) == d
    assert float(pref["value"]) == pytest.approx(n / d * 1000)


@pytest.mark.django_db
def test_export_values_and_assessments_for_one_county(tmp_path: Path) -> None:
    code, out, _ = _run(
        "export", "values", "--outline", "women-2021", "--year", "2023", "--orgunit", "513301"
    )
    rows: list[dict[str, Any]] = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert {r["orgunit"] for r in rows} == {"513301"}
    assert list(rows[0])[:5] == ["data_element", "orgunit", "year", "disaggregation", "value"]
    assert {"maternal_deaths", "live_births"} <= {r["data_element"] for r in rows}
    target = tmp_path / "a.xlsx"
    code, _, _ = _run(
        "export",
        "assessments",
        "--outline",
        "women-2021",
        "--year",
        "2025",
        "--format",
        "xlsx",
        "-o",
        str(target),
    )
    assert code == 0
    sheet = load_workbook(target)["data"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:5] == ["indicator", "orgunit", "year", "status", "substatus"]
    assert {"value_used", "single_value", "projected_low", "projected_high"} <= set(header)
    assert header[-3:] == ["chance_of_meeting", "year_met", "note"]
    assert sheet.max_row == 27 * 19 + 1
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    chances = [r["chance_of_meeting"] for r in rows if r["chance_of_meeting"] is not None]
    assert chances
    assert all(0 <= c <= 1 for c in chances)
    on_track = [r for r in rows if r["status"] == "ON_TRACK" and r["chance_of_meeting"] is not None]
    assert on_track
    assert all(r["chance_of_meeting"] >= 0.5 for r in on_track)


@pytest.mark.django_db
def test_export_refuses_unknown_codes() -> None:
    code, _, err = _run("export", "values", "--outline", "women-2099", "--year", "2023")
    assert code == 2
    assert "women-2021" in err
    code, _, err = _run(
        "export", "values", "--outline", "women-2021", "--year", "2023", "--orgunit", "999999"
    )
    assert code == 2
    assert "999999" in err


def test_every_registered_command_is_in_the_parser_in_the_declared_order() -> None:
    parser = cli._parser()
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert list(sub.choices) == list(cli.ORDER)
    assert set(COMMANDS) == set(cli.ORDER) == cli.OWN_COMMANDS
    helps = {a.dest: a.help for a in sub._choices_actions}
    for name, command in COMMANDS.items():
        assert sub.choices[name].prog == f"lianggang {name}"
        assert helps[name] == command.help
    assert "{" + ",".join(cli.ORDER) + "}" in parser.format_help()


def test_the_parser_is_built_before_django_is_set_up() -> None:
    code = (
        "import sys\n"
        "from lianggang import cli\n"
        "cli._parser().parse_args(['export', 'values', '--outline', 'x', '--year', '1'])\n"
        "from django.apps import apps\n"
        "from django.conf import settings\n"
        "assert not apps.ready and not settings.configured\n"
        "assert not [m for m in sys.modules if m.endswith('.models')], sys.modules\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
