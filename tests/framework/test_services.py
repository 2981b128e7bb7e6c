import csv
import shutil
from importlib import resources
from pathlib import Path

import pytest

from lianggang.framework.errors import FrameworkError, FrameworkErrorCode
from lianggang.framework.models import Indicator, Outline, Target, TargetOverride
from lianggang.framework.services import framework_load, shipped_framework_dir

pytestmark = pytest.mark.django_db
REFERENCE = Path(str(resources.files("lianggang") / "data" / "reference"))


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_reference_target_is_a_target_with_its_confidence() -> None:
    expected = {
        "women-2021": len(_rows("targets_women_2021_2030.csv")),
        "children-2021": len(_rows("targets_children_2021_2030.csv")),
        "women-2011": sum(r["outline"] == "W" for r in _rows("national_2011_2020.csv")),
        "children-2011": sum(r["outline"] == "C" for r in _rows("national_2011_2020.csv")),
    }
    for code, n in expected.items():
        assert Target.objects.filter(area__outline__code=code).count() == n, code
    assert not Target.objects.filter(confidence="").exists()
    mmr = Target.objects.get(indicators__code="w21-mmr")
    assert mmr.confidence == "S"
    assert "NHC" in mmr.source
    employment = Target.objects.get(indicators__code="w21-female-employment")
    assert employment.confidence == "?"
    assert "CONFLICT" in employment.source


def test_outlines_and_areas() -> None:
    assert set(Outline.objects.values_list("code", flat=True)) == {
        "women-2021",
        "children-2021",
        "women-2011",
        "children-2011",
    }
    assert Outline.objects.get(code="women-2021").areas.count() == 8
    assert Outline.objects.get(code="children-2021").areas.count() == 7


def test_measurable_indicators_have_real_formulas() -> None:
    mmr = Indicator.objects.get(code="w21-mmr")
    assert (mmr.numerator.code, mmr.denominator and mmr.denominator.code, mmr.factor) == (
        "maternal_deaths",
        "live_births",
        100000,
    )
    assert (mmr.kind, mmr.scale, mmr.direction, mmr.target_value) == ("count", "log", "<=", 12)
    pre = Indicator.objects.get(code="c21-preschool")
    assert (pre.numerator.code, pre.denominator and pre.denominator.code) == (
        "preschool_enrolled",
        "pop_3_5",
    )
    assert (pre.factor, pre.scale, pre.kind) == (100, "linear", "value")
    village = Indicator.objects.get(code="w21-village-committee")
    assert (village.numerator.code, village.factor, village.target_value) == (
        "village_committee_female",
        100,
        30,
    )
    assert Indicator.objects.get(code="c21-injury-deaths").target_change == pytest.approx(-0.2)
    assert set(mmr.departments.values_list("code", flat=True)) == {"health"}


def test_qualitative_targets_have_no_indicator() -> None:
    qualitative = Target.objects.filter(area__outline__code="women-2021", indicators=None)
    assert qualitative.filter(text__contains="妇幼健康服务体系").exists()


def test_shipped_overrides() -> None:
    ganzi = TargetOverride.objects.get(indicator__code="c21-preschool")
    assert (ganzi.orgunit.code, ganzi.target_value) == ("513300", 92.5)
    sichuan = TargetOverride.objects.get(indicator__code="w21-girls-upper-sec")
    assert (sichuan.orgunit.code, sichuan.target_value) == ("510000", 95)


def test_loading_again_changes_nothing() -> None:
    assert not framework_load().changed


def test_a_file_naming_an_unknown_element_is_refused_whole(tmp_path: Path) -> None:
    shutil.copytree(shipped_framework_dir(), tmp_path, dirs_exist_ok=True)
    path = tmp_path / "children-2021.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "numerator: preschool_enrolled", "numerator: preschool_enroled"
        ),
        encoding="utf-8",
    )
    before = Indicator.objects.get(code="c21-preschool").numerator_id
    with pytest.raises(FrameworkError) as info:
        framework_load(directory=tmp_path)
    assert info.value.code == FrameworkErrorCode.UNKNOWN_ELEMENT
    assert "c21-preschool" in str(info.value)
    assert "preschool_enroled" in str(info.value)
    assert Indicator.objects.get(code="c21-preschool").numerator_id == before
