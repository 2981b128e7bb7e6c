"""Evaluations on the demo prefecture: the scorecard counts what the stored judgements say."""

import io
from typing import cast

import pytest
from django.utils import translation

from lianggang.analytics.evaluation import evaluation
from lianggang.analytics.models import Assessment
from lianggang.cli import run
from lianggang.framework.models import Outline
from lianggang.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def children_2021() -> Outline:
    return Outline.objects.get(code="children-2021")


def test_mid_term_scorecard_counts_the_stored_judgements(children_2021: Outline) -> None:
    ganzi = OrgUnit.objects.get(code="513300")
    ev = evaluation(outline=children_2021, orgunit=ganzi)
    assert (ev.stage, ev.year, ev.as_of) == ("mid", 2025, 2025)
    stored = Assessment.objects.filter(
        indicator__target__area__outline=children_2021, orgunit=ganzi, year=2025
    )
    numeric = stored.filter(indicator__direction__in=[">=", "<=", "~"])
    assert (
        ev.overall.indicators
        == len(ev.lines)
        == children_2021.areas.filter(targets__indicators__isnull=False)
        .values("targets__indicators")
        .count()
    )
    assert ev.overall.achieved == numeric.filter(status="ACHIEVED").count()
    assert ev.overall.on_track == numeric.filter(status="ON_TRACK").count()
    monitorable = numeric.exclude(status="NO_DATA").count()
    assert ev.overall.monitorable == monitorable > 0
    assert ev.overall.rate == pytest.approx(
        (ev.overall.achieved + ev.overall.on_track) / monitorable
    )
    assert ev.overall.achievement_rate == pytest.approx(ev.overall.achieved / monitorable)
    assert sum(card.indicators for _, card in ev.areas) == ev.overall.indicators
    assert [a.number for a, _ in ev.areas] == sorted(a.number for a, _ in ev.areas)


def test_counties_are_ranked_by_their_rate(children_2021: Outline) -> None:
    ev = evaluation(outline=children_2021, orgunit=OrgUnit.objects.get(code="513300"))
    assert len(ev.units) == 18
    ranks = [card.rank for _, card in ev.units]
    assert ranks[0] == 1
    assert ranks == sorted(cast(list[int], ranks))  # every county is ranked
    assert all(card.ranked_among == 18 for _, card in ev.units)
    rates = [card.rate for _, card in ev.units]
    assert rates == sorted(cast(list[float], rates), reverse=True)
    for (_, a), (_, b) in zip(ev.units, ev.units[1:], strict=False):
        if a.rank == b.rank:
            assert (a.rate, a.achievement_rate) == (b.rate, b.achievement_rate)


def test_gaps_are_the_unmet_targets_of_each_responsible_department(
    children_2021: Outline,
) -> None:
    ev = evaluation(outline=children_2021, orgunit=OrgUnit.objects.get(code="513300"))
    listed = 0
    for department, lines in ev.gaps:
        for line in lines:
            assert line.status not in ("ACHIEVED", "ON_TRACK", "NO_DATA")
            assert department in line.indicator.departments.all()
            listed += 1
    unmet = {
        line.indicator.pk
        for line in ev.lines
        if line.indicator.has_numeric_target
        and line.status in ("OFF_TRACK", "REGRESSING", "INSUFFICIENT_DATA")
    }
    assert unmet, "the demo has targets off track"
    assert {line.indicator.pk for _, lines in ev.gaps for line in lines} == unmet
    assert listed >= len(unmet)


def test_final_evaluation_uses_the_latest_judgements_up_to_the_target_year(
    children_2021: Outline,
) -> None:
    ev = evaluation(outline=children_2021, orgunit=OrgUnit.objects.get(code="513300"), year=2030)
    assert (ev.stage, ev.year, ev.as_of) == ("final", 2030, 2025)
    assert ev.overall.rate == ev.overall.achievement_rate
    gap_statuses = {line.status for _, lines in ev.gaps for line in lines}
    assert "ON_TRACK" in gap_statuses or ev.overall.on_track == 0


def test_a_county_is_evaluated_without_ranking_its_townships(children_2021: Outline) -> None:
    ev = evaluation(outline=children_2021, orgunit=OrgUnit.objects.get(code="513301"))
    assert ev.units == []
    assert ev.overall.monitorable > 0
    assert ev.overall.rank is None


def test_evaluate_command_prints_the_scorecard() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = run(["analytics", "evaluate", "--outline", "children-2021"], out, err)
    assert code == 0, err.getvalue()
    text = out.getvalue()
    assert "达标率" in text
    assert "康定市" in text
    assert "演示数据" in text


def test_evaluate_command_writes_csv() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = run(
        ["analytics", "evaluate", "--outline", "women-2021", "--stage", "final", "--format", "csv"],
        out,
        err,
    )
    assert code == 0, err.getvalue()
    lines = out.getvalue().splitlines()
    header = lines[0].split(",")
    assert header[:3] == ["orgunit", "orgunit_name", "by"]
    assert header[-1] == "note"  # the demo label on every row
    assert all(line.endswith("演示数据，非官方统计") for line in lines[1:])
    assert sum(1 for line in lines if ",overall," in line) == 19


def test_evaluate_command_refuses_an_unknown_outline() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run(["analytics", "evaluate", "--outline", "nope"], out, err) == 2
    assert "nope" in err.getvalue()


def test_evaluate_command_speaks_english_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIANGGANG_LANGUAGE", "en")
    out, err = io.StringIO(), io.StringIO()
    try:
        code = run(["analytics", "evaluate", "--outline", "women-2021", "--year", "2030"], out, err)
    finally:
        translation.deactivate()  # the command switched this thread to English
    assert code == 0, err.getvalue()
    text = out.getvalue()
    assert "Final evaluation" in text
    assert "monitorable targets" in text
    assert "Kangding" in text
