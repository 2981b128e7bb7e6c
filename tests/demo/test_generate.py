from collections import Counter

import pytest

from lianggang.collection.models import DataValue, Round, SubmissionState
from lianggang.demo.generate import County, Formula, Generator, load_params
from lianggang.framework.models import Indicator
from lianggang.orgunits.models import OrgUnit

COUNTIES = [County("A", 50000), County("B", 120000)]
FORMULAS = [
    Formula("maternal_deaths", "live_births", 100000, "count", "log"),
    Formula("neonatal_deaths", "live_births", 1000, "count", "log"),
    Formula("infant_deaths", "live_births", 1000, "count", "log"),
    Formula("preschool_enrolled", "pop_3_5", 100, "value", "linear"),
    Formula("female_life_expectancy", None, 1, "value", "linear"),
]


def _run(params: dict[str, object] | None = None) -> list[tuple[str, str, int, str, float]]:
    gen = Generator(
        counties=COUNTIES,
        prefecture="P",
        formulas=FORMULAS,
        residence_elements={"maternal_deaths", "live_births"},
        params=params or load_params(),
    )
    return sorted((v.element, v.orgunit, v.year, v.disaggregation, v.value) for v in gen.run())


def test_generation_is_deterministic() -> None:
    assert _run() == _run()


def test_a_different_seed_gives_different_values() -> None:
    params = load_params()
    params["seed"] = 1
    assert _run() != _run(params)


def test_counts_are_coherent() -> None:
    values = {(e, o, y, d): v for e, o, y, d, v in _run()}
    for (e, o, y, d), v in values.items():
        if e == "infant_deaths":
            assert v >= values["neonatal_deaths", o, y, d]
        if e in ("maternal_deaths", "live_births") and d == "total":
            assert v == values[e, o, y, "urban"] + values[e, o, y, "rural"]
    assert ("female_life_expectancy", "P", 2024, "total") in values


@pytest.mark.django_db
def test_the_loaded_demo_is_approved_labelled_and_small_where_events_are_rare() -> None:
    assert Round.objects.filter(is_demo=True).count() == 16
    assert not DataValue.objects.exclude(submission__state=SubmissionState.APPROVED).exists()
    assert not DataValue.objects.exclude(comment="演示数据，非官方统计").exists()
    deaths = Counter(
        DataValue.objects.filter(
            element__code="maternal_deaths", disaggregation="total", orgunit__level=4
        ).values_list("value", flat=True)
    )
    assert sum(n for v, n in deaths.items() if v <= 2) / sum(deaths.values()) > 0.85
    assert max(deaths) < 10


@pytest.mark.django_db
def test_every_measurable_indicator_has_data_in_every_county_every_year() -> None:
    counties = list(OrgUnit.objects.filter(parent__code="513300"))
    present = set(DataValue.objects.values_list("element__code", "orgunit_id", "year"))
    for ind in Indicator.objects.select_related("numerator", "denominator"):
        for el in filter(None, (ind.numerator, ind.denominator)):
            for c in counties:
                for year in range(2010, 2026):
                    assert (el.code, c.pk, year) in present, (ind.code, el.code, c.code, year)
