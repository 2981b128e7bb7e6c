import pytest

from lianggang.orgunits.models import Department, Level, OrgUnit
from lianggang.orgunits.selectors import (
    orgunit_ancestors,
    orgunit_children,
    orgunit_descendants,
    orgunit_home,
)
from lianggang.orgunits.services import orgunits_load

pytestmark = pytest.mark.django_db


def test_the_prefecture_and_its_18_counties_with_census_populations() -> None:
    ganzi = OrgUnit.objects.get(code="513300")
    counties = list(orgunit_children(ganzi))
    assert len(counties) == 18
    assert all(c.level == Level.COUNTY and c.code.startswith("5133") for c in counties)
    assert sum(c.population or 0 for c in counties) == ganzi.population == 1107431
    assert [a.code for a in orgunit_ancestors(ganzi)] == ["100000", "510000"]
    assert orgunit_descendants(ganzi).count() == 18
    assert orgunit_descendants(ganzi, include_self=True).count() == 19


def test_units_whose_children_are_not_all_held_are_not_aggregated() -> None:
    assert not OrgUnit.objects.get(code="100000").aggregated
    assert not OrgUnit.objects.get(code="510000").aggregated
    assert orgunit_home().code == "513300"  # type: ignore[union-attr]
    assert orgunit_home(code="513301").name == "康定市"  # type: ignore[union-attr]


def test_member_departments_are_loaded() -> None:
    assert Department.objects.count() == 17
    assert Department.objects.get(code="health").indicators.filter(code="w21-mmr").exists()


def test_loading_again_changes_nothing() -> None:
    report = orgunits_load()
    assert not report.changed
