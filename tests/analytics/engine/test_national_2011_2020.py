"""The 2011–2020 national series judged as of 2020 agree with the National Bureau of Statistics'
final evaluation of the outlines (统计监测报告, December 2021).

The series are those of ``data/reference/national_2011_2020.csv`` (the shared reference file,
with its sources); the NBS verdicts below are written from the final reports themselves, not
from the engine: a target is achieved (已实现) when its 2020 value reaches it.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from lianggang.analytics.engine.assess import Observation, Rule, Status, Substatus, assess

REFERENCE = (
    Path(__file__).resolve().parents[3]
    / "src"
    / "lianggang"
    / "data"
    / "reference"
    / "national_2011_2020.csv"
)

# Every quantitative 2011–2020 target of the file whose target and 2020 value are sourced ([S]),
# with NBS's final verdict (True: achieved).
NBS_FINAL = {
    "孕产妇死亡率": True,  # 16.9/10万, target ≤ 20
    "高等教育毛入学率": True,  # 54.4 %, target ≥ 40
    "女性就业人员占全社会就业人员比重": True,  # 43.5 %, target ≥ 40
    "村委会成员中女性比例": False,  # 24.2 %, target ≥ 30: not reached
    "婴儿死亡率": True,  # 5.4‰, target < 10
    "5岁以下儿童死亡率": True,  # 7.5‰, target < 13
    "学前三年毛入园率": True,  # 85.2 %, target ≥ 70
    "九年义务教育巩固率": True,  # 95.2 %, target ≥ 95
}
# Directional indicators (no numeric target) NBS reports as improved over 2010–2020.
NBS_IMPROVED = {"女性人均预期寿命", "严重致残出生缺陷发生率", "女性文盲率 (15+)"}

NUMBER = re.compile(r"^\s*(-?\d+(?:\.(\d+))?)")
SCALES = {"%": "logit", "岁": "linear", "年": "linear"}


def _rows() -> dict[str, dict[str, str]]:
    with REFERENCE.open(encoding="utf-8") as f:
        return {r["indicator"]: r for r in csv.DictReader(f)}


def _number(text: str) -> tuple[float, int] | None:
    """A plain published number and its decimals ("6.2(approx)" → 6.2, 1); None for a blank, a
    pair ("98 / 96") or a value of another year in brackets ("(2018: 75.5)")."""
    if not text or "/" in text or text.lstrip().startswith("("):
        return None
    m = NUMBER.match(text)
    if m is None:
        return None
    return float(m.group(1)), len(m.group(2) or "")


def _judge(row: dict[str, str]) -> tuple[Status, Substatus]:
    observations, decimals = [], 0
    for year in (2010, 2015, 2020):
        parsed = _number(row[f"value_{year}"])
        if parsed is not None:
            observations.append(Observation(year, parsed[0]))
            decimals = max(decimals, parsed[1])
    direction = {"<": "<=", "<=": "<=", ">=": ">=", "up": "up", "down": "down"}[row["direction"]]
    target = _number(row["target_2020"])
    rule = Rule(
        direction=direction,
        target=target[0] if target else None,
        target_year=2020,
        baseline_year=2010,
        scale=SCALES.get(row["unit"], "log"),
        unit=row["unit"],
        decimals=decimals,
    )
    j = assess(observations, rule, as_of=2020)
    return j.status, j.substatus


@pytest.mark.parametrize("indicator", sorted(NBS_FINAL))
def test_quantitative_targets_agree_with_the_nbs_final_evaluation(indicator: str) -> None:
    row = _rows()[indicator]
    assert row["conf"].startswith("[S]"), "only sourced rows are compared"
    status, substatus = _judge(row)
    assert (status == Status.ACHIEVED) == NBS_FINAL[indicator], (indicator, status, substatus)


def test_every_sourced_quantitative_target_with_a_2020_value_is_compared() -> None:
    sourced = {
        name
        for name, r in _rows().items()
        if r["direction"] in ("<", "<=", ">=")
        and _number(r["target_2020"]) is not None
        and _number(r["value_2020"]) is not None
        and r["conf"].startswith("[S]")
        and "[M" not in r["target_2020"] + r["value_2020"]
    }
    assert sourced == set(NBS_FINAL)


@pytest.mark.parametrize("indicator", sorted(NBS_IMPROVED))
def test_directional_indicators_improved_over_the_outline(indicator: str) -> None:
    # The window keeps the 2010 baseline (§3c): without it, these would have one point.
    status, substatus = _judge(_rows()[indicator])
    assert status == Status.NO_TARGET
    assert substatus in (
        Substatus.STRONG_IMPROVEMENT,
        Substatus.MODERATE_IMPROVEMENT,
        Substatus.LIMITED_IMPROVEMENT,
    )
