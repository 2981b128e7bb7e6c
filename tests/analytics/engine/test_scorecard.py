"""Evaluation scorecards: a hand-made case, and a property test against a plain-Python reference."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianggang.analytics.engine.scorecard import gaps, scorecards

STATUSES = ("ACHIEVED", "ON_TRACK", "OFF_TRACK", "REGRESSING", "INSUFFICIENT_DATA", "NO_DATA")
TREND = ("strong_improvement", "moderate_improvement", "limited_improvement", "deterioration")


def _tables(
    judged: list[tuple[str, str, str, str]],
    indicators: list[tuple[str, str, bool]],
    departments: list[tuple[str, str]],
    units: Sequence[tuple[str, str | None]],
) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
    return (
        pa.table(
            {
                "indicator": pa.array([j[0] for j in judged], pa.string()),
                "orgunit": pa.array([j[1] for j in judged], pa.string()),
                "status": pa.array([j[2] for j in judged], pa.string()),
                "substatus": pa.array([j[3] for j in judged], pa.string()),
            }
        ),
        pa.table(
            {
                "indicator": [i[0] for i in indicators],
                "area": [i[1] for i in indicators],
                "numeric_target": pa.array([i[2] for i in indicators], pa.bool_()),
            }
        ),
        pa.table(
            {
                "indicator": pa.array([d[0] for d in departments], pa.string()),
                "department": pa.array([d[1] for d in departments], pa.string()),
            }
        ),
        pa.table(
            {
                "orgunit": [u[0] for u in units],
                "parent": pa.array([u[1] for u in units], pa.string()),
            }
        ),
    )


# Two counties of one prefecture; four targets in two areas, one trend-only indicator.
INDICATORS = [
    ("mmr", "health", True),
    ("imr", "health", True),
    ("preschool", "education", True),
    ("girls_upper_sec", "education", True),
    ("women_cadres", "decision", False),
]
DEPARTMENTS = [
    ("mmr", "health"),
    ("imr", "health"),
    ("preschool", "education"),
    ("girls_upper_sec", "education"),
    ("girls_upper_sec", "women_fed"),
    ("women_cadres", "organisation"),
]
UNITS = [("A", "P"), ("B", "P"), ("C", "P")]
JUDGED = [
    ("mmr", "A", "ACHIEVED", "confirmed"),
    ("imr", "A", "ON_TRACK", ""),
    ("preschool", "A", "OFF_TRACK", "improving"),
    ("girls_upper_sec", "A", "ACHIEVED", "provisional"),
    ("women_cadres", "A", "NO_TARGET", "moderate_improvement"),
    ("mmr", "B", "ACHIEVED", "confirmed"),
    ("imr", "B", "ACHIEVED", "confirmed"),
    ("preschool", "B", "REGRESSING", "lost"),
    # B has no judgement of girls_upper_sec: no data.
    ("women_cadres", "B", "NO_TARGET", "deterioration"),
    ("mmr", "C", "INSUFFICIENT_DATA", "small_numbers"),
    ("imr", "C", "ON_TRACK", ""),
    ("preschool", "C", "ACHIEVED", "confirmed"),
    ("girls_upper_sec", "C", "ACHIEVED", "confirmed"),
]


def _cards(stage: str) -> dict[tuple[str, str, str | None], dict[str, Any]]:
    table = scorecards(*_tables(JUDGED, INDICATORS, DEPARTMENTS, UNITS), stage=stage)
    return {(r["orgunit"], r["by"], r["key"]): r for r in table.to_pylist()}


def test_final_evaluation_counts_rates_and_rank() -> None:
    cards = _cards("final")
    a = cards["A", "overall", None]
    assert (a["indicators"], a["monitorable"], a["achieved"], a["on_track"]) == (5, 4, 2, 1)
    assert (a["achievement_rate"], a["on_course_rate"]) == (0.5, 0.75)
    assert (a["trend_only"], a["trend_improving"], a["trend_deteriorating"]) == (1, 1, 0)
    # With the improving directional target counted as achieved: (2 + 1) of (4 + 1).
    assert a["achievement_rate_with_directional"] == 0.6
    b = cards["B", "overall", None]
    # girls_upper_sec has no data at B: not monitorable; 2 of 3 achieved.
    assert (b["monitorable"], b["achieved"], b["regressing"], b["no_data"]) == (3, 2, 1, 1)
    assert b["achievement_rate"] == pytest.approx(2 / 3)
    assert b["trend_deteriorating"] == 1
    c = cards["C", "overall", None]
    assert (c["monitorable"], c["achieved"], c["insufficient_data"]) == (4, 2, 1)
    # Final: ranked by the achievement rate: B 0.667, then A and C at 0.5, C ahead on the
    # on-course rate (0.75 each: tie) — A and C share rank 2.
    assert (b["rank"], a["rank"], c["rank"]) == (1, 2, 2)
    assert a["ranked_among"] == 3
    # Per area and department.
    assert cards["A", "area", "health"]["achievement_rate"] == 0.5
    assert cards["B", "area", "education"]["monitorable"] == 1
    assert cards["A", "department", "women_fed"]["achieved"] == 1
    assert cards["A", "department", "organisation"]["monitorable"] == 0
    assert cards["A", "department", "organisation"]["rate"] is None
    assert cards["A", "area", "health"]["rank"] is None


def test_3c_directional_targets_count_as_achieved_when_they_improve() -> None:
    # docs/methodology.md §三, 规范 3c: beside the achievement rate on numeric targets, a second
    # rate counting "逐步提高" targets as achieved when their trend improves, as the national
    # final report.
    judged = [
        ("mmr", "X", "ACHIEVED", "confirmed"),
        ("preschool", "X", "OFF_TRACK", "improving"),
        ("cadres", "X", "NO_TARGET", "limited_improvement"),  # improving: counted achieved
        ("literacy", "X", "NO_TARGET", "deterioration"),  # worsening: counted not achieved
        ("screening", "X", "INSUFFICIENT_DATA", "too_few_points"),  # directional, with data
        ("insurance", "X", "NO_DATA", ""),  # directional without data: not counted
    ]
    indicators = [
        ("mmr", "health", True),
        ("preschool", "education", True),
        ("cadres", "decision", False),
        ("literacy", "education", False),
        ("screening", "health", False),
        ("insurance", "security", False),
    ]
    (row,) = [
        r
        for r in scorecards(
            *_tables(judged, indicators, [], [("X", "P")]), stage="final"
        ).to_pylist()
        if r["by"] == "overall"
    ]
    assert (row["monitorable"], row["achieved"], row["achievement_rate"]) == (2, 1, 0.5)
    assert (row["trend_monitorable"], row["trend_improving"]) == (3, 1)
    assert row["achievement_rate_with_directional"] == pytest.approx((1 + 1) / (2 + 3))


def test_mid_term_evaluation_counts_on_track_as_on_course() -> None:
    cards = _cards("mid")
    a, b, c = (cards[u, "overall", None] for u in "ABC")
    assert (a["rate"], b["rate"], c["rate"]) == (0.75, pytest.approx(2 / 3), 0.75)
    # A and C tie on the on-course rate and on the achievement rate too: both first.
    assert (a["rank"], c["rank"], b["rank"]) == (1, 1, 3)


def test_gaps_by_department() -> None:
    tables = _tables(JUDGED, INDICATORS, DEPARTMENTS, UNITS)
    final = {
        (r["department"], r["indicator"], r["orgunit"])
        for r in gaps(*tables, stage="final").to_pylist()
    }
    assert final == {
        ("health", "imr", "A"),
        ("health", "imr", "C"),
        ("health", "mmr", "C"),
        ("education", "preschool", "A"),
        ("education", "preschool", "B"),
    }
    mid = {
        (r["department"], r["indicator"], r["orgunit"])
        for r in gaps(*tables, stage="mid").to_pylist()
    }
    assert mid == final - {("health", "imr", "A"), ("health", "imr", "C")}


def test_a_unit_with_nothing_monitorable_is_not_ranked() -> None:
    table = scorecards(*_tables([], INDICATORS, DEPARTMENTS, [("A", "P")]), stage="final")
    overall = [r for r in table.to_pylist() if r["by"] == "overall"]
    assert overall[0]["monitorable"] == 0
    assert overall[0]["no_data"] == 5
    assert (overall[0]["rank"], overall[0]["rate"]) == (None, None)


def test_unknown_stage_is_refused() -> None:
    with pytest.raises(ValueError, match="stage"):
        scorecards(*_tables(JUDGED, INDICATORS, DEPARTMENTS, UNITS), stage="interim")


# The reference: written from the definitions, with dictionaries.


def _reference(
    judged: list[tuple[str, str, str, str]],
    indicators: list[tuple[str, str, bool]],
    departments: list[tuple[str, str]],
    units: list[tuple[str, str | None]],
    stage: str,
) -> dict[tuple[str, str, str | None], dict[str, Any]]:
    status = {(j[0], j[1]): (j[2], j[3]) for j in judged}
    groups: dict[tuple[str, str, str | None], list[tuple[str, bool, str, str]]] = defaultdict(list)
    for unit, _ in units:
        for ind, area, is_numeric in indicators:
            s, sub = status.get((ind, unit), ("NO_DATA", ""))
            cell = (ind, is_numeric, s, sub)
            groups[unit, "overall", None].append(cell)
            groups[unit, "area", area].append(cell)
            for d_ind, dept in departments:
                if d_ind == ind:
                    groups[unit, "department", dept].append(cell)
    out: dict[tuple[str, str, str | None], dict[str, Any]] = {}
    for key, cells in groups.items():
        numeric = [c for c in cells if c[1]]
        trend = [c for c in cells if not c[1]]
        mon = [c for c in numeric if c[2] != "NO_DATA"]
        achieved = sum(c[2] == "ACHIEVED" for c in numeric)
        on_track = sum(c[2] == "ON_TRACK" for c in numeric)
        ach_rate = achieved / len(mon) if mon else None
        course = (achieved + on_track) / len(mon) if mon else None
        # Directional targets ("逐步提高") count as achieved when their trend improves.
        trend_mon = [c for c in trend if c[2] != "NO_DATA"]
        improving = sum(c[2] == "NO_TARGET" and c[3] in TREND[:3] for c in trend)
        with_directional = (
            (achieved + improving) / (len(mon) + len(trend_mon)) if mon or trend_mon else None
        )
        out[key] = {
            "indicators": len(cells),
            "monitorable": len(mon),
            "achieved": achieved,
            "on_track": on_track,
            "no_data": sum(c[2] == "NO_DATA" for c in cells),
            "trend_improving": improving,
            "trend_monitorable": len(trend_mon),
            "achievement_rate_with_directional": with_directional,
            "rate": course if stage == "mid" else ach_rate,
            "second": ach_rate if stage == "mid" else course,
            "rank": None,
        }
    # Competition ranking among siblings: 1 + the number of siblings strictly ahead.
    for unit, parent in units:
        me = out[unit, "overall", None]
        if me["rate"] is None:
            continue
        siblings = [
            out[u, "overall", None]
            for u, p in units
            if p == parent and out[u, "overall", None]["rate"] is not None
        ]
        me["rank"] = 1 + sum(
            (s["rate"], s["second"]) > (me["rate"], me["second"]) for s in siblings
        )
    return out


@st.composite
def _worlds(draw: Any) -> tuple[Any, ...]:
    n_ind = draw(st.integers(1, 6))
    indicators = [
        (f"i{k}", draw(st.sampled_from(["a1", "a2", "a3"])), draw(st.booleans()))
        for k in range(n_ind)
    ]
    departments = sorted(
        {
            (i[0], d)
            for i in indicators
            for d in draw(st.lists(st.sampled_from(["d1", "d2", "d3"]), max_size=2))
        }
    )
    units = [(f"u{k}", draw(st.sampled_from(["P", "Q"]))) for k in range(draw(st.integers(1, 6)))]
    judged = []
    for unit, _ in units:
        for ind, _, numeric in indicators:
            s = draw(
                st.sampled_from(
                    STATUSES if numeric else ("NO_TARGET", "INSUFFICIENT_DATA", "NO_DATA")
                )
            )
            if s == "NO_DATA" and draw(st.booleans()):
                continue  # no row at all also means no data
            sub = draw(st.sampled_from(TREND)) if s == "NO_TARGET" else ""
            judged.append((ind, unit, s, sub))
    return judged, indicators, departments, units, draw(st.sampled_from(["mid", "final"]))


@settings(max_examples=150, deadline=None)
@given(_worlds())
def test_scorecards_agree_with_the_reference(world: tuple[Any, ...]) -> None:
    judged, indicators, departments, units, stage = world
    got = {
        (r["orgunit"], r["by"], r["key"]): r
        for r in scorecards(
            *_tables(judged, indicators, departments, units), stage=stage
        ).to_pylist()
    }
    want = _reference(judged, indicators, departments, units, stage)
    assert set(got) == set(want)
    for key, w in want.items():
        g = got[key]
        for column in (
            "indicators",
            "monitorable",
            "achieved",
            "on_track",
            "no_data",
            "trend_improving",
            "trend_monitorable",
        ):
            assert g[column] == w[column], (key, column)
        directional = w["achievement_rate_with_directional"]
        if directional is None:
            assert g["achievement_rate_with_directional"] is None, key
        else:
            assert g["achievement_rate_with_directional"] == pytest.approx(directional), key
        assert g["rate"] == pytest.approx(w["rate"]) if w["rate"] is not None else g["rate"] is None
        assert g["rank"] == (w["rank"] if key[1] == "overall" else None), key
