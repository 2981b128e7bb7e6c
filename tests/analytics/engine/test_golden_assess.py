"""Golden cases: `lianggang assess` on each input must give the hand-written expected output."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from lianggang.analytics.engine.tidy import OUTPUT_COLUMNS
from lianggang.cli import run

CASES = sorted((Path(__file__).parent / "golden" / "assess").glob("*/"))


def _matches(expected: str, actual: str) -> bool:
    if expected == "*":
        return True
    if expected == "" or actual == "":
        return expected == actual
    try:
        e = Decimal(expected)
    except ArithmeticError:
        return expected == actual
    exponent = e.as_tuple().exponent
    assert isinstance(exponent, int)
    places = -exponent if exponent < 0 else 0
    tolerance = Decimal(5) / Decimal(10) ** (places + 1)
    return abs(Decimal(actual) - e) <= tolerance


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case(case: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run(["assess", str(case / "input.csv")], out, err) == 0, err.getvalue()
    actual = list(csv.DictReader(io.StringIO(out.getvalue())))
    with (case / "expected.csv").open(encoding="utf-8") as f:
        expected = list(csv.DictReader(f))
    assert [r["series"] for r in actual] == [r["series"] for r in expected]
    for a, e in zip(actual, expected, strict=True):
        wrong = {c: (e[c], a[c]) for c in OUTPUT_COLUMNS if not _matches(e[c], a[c])}
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
