"""Findings people trust: each names the data item, the unit and the year and links to its
row; the outlier check follows a unit's trend and the other units' change, so a steady trend is
never flagged while a unit slip or a copied value is; the grid's findings follow each save."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from lianggang.accounts.models import Role
from lianggang.collection import outliers
from lianggang.collection.models import DataValue, Round, Submission
from lianggang.collection.services import Entry, datavalues_save, round_open
from lianggang.collection.validation import Finding, validate_many, validate_submission
from lianggang.orgunits.models import Level, OrgUnit
from tests.factories import member

pytestmark = pytest.mark.django_db
YEAR = 2026
KANGDING = "513301"


@pytest.fixture
def round_2026() -> Round:
    opener = get_user_model().objects.create_superuser("opener", "", "a-long-test-password")
    return round_open(actor=opener, year=YEAR, closes_on=dt.date(2027, 4, 30))


@pytest.fixture
def clerk() -> Any:
    return member("kd_health", Role.CLERK, KANGDING, ["health"])


def _submission(round_: Round, county: str = KANGDING) -> Submission:
    return Submission.objects.select_related("round", "orgunit", "data_set").get(
        round=round_, data_set__code="annual-health", orgunit__code=county
    )


def _history(county: str, element: str = "live_births") -> dict[int, float]:
    return dict(
        DataValue.objects.filter(
            orgunit__code=county, element__code=element, disaggregation="total", year__lt=YEAR
        ).values_list("year", "value")
    )


def _save(user: Any, sub: Submission, value: float, element: str = "live_births") -> list[Finding]:
    return datavalues_save(
        actor=user, submission_id=sub.pk, entries=[Entry(element, "total", str(value))]
    ).findings


def _about(findings: list[Finding], element: str = "live_births") -> list[Finding]:
    return [f for f in findings if not f.key.startswith("rule:") and f.cells[0][0] == element]


# ---- what a finding says ---------------------------------------------------------------------


def test_a_finding_names_the_item_the_unit_and_the_year_and_links_to_its_row(
    round_2026: Round, clerk: Any
) -> None:
    sub = _submission(round_2026)
    last = _history(KANGDING)[YEAR - 1]
    with translation.override("en"):
        (finding,) = _about(_save(clerk, sub, round(last * 10)))
        assert finding.key == "outlier:live_births:total"
        (item,) = finding.items
        assert (item.code, item.name, item.unit) == ("live_births", "Live births", "人")
        assert (finding.orgunit, finding.year, finding.submission_id) == ("Kangding", YEAR, sub.pk)
        assert finding.anchor == "row-live_births-total"
        assert finding.subject == "Kangding, 2026: Live births (live_births, 人)"
        assert finding.text.startswith(finding.subject + " — ")
        assert f"{round(last * 10)} is far from the expected" in finding.message
        assert "About 10 times the expected value" in finding.message  # a unit slip, said so
        # The same wording wherever it is read: the submission's review, the upload's preview.
        assert [f.text for f in _about(validate_submission(sub))] == [finding.text]
    (chinese,) = _about(validate_submission(sub))
    assert "康定市" in chinese.subject
    assert "活产数" in chinese.subject


def test_a_rule_finding_names_every_item_it_compares(round_2026: Round, clerk: Any) -> None:
    sub = _submission(round_2026)
    datavalues_save(
        actor=clerk,
        submission_id=sub.pk,
        entries=[Entry("neonatal_deaths", "total", "9"), Entry("infant_deaths", "total", "3")],
    )
    (rule,) = [f for f in validate_submission(sub) if f.key == "rule:neonatal-le-infant-deaths"]
    assert {i.code for i in rule.items} == {"infant_deaths", "neonatal_deaths"}
    assert "康定市" in rule.subject
    assert "2026" in rule.subject
    assert rule.compared == "9 / 3"


# ---- the outlier method ----------------------------------------------------------------------


def test_a_steady_two_percent_rise_in_every_county_is_never_flagged(round_2026: Round) -> None:
    """The issue's case: 2 % a year, every county; the old check warned in 11 of 17."""
    counties = list(OrgUnit.objects.filter(level=Level.COUNTY).order_by("code"))
    for county in counties:
        start = _history(county.code)[2016]
        for year in range(2016, YEAR):
            DataValue.objects.filter(
                orgunit=county, element__code="live_births", disaggregation="total", year=year
            ).update(value=round(start * 1.02 ** (year - 2016)))
    subs = [_submission(round_2026, c.code) for c in counties]
    for sub in subs:
        DataValue.objects.create(
            element_id=DataValue.objects.filter(element__code="live_births").first().element_id,  # type: ignore[union-attr]
            orgunit=sub.orgunit,
            year=YEAR,
            disaggregation="total",
            value=round(_history(sub.orgunit.code)[2016] * 1.02**10),
            submission=sub,
        )
    found = validate_many([(s, [("live_births", "total")]) for s in subs])
    assert [f.text for fs in found.values() for f in _about(fs)] == []


def test_a_steady_trend_is_never_flagged_whatever_its_rate() -> None:
    for rate in (-0.10, -0.05, -0.02, 0.02, 0.05, 0.10, 0.15):
        for start, integer in ((1234.0, True), (56.0, True), (87.5, False)):
            series = {
                y: round(start * (1 + rate) ** (y - 2015), 0 if integer else 1)
                for y in range(2015, 2026)
            }
            for year in range(2018, 2026):
                past = {y: v for y, v in series.items() if y < year}
                assert outliers.check(series[year], year, past, integer=integer) is None, (
                    rate,
                    start,
                    year,
                )


def test_a_change_every_unit_shares_is_not_an_outlier() -> None:
    history = {y: 1000.0 for y in range(2016, 2026)}
    alone = outliers.check(700.0, 2026, history, integer=True)
    assert alone is not None
    assert alone.kind == outliers.OUTLIER
    shared = outliers.peer_shift([-0.31, -0.29, -0.30, -0.32, -0.28, -0.30])
    assert outliers.check(700.0, 2026, history, integer=True, shift=shared) is None


@pytest.mark.parametrize("factor", [10, 0.1])
def test_a_unit_slip_is_flagged(round_2026: Round, clerk: Any, factor: float) -> None:
    sub = _submission(round_2026)
    last = _history(KANGDING)[YEAR - 1]
    with translation.override("en"):
        (finding,) = _about(_save(clerk, sub, round(last * factor)))
    assert finding.key == "outlier:live_births:total"
    assert ("About 10 times" if factor > 1 else "About 1/10 of") in finding.message


def test_a_small_count_slipped_by_ten_is_flagged_and_its_noise_is_not() -> None:
    deaths = {2016: 3.0, 2017: 5.0, 2018: 2.0, 2019: 4.0, 2020: 3.0, 2021: 6.0, 2022: 2.0}
    assert outliers.check(40.0, 2023, deaths, integer=True) is not None
    for usual in (0.0, 1.0, 3.0, 7.0, 9.0):
        assert outliers.check(usual, 2023, deaths, integer=True) is None, usual


def test_last_years_value_copied_is_flagged_where_a_repeat_is_unlikely(
    round_2026: Round, clerk: Any
) -> None:
    """What the method claims: an exact repeat of last year's value is flagged when the series
    is noisy enough that a repeat by chance is under 5 % and it never repeated before; a small
    count that often repeats is not."""
    sub = _submission(round_2026)
    history = _history(KANGDING)
    fitted = outliers.fit(history, YEAR, integer=True)
    assert fitted is not None
    assert outliers._repeat_chance(history, YEAR, fitted, fitted.expected()) < 0.05
    with translation.override("en"):
        (finding,) = _about(_save(clerk, sub, history[YEAR - 1]))
    assert finding.key == "repeat:live_births:total"
    assert "exactly last year's value" in finding.message
    repeats = {2019: 2.0, 2020: 1.0, 2021: 1.0, 2022: 3.0, 2023: 2.0, 2024: 0.0, 2025: 2.0}
    assert outliers.check(2.0, YEAR, repeats, integer=True) is None


def test_a_fraction_in_a_count_is_flagged() -> None:
    """(The grid and the imports refuse one already; a value stored before is still flagged.)"""
    history = {y: 1200.0 + y for y in range(2016, 2026)}
    verdict = outliers.check(1234.5, 2026, history, integer=True)
    assert verdict is not None
    assert verdict.kind == outliers.FRACTION


def test_a_usual_value_is_not_flagged(round_2026: Round, clerk: Any) -> None:
    sub = _submission(round_2026)
    fitted = outliers.fit(_history(KANGDING), YEAR, integer=True)
    assert fitted is not None
    assert _about(_save(clerk, sub, round(fitted.expected()) + 3)) == []


# ---- the grid --------------------------------------------------------------------------------


def test_the_findings_follow_each_cell_saved(round_2026: Round) -> None:
    sub = _submission(round_2026)
    client = Client()
    client.force_login(member("grid_clerk", Role.CLERK, KANGDING, ["health"]))
    page = client.get(f"/collection/submissions/{sub.pk}/").content.decode()
    assert 'id="findings"' in page
    assert 'id="row-live_births-total"' in page
    last = _history(KANGDING)[YEAR - 1]

    def save(value: float, version: int) -> str:
        response = client.post(
            f"/collection/submissions/{sub.pk}/cell/",
            {
                "element": "live_births",
                "disaggregation": "total",
                "value": str(value),
                "version": version,
                "comment": "",
            },
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        return response.content.decode()

    html = save(round(last * 10), 0)
    assert '<tr id="row-live_births-total"' in html
    panel = html[html.index('<section id="findings"') :]
    assert 'hx-swap-oob="true"' in panel[:200]
    assert "康定市" in panel
    assert "活产数" in panel
    assert "live_births" in panel
    assert 'href="#row-live_births-total"' in panel
    assert "outlier:live_births:total" in panel  # the explanation form of the warning
    assert 'id="submit-blocked"' in html

    fitted = outliers.fit(_history(KANGDING), YEAR, integer=True)
    assert fitted is not None
    html = save(round(fitted.expected()), 1)
    panel = html[html.index('<section id="findings"') :]
    assert "outlier:live_births:total" not in panel
