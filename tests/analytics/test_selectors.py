"""The reads of the indicator page and of the annual report, on the demo prefecture."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianggang.analytics.models import Assessment, IndicatorValue
from lianggang.analytics.selectors import (
    aggregated_totals,
    disaggregation_options,
    indicator_breakdowns,
    indicator_by_code,
    indicator_judgements,
    indicator_series_by_unit,
    judged_children,
    outline_indicators,
    unit_judgements,
    unit_value_history,
    values_by_indicator_and_unit,
)
from lianggang.framework.models import DisaggregationOption, Indicator, Outline
from lianggang.orgunits.models import Level, OrgUnit

pytestmark = pytest.mark.django_db

PREFECTURE = "513300"
COUNTY = "513301"
# The demo prefecture's 18 counties and cities (甘孜州): 康定市, 泸定县 … 得荣县.
COUNTIES = {"513301", *(f"5133{n}" for n in range(22, 39))}
YEARS = list(range(2010, 2026))


@pytest.fixture
def prefecture() -> OrgUnit:
    return OrgUnit.objects.get(code=PREFECTURE)


@pytest.fixture
def mmr() -> Indicator:
    # 孕产妇死亡率: a rate split by urban/rural, judged at every unit.
    return Indicator.objects.get(code="w21-mmr")


def _units(orgunit: OrgUnit) -> list[OrgUnit]:
    return [orgunit, *OrgUnit.objects.filter(parent=orgunit)]


# The indicator page.


def test_indicator_by_code_brings_what_the_page_shows() -> None:
    ind = indicator_by_code("w21-mmr")
    assert ind is not None
    assert ind.code == "w21-mmr"
    with CaptureQueriesContext(connection) as ctx:
        outline = ind.target.area.outline
        numerator = ind.numerator
        list(ind.departments.all())
        list(ind.overrides.all())
    assert outline.code == "women-2021"
    assert numerator is not None
    assert len(ctx.captured_queries) == 0
    assert indicator_by_code("no-such-indicator") is None


def test_series_by_unit_has_the_stored_total_of_every_year(
    prefecture: OrgUnit, mmr: Indicator
) -> None:
    by_unit = indicator_series_by_unit(indicator=mmr, units=_units(prefecture))
    series = by_unit[prefecture.pk]
    assert list(series) == YEARS  # one per year, in order
    stored = dict(
        IndicatorValue.objects.filter(
            indicator=mmr, orgunit=prefecture, disaggregation="total"
        ).values_list("year", "value")
    )
    assert {y: v.value for y, v in series.items()} == stored
    assert {v.disaggregation for per in by_unit.values() for v in per.values()} == {"total"}
    # The counties' values: every county of the prefecture, and nothing from elsewhere.
    codes = {u.code for u in OrgUnit.objects.filter(pk__in=by_unit)}
    assert codes == COUNTIES | {PREFECTURE}
    county = OrgUnit.objects.get(code=COUNTY)
    assert by_unit[county.pk][2024].value == (
        IndicatorValue.objects.get(
            indicator=mmr, orgunit=county, year=2024, disaggregation="total"
        ).value
    )


def test_series_of_a_county_alone(mmr: Indicator) -> None:
    county = OrgUnit.objects.get(code=COUNTY)
    by_unit = indicator_series_by_unit(indicator=mmr, units=[county])
    assert list(by_unit) == [county.pk]
    assert list(by_unit[county.pk]) == YEARS


def test_breakdowns_are_the_splits_in_order(prefecture: OrgUnit, mmr: Indicator) -> None:
    splits = indicator_breakdowns(indicator=mmr, orgunit=prefecture)
    assert splits
    assert all(v.disaggregation != "total" for v in splits)
    assert all(v.orgunit_id == prefecture.pk for v in splits)
    assert len(splits) == (
        IndicatorValue.objects.filter(indicator=mmr, orgunit=prefecture)
        .exclude(disaggregation="total")
        .count()
    )
    keys = [(v.disaggregation, v.year) for v in splits]
    assert keys == sorted(keys)
    assert (
        indicator_breakdowns(indicator=Indicator.objects.get(code="c21-imr"), orgunit=prefecture)
        == []
    )


def test_judgements_are_each_units_latest(prefecture: OrgUnit, mmr: Indicator) -> None:
    judged = indicator_judgements(indicator=mmr, units=_units(prefecture))
    assert {u.code for u in OrgUnit.objects.filter(pk__in=judged)} == COUNTIES | {PREFECTURE}
    for unit_id, a in judged.items():
        latest = (
            Assessment.objects.filter(indicator=mmr, orgunit_id=unit_id).order_by("-year").first()
        )
        assert latest is not None
        assert (a.pk, a.year) == (latest.pk, 2025)


def test_disaggregation_options_all_or_by_code() -> None:
    every = list(disaggregation_options())
    assert len(every) == DisaggregationOption.objects.count() > 2
    keys = [(o.category_id, o.sort_order, o.code) for o in every]
    assert keys == sorted(keys)
    assert {o.code for o in disaggregation_options(codes={"urban", "rural"})} == {"urban", "rural"}
    with CaptureQueriesContext(connection) as ctx:
        assert list(disaggregation_options(codes=set())) == []
    assert len(ctx.captured_queries) == 0  # nothing to ask for, nothing asked


# The annual report.


def test_judged_children_are_the_counties_in_order(prefecture: OrgUnit) -> None:
    children = judged_children(prefecture)
    assert {c.code for c in children} == COUNTIES
    assert [(c.sort_order, c.code) for c in children] == sorted(
        (c.sort_order, c.code) for c in children
    )
    county = OrgUnit.objects.get(code=COUNTY)
    assert judged_children(county) == []
    # A township is below the judged levels: not among its county's judged children.
    OrgUnit.objects.create(
        code="513301100",
        name="炉城街道",
        level=Level.TOWNSHIP,
        parent=county,
        path=f"{county.path}513301100/",
    )
    assert judged_children(county) == []


def test_unit_value_history_up_to_the_year(prefecture: OrgUnit) -> None:
    indicators = list(outline_indicators(Outline.objects.get(code="women-2021")))
    rows = unit_value_history(indicators=indicators, orgunit=prefecture, year=2022)
    assert rows
    assert [r.year for r in rows] == sorted(r.year for r in rows)
    assert max(r.year for r in rows) == 2022
    assert all(r.value is not None for r in rows)
    assert {r.indicator_id for r in rows} <= {i.pk for i in indicators}
    assert {"total", "urban", "rural"} <= {r.disaggregation for r in rows}
    stored = (
        IndicatorValue.objects.filter(indicator__in=indicators, orgunit=prefecture, year__lte=2022)
        .exclude(value=None)
        .count()
    )
    assert len(rows) == stored
    mmr = next(i for i in indicators if i.code == "w21-mmr")
    row = next(
        r for r in rows if (r.indicator_id, r.year, r.disaggregation) == (mmr.pk, 2022, "total")
    )
    v = IndicatorValue.objects.get(
        indicator=mmr, orgunit=prefecture, year=2022, disaggregation="total"
    )
    assert (row.value, row.unstable, row.ci_low, row.ci_high) == (
        v.value,
        v.unstable,
        v.ci_low,
        v.ci_high,
    )


def test_unit_judgements_of_the_year(prefecture: OrgUnit) -> None:
    indicators = list(outline_indicators(Outline.objects.get(code="children-2021")))
    judged = unit_judgements(indicators=indicators, orgunit=prefecture, year=2024)
    assert len(judged) == len(indicators)
    assert all(
        a.year == 2024 and a.orgunit_id == prefecture.pk and a.indicator_id == i
        for i, a in judged.items()
    )


def test_values_by_indicator_and_unit_cover_the_counties(prefecture: OrgUnit) -> None:
    indicators = list(outline_indicators(Outline.objects.get(code="women-2021")))
    counties = judged_children(prefecture)
    below = values_by_indicator_and_unit(indicators=indicators, units=counties, year=2024)
    mmr = next(i for i in indicators if i.code == "w21-mmr")
    assert set(below[mmr.pk]) == {c.pk for c in counties}
    for unit_id, v in below[mmr.pk].items():
        assert (v.year, v.disaggregation, v.orgunit_id) == (2024, "total", unit_id)
        assert v.value is not None
    assert prefecture.pk not in {u for per in below.values() for u in per}


def test_aggregated_totals_are_the_prefectures_sums(prefecture: OrgUnit) -> None:
    indicators = list(outline_indicators(Outline.objects.get(code="women-2021")))
    totals = list(aggregated_totals(indicators=indicators, orgunit=prefecture, year=2024))
    assert totals
    assert all(
        (v.source, v.orgunit_id, v.year, v.disaggregation)
        == ("aggregated", prefecture.pk, 2024, "total")
        for v in totals
    )
    assert all(v.n_children == 18 for v in totals)
    with CaptureQueriesContext(connection) as ctx:
        assert {v.indicator.code for v in totals} <= {i.code for i in indicators}
    assert len(ctx.captured_queries) == 0
    # A county reports its own figures: none is aggregated.
    county = OrgUnit.objects.get(code=COUNTY)
    assert not aggregated_totals(indicators=indicators, orgunit=county, year=2024).exists()
