"""Golden cases: `lianggang assess` on each input must give the hand-written expected output."""

import csv
import io
from pathlib import Path

import pytest

from lianggang.analytics.engine.tidy import OUTPUT_COLUMNS
from lianggang.cli import run

from .goldens import matches

CASES = sorted((Path(__file__).parent / "golden" / "assess").glob("*/"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case(case: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run(["assess", str(case / "input.csv")], out, err) == 0, err.getvalue()
    actual = list(csv.DictReader(io.StringIO(out.getvalue())))
    with (case / "expected.csv").open(encoding="utf-8") as f:
        expected = list(csv.DictReader(f))
    assert [r["series"] for r in actual] == [r["series"] for r in expected]
    for a, e in zip(actual, expected, strict=True):
        wrong = {c: (e[c], a[c]) for c in OUTPUT_COLUMNS if not matches(e[c], a[c])}
        assert not wrong, f"{case.name}: expected vs actual {wrong}"


def test_there_are_golden_cases_for_every_method_case() -> None:
    names = {c.name.split("_")[2] for c in CASES if "_method_" in c.name}
    assert names == {
        "case1",
        "case2",
        "case3",
        "case4",
        "case5",
        "case7",
        "case8",
        "case9",
        "case11",
    }
