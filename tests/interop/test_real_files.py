"""The real files of other systems (tests/fixtures/interop/, copied from the shared reference):
what is accepted, what is refused, and why. The metadata each file names is created here, under
the demo prefecture."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from lianggang.accounts.models import Role
from lianggang.collection.models import DataSet, DataValue, Round, RoundState, Submission
from lianggang.collection.services import round_open
from lianggang.framework.models import DataElement, DisaggregationCategory, DisaggregationOption
from lianggang.interop import adx, dhis2
from lianggang.interop.importing import ImportSettings, values_import
from lianggang.interop.model import period_kind, year_of_adx_period, year_of_period
from lianggang.interop.opensdg import ImportOptions
from lianggang.orgunits.models import Department, OrgUnit
from tests.factories import member

pytestmark = pytest.mark.django_db

INTEROP = Path(__file__).resolve().parents[1] / "fixtures" / "interop"
DHIS2 = INTEROP / "dhis2"
OPENSDG = INTEROP / "opensdg-canada"


def _world(*, orgunits: list[str], elements: list[str], years: list[int]) -> Any:
    """Org units under the prefecture, a data set of the elements, rounds open; a clerk."""
    prefecture = OrgUnit.objects.get(code="513300")
    for i, code in enumerate(orgunits):
        OrgUnit.objects.create(
            code=code,
            name=f"外部单位{i}",
            level=4,
            parent=prefecture,
            path=f"{prefecture.path}{code}/",
            sort_order=900 + i,
        )
    ds = DataSet.objects.create(
        code="external",
        name="外部数据",
        department=Department.objects.get(code="health"),
        levels=[4],
    )
    for code in elements:
        ds.elements.add(
            DataElement.objects.get_or_create(code=code, defaults={"name": code, "integer": False})[
                0
            ]
        )
    get_user_model().objects.create_superuser("opener", "", "a-long-test-password")
    _open(years)
    return member("clerk", Role.CLERK, "513300", ["health"])


def _open(years: Iterable[int]) -> None:
    """Rounds of these years open (the demo's own years reopened) with the external data set."""
    root = get_user_model().objects.get(username="opener")
    ds = DataSet.objects.get(code="external")
    for year in years:
        rnd = Round.objects.filter(year=year).first()
        if rnd is None:
            round_open(actor=root, year=year, closes_on=dt.date(year + 1, 4, 30))
            continue
        Round.objects.filter(pk=rnd.pk).update(state=RoundState.OPEN)
        for unit in OrgUnit.objects.filter(level__in=ds.levels, aggregated=True):
            Submission.objects.get_or_create(round=rnd, data_set=ds, orgunit=unit)


def _yearly(text: bytes) -> bytes:
    """The same file with its monthly periods made years (201201 → 2012)."""
    return re.sub(rb'"(20\d\d)(0[1-9]|1[0-2])"', rb'"\1"', text)


def test_periods_are_told_apart() -> None:
    assert [period_kind(p) for p in ("2024", "202401", "2024Q1", "2024W5", "2024April")] == [
        "yearly",
        "monthly",
        "quarterly",
        "weekly",
        "financial-year",
    ]
    assert year_of_period("2024") == 2024
    assert year_of_adx_period("2024-01-01/P1Y") == 2024
    with translation.override("en"):
        with pytest.raises(ValueError, match="monthly"):
            year_of_period("201201")
        with pytest.raises(ValueError, match="quarterly"):
            year_of_adx_period("2021-01-01/P3M")
        with pytest.raises(ValueError, match="financial year"):
            year_of_adx_period("2024-07-01/P1Y")
        with pytest.raises(ValueError, match="does not exist"):
            year_of_adx_period("2024-02-30/P1Y")


def test_dhis2_json_monthly_value_is_refused_with_its_period() -> None:
    clerk = _world(orgunits=["DiszpKrYNg8"], elements=["f7n9E0hX8qk"], years=[2012])
    content = (DHIS2 / "dataValueSetJ.json").read_bytes()
    with translation.override("en"):
        outcome = values_import(
            actor=clerk, content=content, settings_=ImportSettings(format="dhis2-json")
        )
    summary = outcome.summary()
    assert summary["status"] == "ERROR"
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 1, "deleted": 0}
    [conflict] = summary["conflicts"]
    assert conflict["object"] == "201201"
    assert conflict["property"] == "period"
    assert conflict["errorCode"] == "E7641"
    assert conflict["indexes"] == [0]
    assert "monthly" in conflict["value"]
    # The same value in a yearly period is accepted, by its codes.
    outcome = values_import(
        actor=clerk,
        content=_yearly(content),
        settings_=ImportSettings(format="dhis2-json", id_scheme="UID"),
    )
    assert outcome.summary()["status"] == "SUCCESS"
    assert outcome.count.imported == 1
    stored = DataValue.objects.get(element__code="f7n9E0hX8qk")
    assert (stored.orgunit.code, stored.year, stored.value) == ("DiszpKrYNg8", 2012, 10)


def test_dhis2_csv_is_read_by_position_and_every_refusal_is_listed() -> None:
    # The header's first word is misspelt ("dataelelement"): DHIS2 reads by position, so do we.
    clerk = _world(
        orgunits=["DiszpKrYNg8", "BdfsJfj87js"],
        elements=["jH26dja2f30", "jH26dja2f31"],
        years=[2012],
    )
    content = (DHIS2 / "dataValueSetBooleanTest.csv").read_bytes()
    rows = content.decode().strip().splitlines()[1:]
    parsed = dhis2.read_csv(content)
    assert len(parsed.conflicts) == len(rows)
    assert {c.code for c in parsed.conflicts} == {"E7641"}
    assert [c.row for c in parsed.conflicts] == list(range(2, len(rows) + 2))
    # Made yearly (both months fall into 2012), each line gets one answer: the file repeats
    # cells (DHIS2 would keep the last), which Lianggang refuses rather than guess; a word DHIS2
    # reads as a boolean is not a number.
    with translation.override("en"):
        outcome = values_import(
            actor=clerk,
            content=_yearly(content),
            settings_=ImportSettings(format="dhis2-csv", atomic_mode="NONE"),
        )
    why = {c.row: c.message for c in outcome.conflicts}
    assert why[2] == "jH26dja2f30: expected a number, found “true”."  # the grid's words
    assert set(why) == set(range(2, len(rows) + 2)) - {10, 14}
    assert all("appears twice" in why[r] for r in set(why) - {2})
    assert outcome.applied
    assert (outcome.count.imported, outcome.count.ignored) == (2, len(rows) - 2)
    stored = DataValue.objects.filter(element__code__in=["jH26dja2f30", "jH26dja2f31"])
    assert set(stored.values_list("element__code", "orgunit__code", "value")) == {
        ("jH26dja2f30", "BdfsJfj87js", 1),
        ("jH26dja2f31", "DiszpKrYNg8", 1),
    }
    assert outcome.summary()["status"] == "WARNING"


def test_dhis2_csv_all_or_nothing_by_default() -> None:
    clerk = _world(orgunits=["DiszpKrYNg8", "BdfsJfj87js"], elements=["jH26dja2f30"], years=[2012])
    content = _yearly((DHIS2 / "dataValueSetBooleanTest.csv").read_bytes())
    outcome = values_import(
        actor=clerk, content=content, settings_=ImportSettings(format="dhis2-csv")
    )
    assert not outcome.ok
    assert outcome.summary()["status"] == "ERROR"
    assert not DataValue.objects.filter(element__code="jH26dja2f30").exists()


def test_adx_periods_and_attribute_categories_are_refused_value_by_value() -> None:
    content = (DHIS2 / "importA.adx.xml").read_bytes()
    parsed = adx.read(content)
    assert not parsed.values
    assert len(parsed.conflicts) == 9  # every value: monthly or quarterly periods
    assert {c.object for c in parsed.conflicts} == {
        "2020-01-01/P1M",
        "2020-02-01/P1M",
        "2021-01-01/P3M",
    }
    yearly = content.replace(b"-01-01/P1M", b"-01-01/P1Y").replace(b"/P3M", b"/P1Y")
    yearly = yearly.replace(b"2020-02-01/P1M", b"2020-01-01/P1Y")
    parsed = adx.read(yearly)
    by_row = {c.row: c for c in parsed.conflicts}
    # Sex and age at once: Lianggang breaks down by one category at a time.
    assert by_row[1].code == "E7616"
    assert "Age_category" in by_row[1].message
    # The mechanism groups carry an attribute dimension Lianggang does not keep.
    assert {by_row[r].code for r in (7, 8, 9)} == {"E7615"}
    # What is left: the combinations named by categoryOptionCombo and the annotated value.
    assert [(v.element, v.disaggregation, v.value, v.comment) for v in parsed.values] == [
        ("Malaria numeric", "FOver555555", "3", ""),
        ("Malaria numeric", "MOver555555", "4", ""),
        ("Malaria text", "total", "0", "Text data value"),
    ]


def test_adx_accepted_with_its_metadata() -> None:
    clerk = _world(orgunits=["123"], elements=["Malaria numeric", "Malaria text"], years=[2020])
    category = DisaggregationCategory.objects.create(code="malaria_age", name="年龄")
    DisaggregationOption.objects.create(category=category, code="FOver555555", name="F>5")
    DataElement.objects.filter(code="Malaria numeric").update(disaggregations=["malaria_age"])
    content = (DHIS2 / "importA.adx.xml").read_bytes()
    group = content.split(b"<group")[1]  # the first group only, made yearly
    doc = b'<adx xmlns="urn:ihe:qrph:adx:2015"><group' + group.split(b"</group>")[0]
    doc += b"</group></adx>"
    doc = doc.replace(b"/P1M", b"/P1Y")
    with translation.override("en"):
        outcome = values_import(
            actor=clerk,
            content=doc,
            settings_=ImportSettings(format="adx", atomic_mode="NONE"),
        )
    assert outcome.applied
    stored = {
        (v.element.code, v.disaggregation, v.value, v.comment)
        for v in DataValue.objects.filter(orgunit__code="123")
    }
    assert stored == {
        ("Malaria numeric", "FOver555555", 3, ""),
        ("Malaria text", "total", 0, "Text data value"),
    }
    messages = {c.row: c.message for c in outcome.conflicts}
    assert "MOver555555" in messages[4]  # no such breakdown here
    assert "at a time" in messages[1]


def _canada(**options: Any) -> ImportSettings:
    return ImportSettings(format="opensdg", atomic_mode="NONE", opensdg=ImportOptions(**options))


def test_open_sdg_headline_series_with_the_area_given() -> None:
    clerk = _world(orgunits=[], elements=["maternal_mortality_ratio"], years=[])
    DataSet.objects.filter(code="external").update(levels=[3])
    _open(range(2015, 2025))
    content = (OPENSDG / "indicator_3-1-1.csv").read_bytes()
    with translation.override("en"):
        refused = values_import(
            actor=clerk,
            content=content,
            settings_=_canada(element="maternal_mortality_ratio"),
            name="indicator_3-1-1.csv",
        )
    assert {c.property for c in refused.conflicts} == {"GeoCode"}  # whose headline?
    outcome = values_import(
        actor=clerk,
        content=content,
        settings_=_canada(element="maternal_mortality_ratio", orgunit="513300"),
        name="indicator_3-1-1.csv",
    )
    assert outcome.ok
    assert outcome.applied
    stored = dict(
        DataValue.objects.filter(element__code="maternal_mortality_ratio").values_list(
            "year", "value"
        )
    )
    assert stored[2015] == pytest.approx(7.05)
    assert len(stored) == len(content.decode().strip().splitlines()) - 1


def test_open_sdg_provinces_by_geocode_and_headline_as_their_total() -> None:
    content = (OPENSDG / "indicator_3-2-1.csv").read_bytes()
    lines = content.decode().strip().splitlines()[1:]
    codes = sorted({line.split(",")[-2] for line in lines} - {""})
    known = codes[:4]  # four provinces exist here; the others are unknown codes
    years = sorted({int(line.split(",")[0].strip('"')) for line in lines})
    clerk = _world(orgunits=known, elements=["under5_mortality_rate"], years=[])
    _open(years)
    # Without a data element to fill, the file is refused whole, and says what it needs.
    with translation.override("en"):
        unnamed = values_import(
            actor=clerk, content=content, settings_=_canada(), name="indicator_3-2-1.csv"
        )
    [whole] = unnamed.conflicts
    assert "--element" in whole.message
    assert whole.row == 1
    with translation.override("en"):
        outcome = values_import(
            actor=clerk,
            content=content,
            settings_=_canada(element="under5_mortality_rate"),
            name="indicator_3-2-1.csv",
        )
    stored = DataValue.objects.filter(element__code="under5_mortality_rate")
    assert set(stored.values_list("orgunit__code", flat=True)) == set(known)
    expected = [line for line in lines if line.split(",")[-2] in known]
    assert stored.count() == len(expected)
    unknown = [c for c in outcome.conflicts if c.property == "GeoCode"]
    assert {c.object for c in unknown} == set(codes) - set(known)
    # The headline rows are the country's total of the provinces: not imported.
    assert len(outcome.skipped) == sum(1 for line in lines if line.split(",")[-2] == "")


def test_open_sdg_year_ranges_need_a_choice_and_sex_maps_to_options() -> None:
    clerk = _world(orgunits=[], elements=["early_learning_rate"], years=[])
    DataSet.objects.filter(code="external").update(levels=[3])
    DataElement.objects.filter(code="early_learning_rate").update(disaggregations=["sex"])
    _open(range(2017, 2023))
    content = (OPENSDG / "indicator_4-2-2.csv").read_bytes()
    with translation.override("en"):
        refused = values_import(
            actor=clerk,
            content=content,
            settings_=_canada(element="early_learning_rate", orgunit="513300"),
            name="indicator_4-2-2.csv",
        )
    assert refused.conflicts
    assert all("range" in c.message for c in refused.conflicts)
    assert not refused.applied
    outcome = values_import(
        actor=clerk,
        content=content,
        settings_=_canada(element="early_learning_rate", orgunit="513300", year_range="end"),
        name="indicator_4-2-2.csv",
    )
    assert outcome.ok, [str(c) for c in outcome.conflicts]
    stored = {
        (v.year, v.disaggregation): v.value
        for v in DataValue.objects.filter(element__code="early_learning_rate")
    }
    assert stored[(2017, "total")] == 98
    assert stored[(2017, "female")] == 98
    assert stored[(2017, "male")] == 97


def test_open_sdg_rows_with_two_breakdowns_are_refused() -> None:
    clerk = _world(orgunits=[], elements=["women_elected_share"], years=[])
    DataSet.objects.filter(code="external").update(levels=[3])
    _open(range(2015, 2025))
    content = (OPENSDG / "indicator_5-5-1.csv").read_bytes()
    with translation.override("en"):
        outcome = values_import(
            actor=clerk,
            content=content,
            settings_=_canada(element="women_elected_share", orgunit="513300"),
            name="indicator_5-5-1.csv",
        )
    assert not outcome.applied
    # Every row names a level of government and an office at once: two breakdowns, and not
    # ones Lianggang has. Each row is refused; the Progress column is not read at all.
    rows = content.decode().strip().splitlines()[1:]
    assert len(outcome.conflicts) == len(rows)
    assert {c.property for c in outcome.conflicts} == {"breakdown"}
    assert all("Government, Elected officials" in c.message for c in outcome.conflicts)
    assert outcome.summary()["status"] == "ERROR"
