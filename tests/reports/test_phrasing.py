"""The reports' sentence rules, case by case, in the bureau's Chinese (and once in English)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from lianggang.reports.phrasing import (
    Figure,
    change,
    data_sentence,
    finding,
    number,
    target_sentence,
)

MMR = Figure("孕产妇死亡率", "1/10万", 1, "<=")
HOSPITAL = Figure("住院分娩率", "%", 1, ">=")
IMR = Figure("婴儿死亡率", "‰", 1, "<=")
LIFE = Figure("女性人均预期寿命", "岁", 1, ">=")
TRAINED = Figure("参训妇女人数", "人", 0, "up")
AROUND = Figure("就业人员中女性比例", "%", 1, "~")


@pytest.fixture(autouse=True)
def _chinese() -> Iterator[None]:
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize(
    ("x", "decimals", "text"),
    [
        (14.3, 1, "14.3"),
        (2.25, 1, "2.3"),  # half away from zero, as statistical tables round
        (14.349999, 1, "14.3"),
        (-0.04, 1, "0.0"),
        (-1.25, 1, "-1.3"),
        (1480.0, 0, "1480"),
        (0.855, 2, "0.86"),
    ],
)
def test_numbers_at_the_figures_precision(x: float, decimals: int, text: str) -> None:
    assert number(x, decimals) == text


@pytest.mark.parametrize(
    ("fig", "previous", "current", "text"),
    [
        # Rates per 100 000 change by a relative %.
        (MMR, 15.1, 14.3, "比上年下降5.3%"),
        (MMR, 14.3, 15.1, "比上年上升5.6%"),
        # Percentages by percentage points, per-mille figures by per-mille points.
        (HOSPITAL, 88.5, 89.7, "比上年提高1.2个百分点"),
        (HOSPITAL, 89.7, 88.5, "比上年下降1.2个百分点"),
        (IMR, 5.4, 4.9, "比上年下降0.5个千分点"),
        (IMR, 4.9, 5.4, "比上年上升0.5个千分点"),
        # Counts by a relative %; figures in a unit of their own by the difference in it.
        (TRAINED, 1200, 1260, "比上年增长5.0%"),
        (TRAINED, 1260, 1200, "比上年下降4.8%"),
        (LIFE, 76.2, 76.5, "比上年提高0.3岁"),
        (LIFE, 76.5, 76.2, "比上年下降0.3岁"),
        # Unchanged at the precision shown: 持平.
        (HOSPITAL, 90.02, 90.04, "与上年持平"),
        (MMR, 14.30, 14.305, "与上年持平"),
        (TRAINED, 1000, 1000.4, "与上年持平"),
        # No previous year, or a relative change from zero: nothing said.
        (MMR, None, 14.3, None),
        (TRAINED, 0, 12, None),
    ],
)
def test_change_on_the_previous_year(
    fig: Figure, previous: float | None, current: float, text: str | None
) -> None:
    assert change(previous, current, fig) == text


def test_data_sentence_with_change_and_splits() -> None:
    text = data_sentence(2024, MMR, 14.3, 15.1, [("城镇", 12.0), ("农村", 16.54)])
    level = "2024年，孕产妇死亡率为14.3/10万，比上年下降5.3%。"
    assert text == level + "其中，城镇为12.0/10万，农村为16.5/10万。"


def test_data_sentence_without_a_previous_year() -> None:
    assert data_sentence(2021, HOSPITAL, 97.04, None) == "2021年，住院分娩率为97.0%。"


def test_data_sentence_unchanged() -> None:
    assert data_sentence(2024, HOSPITAL, 90.04, 90.02) == "2024年，住院分娩率为90.0%，与上年持平。"


@pytest.mark.parametrize(
    ("status", "latest_year", "year_met", "text"),
    [
        ("ACHIEVED", 2024, 2022, "提前实现《纲要》“降至12/10万以下”的目标。"),
        ("ACHIEVED", 2030, 2029, "已实现《纲要》“降至12/10万以下”的目标。"),
        ("ON_TRACK", 2024, 2028, "按当前趋势，可于2028年实现《纲要》“降至12/10万以下”的目标。"),
        ("OFF_TRACK", 2024, 2041, "距《纲要》“降至12/10万以下”的目标仍有差距。"),
        ("REGRESSING", 2024, None, "距《纲要》“降至12/10万以下”的目标仍有差距。"),
        ("NO_DATA", None, None, None),
        ("NO_TARGET", 2024, None, None),
    ],
)
def test_target_sentence(
    status: str, latest_year: int | None, year_met: int | None, text: str | None
) -> None:
    got = target_sentence(
        status=status,
        target_text="降至12/10万以下",
        latest_year=latest_year,
        target_year=2030,
        year_met=year_met,
        outline="纲要",
    )
    assert got == text


def test_no_target_sentence_without_a_worded_target() -> None:
    assert (
        target_sentence(
            status="ACHIEVED",
            target_text="",
            latest_year=2024,
            target_year=2030,
            year_met=2024,
            outline="纲要",
        )
        is None
    )


@pytest.mark.parametrize(
    ("fig", "status", "substatus", "previous", "current", "text"),
    [
        (MMR, "ACHIEVED", "confirmed", 15.1, 14.3, "孕产妇死亡率已达到目标要求"),
        (MMR, "ON_TRACK", "", 15.1, 14.3, "孕产妇死亡率稳步改善"),
        # Off track: the judgement's trend decides, not one year's change.
        (MMR, "OFF_TRACK", "improving", 14.3, 15.1, "孕产妇死亡率有所改善，但进度偏慢"),
        (MMR, "OFF_TRACK", "stagnant", 15.1, 14.3, "孕产妇死亡率改善不明显"),
        (AROUND, "OFF_TRACK", "moving_away", 44.0, 43.0, "就业人员中女性比例偏离目标"),
        (HOSPITAL, "REGRESSING", "", 90.0, 88.0, "住院分娩率出现倒退"),
        # Without a judged target: the change on the previous year.
        (TRAINED, "NO_TARGET", "moderate_improvement", 1200, 1260, "参训妇女人数比上年有所改善"),
        (TRAINED, "NO_TARGET", "deterioration", 1260, 1200, "参训妇女人数比上年未见改善"),
        (AROUND, "INSUFFICIENT_DATA", "too_few_points", 44.0, 45.0, "就业人员中女性比例"),
    ],
)
def test_findings(
    fig: Figure, status: str, substatus: str, previous: float, current: float, text: str
) -> None:
    assert finding(fig, status, previous, current, substatus) == text


def test_the_same_rules_in_english() -> None:
    with translation.override("en"):
        text = data_sentence(2024, HOSPITAL, 89.7, 88.5, [("urban", 95.0), ("rural", 85.04)])
    assert text == (
        "In 2024, 住院分娩率 was 89.7%, up 1.2 percentage points on the previous year. "
        "Of which: urban 95.0%, rural 85.0%."
    )
