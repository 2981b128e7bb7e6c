"""Golden cases: `lianggang assess` on each input must give the hand-written expected output.

A case whose folder holds ``expected_error.txt`` must be refused instead: exit status 1 and a
message containing that text (the series and the year).
"""

import csv
import io
from pathlib import Path

import pytest
from django.utils import translation

from lianggang.analytics.engine.tidy import OUTPUT_COLUMNS
from lianggang.cli import run

from .goldens import matches

CASES = sorted((Path(__file__).parent / "golden" / "assess").glob("*/"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, err = io.StringIO(), io.StringIO()
    refusal = case / "expected_error.txt"
    monkeypatch.setenv("LIANGGANG_LANGUAGE", "en")  # the refusals are written in English
    try:
        code = run(["assess", str(case / "input.csv")], out, err)
    finally:
        translation.deactivate()
    if refusal.exists():
        assert code == 1, out.getvalue()
        assert refusal.read_text(encoding="utf-8").strip() in err.getvalue()
        assert out.getvalue() == ""  # nothing half written
        return
    assert code == 0, err.getvalue()
    actual = list(csv.DictReader(io.StringIO(out.getvalue())))
    with (case / "expected.csv").open(encoding="utf-8") as f:
        expected = list(csv.DictReader(f))
    assert [r["series"] for r in actual] == [r["series"] for r in expected]
    for a, e in zip(actual, expected, strict=True):
        assert set(OUTPUT_COLUMNS) <= set(e), f"{case.name}: expected.csv lacks columns"
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


# Each decision of docs/methodology.md §三, 规范 3c and the golden case that shows it.
DECISIONS_3C = {
    "window with the baseline year": "19_3c_window_keeps_the_baseline_year",
    "comparison at the published precision, rounding exactly, without decimals": (
        "20_3c_published_precision_at_the_target_line"
    ),
    "only exact 0 / 100 moved at the scales' edges": "21_3c_small_values_are_not_raised_to_an_edge",
    "out-of-domain values refused (logit)": "22_3c_out_of_domain_logit_refused",
    "out-of-domain values refused (log)": "23_3c_negative_on_log_refused",
    "count kind needs its events": "24_3c_count_kind_needs_its_events",
    "lost for counts only after a year of 20 events": "25_3c_lost_only_after_a_year_of_20_events",
    "target year reached or passed": "26_3c_target_year_reached_or_passed",
    "Theil-Sen for value series of 5 points or more": (
        "27_3c_one_outlying_year_does_not_decide_the_trend"
    ),
    "around targets: dead band, band without factor, year met": (
        "28_3c_around_target_dead_band_and_blank_factor"
    ),
    "pooled values dated inside their data, shown beside the single year": (
        "29_3c_pooled_value_dated_inside_its_data"
    ),
    "prediction interval and chance of meeting": "30_3c_prediction_interval_and_chance",
    "target at the scale's bound": "31_3c_target_at_the_scale_bound",
}


def test_every_3c_decision_has_its_golden_case() -> None:
    # The last decision, directional targets in the scorecards, has its titled case in
    # test_scorecard.py (test_3c_directional_targets_count_as_achieved_when_they_improve).
    names = {c.name for c in CASES}
    assert set(DECISIONS_3C.values()) <= names
    assert {n for n in names if "_3c_" in n} == set(DECISIONS_3C.values())
