import pytest
from django.db.models import Sum

from lianggang.analytics.engine.assess import Observation, assess
from lianggang.analytics.models import Assessment, IndicatorValue
from lianggang.analytics.store import analytics_rebuild, rule_for
from lianggang.collection.models import DataValue
from lianggang.framework.models import Indicator
from lianggang.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_prefecture_rates_are_ratios_of_the_county_sums() -> None:
    checked = 0
    for ind in Indicator.objects.filter(target__area__outline__code__endswith="2021").exclude(
        denominator=None
    ):
        for year in (2020, 2025):
            counties = IndicatorValue.objects.filter(
                indicator=ind, year=year, orgunit__parent__code="513300", disaggregation="total"
            ).aggregate(n=Sum("numerator"), d=Sum("denominator"))
            pref = IndicatorValue.objects.get(
                indicator=ind, year=year, orgunit__code="513300", disaggregation="total"
            )
            assert pref.numerator == counties["n"]
            assert pref.denominator == counties["d"]
            assert pref.value == pytest.approx(counties["n"] / counties["d"] * ind.factor)
            assert (pref.source, pref.n_reporting, pref.n_children) == ("aggregated", 18, 18)
            checked += 1
    assert checked > 60


def test_values_without_aggregation_stay_reported() -> None:
    pref = IndicatorValue.objects.get(
        indicator__code="w21-life-exp", orgunit__code="513300", year=2024
    )
    raw = DataValue.objects.get(
        element__code="female_life_expectancy", orgunit__code="513300", year=2024
    )
    assert (pref.value, pref.source) == (raw.value, "reported")


def test_urban_and_rural_rates_are_computed() -> None:
    rows = IndicatorValue.objects.filter(
        indicator__code="w21-mmr", orgunit__code="513300", year=2024
    )
    assert set(rows.values_list("disaggregation", flat=True)) == {"total", "urban", "rural"}


def test_every_measurable_2021_indicator_is_judged_for_ganzi_and_each_county() -> None:
    units = OrgUnit.objects.filter(path__startswith="/100000/510000/513300/")
    assert units.count() == 19
    indicators = Indicator.objects.filter(target__area__outline__code__endswith="2021")
    judged = set(
        Assessment.objects.filter(year=2025, indicator__in=indicators, orgunit__in=units)
        .exclude(status="NO_DATA")
        .values_list("indicator_id", "orgunit_id")
    )
    assert len(judged) == indicators.count() * 19
    statuses = set(
        Assessment.objects.filter(year=2025, indicator__in=indicators).values_list(
            "status", flat=True
        )
    )
    assert {"ACHIEVED", "ON_TRACK", "OFF_TRACK", "REGRESSING", "INSUFFICIENT_DATA"} <= statuses


def test_overrides_apply_to_the_unit_and_the_units_below_it() -> None:
    for code in ("513300", "513301", "513338"):
        a = Assessment.objects.get(indicator__code="c21-preschool", orgunit__code=code, year=2025)
        assert a.target_value == 92.5
        b = Assessment.objects.get(
            indicator__code="w21-girls-upper-sec", orgunit__code=code, year=2025
        )
        assert b.target_value == 95


def test_stored_judgements_equal_the_engine_on_the_stored_series() -> None:
    ind = Indicator.objects.get(code="c21-imr")
    unit = OrgUnit.objects.get(code="513332")
    obs = [
        Observation(v.year, v.value, v.numerator, v.denominator)
        for v in IndicatorValue.objects.filter(indicator=ind, orgunit=unit, disaggregation="total")
    ]
    j = assess(obs, rule_for(ind, ind.target_value), as_of=2024)
    stored = Assessment.objects.get(indicator=ind, orgunit=unit, year=2024)
    assert (stored.status, stored.substatus) == (j.status.value, j.substatus.value)
    assert stored.latest_value == pytest.approx(j.latest_value)


def test_rebuild_follows_a_changed_value() -> None:
    dv = DataValue.objects.get(
        element__code="preschool_enrolled", orgunit__code="513301", year=2025
    )
    before = IndicatorValue.objects.get(
        indicator__code="c21-preschool", orgunit__code="513300", year=2025
    )
    dv.value += 1000
    dv.save()
    analytics_rebuild()
    after = IndicatorValue.objects.get(
        indicator__code="c21-preschool", orgunit__code="513300", year=2025
    )
    assert after.numerator == before.numerator + 1000
