from collections.abc import Callable

import pytest
from django.db.models import Sum

from lianggang.analytics.engine.assess import Observation, assess
from lianggang.analytics.models import Assessment, IndicatorValue
from lianggang.analytics.store import (
    analytics_rebuild,
    analytics_refresh_for_submissions,
    rule_for,
)
from lianggang.collection.models import DataValue, Round, Submission
from lianggang.framework.models import DataElement, Indicator
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
    assert before.numerator is not None
    dv.value += 1000
    dv.save()
    analytics_rebuild()
    after = IndicatorValue.objects.get(
        indicator__code="c21-preschool", orgunit__code="513300", year=2025
    )
    assert after.numerator == before.numerator + 1000


# Incremental refresh: after any approval change, the figures equal a full rebuild's.


def _snapshot() -> tuple[dict[tuple[object, ...], tuple[object, ...]], ...]:
    def rounded(row: tuple[object, ...]) -> tuple[object, ...]:
        return tuple(round(v, 9) if isinstance(v, float) else v for v in row)

    figures: dict[tuple[object, ...], tuple[object, ...]] = {
        row[:4]: rounded(row[4:])
        for row in IndicatorValue.objects.values_list(
            "indicator_id",
            "orgunit_id",
            "year",
            "disaggregation",
            "value",
            "numerator",
            "denominator",
            "ci_low",
            "ci_high",
            "unstable",
            "source",
            "n_reporting",
            "n_children",
            "denominator_coverage",
        )
    }
    judgements: dict[tuple[object, ...], tuple[object, ...]] = {
        row[:3]: rounded(row[3:])
        for row in Assessment.objects.values_list(
            "indicator_id",
            "orgunit_id",
            "year",
            "status",
            "substatus",
            "target_value",
            "latest_year",
            "latest_value",
            "ci_low",
            "ci_high",
            "pooled_years",
            "baseline_value",
            "slope",
            "p_value",
            "projected_value",
            "year_met",
            "pace",
            "required_pace",
            "share_of_way",
            "share_of_time",
        )
    }
    return figures, judgements


def _county_submission(code: str, year: int, element: str) -> Submission:
    return Submission.objects.get(
        orgunit__code=code, round__year=year, data_set__elements__code=element
    )


def _change_value(sub: Submission) -> list[int]:
    dv = DataValue.objects.get(
        submission=sub, element__code="maternal_deaths", disaggregation="total"
    )
    dv.value += 7
    dv.save()
    return [sub.pk]


def _withdraw(sub: Submission) -> list[int]:
    Submission.objects.filter(pk=sub.pk).update(state="returned")
    return [sub.pk]


def _remove_numerator(sub: Submission) -> list[int]:
    DataValue.objects.filter(submission=sub, element__code="maternal_deaths").delete()
    return [sub.pk]


def _report_at_prefecture(sub: Submission) -> list[int]:
    pref = OrgUnit.objects.get(code="513300")
    own = Submission.objects.create(
        round=sub.round, data_set=sub.data_set, orgunit=pref, state="approved"
    )
    DataValue.objects.create(
        submission=own,
        element=DataElement.objects.get(code="maternal_deaths"),
        orgunit=pref,
        year=sub.round.year,
        value=3,
    )
    return [own.pk]


def _change_beside_a_sibling_without_numerator(sub: Submission) -> list[int]:
    # The sibling keeps its live births: the prefecture's coverage counts them.
    sibling = _county_submission("513322", sub.round.year, "maternal_deaths")
    DataValue.objects.filter(submission=sibling, element__code="maternal_deaths").delete()
    analytics_rebuild()
    return _change_value(sub)


def _first_of_a_new_year(sub: Submission) -> list[int]:
    year = Round.objects.order_by("-year").first().year + 1  # type: ignore[union-attr]
    new_round = Round.objects.create(year=year, state="open")
    new = Submission.objects.create(
        round=new_round, data_set=sub.data_set, orgunit=sub.orgunit, state="approved"
    )
    for dv in DataValue.objects.filter(submission=sub):
        DataValue.objects.create(
            submission=new,
            element_id=dv.element_id,
            orgunit=sub.orgunit,
            year=year,
            disaggregation=dv.disaggregation,
            value=dv.value,
        )
    return [new.pk]


@pytest.mark.parametrize(
    "change",
    [
        _change_value,
        _withdraw,
        _remove_numerator,
        _report_at_prefecture,
        _change_beside_a_sibling_without_numerator,
        _first_of_a_new_year,
    ],
)
def test_incremental_refresh_equals_a_full_rebuild(
    change: Callable[[Submission], list[int]],
) -> None:
    sub = _county_submission("513301", 2024, "maternal_deaths")
    changed = change(sub)
    report = analytics_refresh_for_submissions(changed)
    assert report.indicator_values > 0
    incremental = _snapshot()
    analytics_rebuild()
    full = _snapshot()
    for part, name in zip((0, 1), ("figures", "judgements"), strict=True):
        a, b = incremental[part], full[part]
        assert set(a) == set(b), (name, set(a) ^ set(b))
        wrong = [(k, a[k], b[k]) for k in a if a[k] != b[k]]
        assert not wrong, (name, wrong[:3])


def test_incremental_refresh_touches_only_the_chain_and_that_year() -> None:
    sub = _county_submission("513322", 2023, "maternal_deaths")
    before = _snapshot()[0]
    _change_value(sub)
    analytics_refresh_for_submissions([sub.pk])
    after = _snapshot()[0]
    changed = {k for k in after if after[k] != before.get(k)}
    units = set(OrgUnit.objects.filter(code__in=["513322", "513300"]).values_list("pk", flat=True))
    assert changed
    assert {k[1] for k in changed} <= units
    assert {k[2] for k in changed} == {2023}
