"""The framework files are the one source: hand-edited, checked against their schema on loading.

Each mistake is written into a copy of the shipped files; the load must be refused with a message
naming the file and the entry, and nothing of the copy may reach the database.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.utils import translation
from pydantic import BaseModel

from lianggang.framework import schema
from lianggang.framework.errors import FrameworkError, FrameworkErrorCode
from lianggang.framework.models import Indicator, Outline
from lianggang.framework.services import (
    SHIPPED_OUTLINES,
    framework_load,
    shipped_framework_dir,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "framework-files.md"
FILES = ("elements.yaml", *(f"{c}.yaml" for c in SHIPPED_OUTLINES), "overrides.yaml")


def test_the_shipped_files_pass_the_schema() -> None:
    framework = schema.framework_check(shipped_framework_dir(), SHIPPED_OUTLINES)
    assert list(framework.outlines) == list(SHIPPED_OUTLINES)
    assert len(framework.elements.elements) == 116
    indicators = [
        i
        for o in framework.outlines.values()
        for a in o.areas
        for t in a.targets
        for i in t.indicators
    ]
    assert len(indicators) == 93
    assert len(framework.overrides.overrides) == 2


def test_the_shipped_files_say_they_are_the_source() -> None:
    for name in (*FILES, "validation.yaml"):
        head = (shipped_framework_dir() / name).read_text(encoding="utf-8")[:400]
        assert "edit by hand" in head or "edit it by hand" in head, name
        assert "docs/framework-files.md" in head, name
        assert "Generated" not in head, name


@pytest.mark.parametrize(
    "model",
    [
        schema.OptionSpec,
        schema.CategorySpec,
        schema.ElementSpec,
        schema.ElementsFile,
        schema.IndicatorSpec,
        schema.TargetSpec,
        schema.AreaSpec,
        schema.OutlineFile,
        schema.OverrideSpec,
        schema.OverridesFile,
    ],
)
def test_the_documentation_describes_every_key(model: type[BaseModel]) -> None:
    docs = DOCS.read_text(encoding="utf-8")
    missing = [key for key in model.model_fields if f"`{key}`" not in docs]
    assert not missing, f"{model.__name__}: {missing} not in {DOCS.name}"


# Mistakes -------------------------------------------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(shipped_framework_dir(), tmp_path, dirs_exist_ok=True)
    return tmp_path


def _edit(directory: Path, name: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = directory / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _mmr(d: dict[str, Any]) -> dict[str, Any]:
    """women-2021.yaml: areas[0].targets[1].indicators[0], the maternal mortality ratio."""
    spec: dict[str, Any] = d["areas"][0]["targets"][1]["indicators"][0]
    assert spec["code"] == "w21-mmr"
    return spec


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: _mmr(d).__setitem__(key, value)


MMR = "women-2021.yaml: areas[0].targets[1].indicators[0] (code w21-mmr): "

MISTAKES: list[tuple[str, str, Callable[[dict[str, Any]], None], FrameworkErrorCode, str]] = [
    (
        "bad direction",
        "women-2021.yaml",
        _set("direction", "below"),
        FrameworkErrorCode.INVALID_ENTRY,
        MMR + '"direction" must be one of ">=", "<=", "~", "up", "down"',
    ),
    (
        "unquoted ~ is null",
        "women-2021.yaml",
        _set("direction", None),
        FrameworkErrorCode.INVALID_ENTRY,
        MMR + '"direction" must be one of',
    ),
    (
        "unknown key",
        "women-2021.yaml",
        _set("targt", 12),
        FrameworkErrorCode.INVALID_ENTRY,
        MMR + '"targt" is not a known key',
    ),
    (
        "missing key",
        "women-2021.yaml",
        lambda d: _mmr(d).pop("kind"),
        FrameworkErrorCode.INVALID_ENTRY,
        MMR + '"kind" is required',
    ),
    (
        "wrong type",
        "women-2021.yaml",
        _set("target", "12"),
        FrameworkErrorCode.INVALID_ENTRY,
        MMR + '"target" must be a number',
    ),
    (
        "wrong type in a list",
        "women-2021.yaml",
        _set("departments", ["health", 3]),
        FrameworkErrorCode.INVALID_ENTRY,
        MMR + '"departments[1]" must be text',
    ),
    (
        "factor not positive",
        "women-2021.yaml",
        _set("factor", 0),
        FrameworkErrorCode.INVALID_ENTRY,
        MMR + '"factor" must be greater than 0',
    ),
    (
        "numeric direction without a target",
        "women-2021.yaml",
        lambda d: _mmr(d).pop("target"),
        FrameworkErrorCode.INVALID_ENTRY,
        MMR + 'direction "<=" needs "target" or "target_change"',
    ),
    (
        "rate without a denominator",
        "women-2021.yaml",
        lambda d: _mmr(d).pop("denominator"),
        FrameworkErrorCode.INVALID_ENTRY,
        MMR + 'kind "count" needs a "denominator"',
    ),
    (
        "unknown element",
        "women-2021.yaml",
        _set("denominator", "live_birth"),
        FrameworkErrorCode.UNKNOWN_ELEMENT,
        MMR + '"denominator" names data element live_birth, which is not defined',
    ),
    (
        "bad code",
        "women-2021.yaml",
        _set("code", "w21 mmr"),
        FrameworkErrorCode.INVALID_ENTRY,
        "women-2021.yaml: areas[0].targets[1].indicators[0] (code w21 mmr): "
        '"code" may contain only letters, digits, "-" and "_"',
    ),
    (
        "duplicate indicator code across outlines",
        "children-2021.yaml",
        lambda d: d["areas"][0]["targets"][0]["indicators"][0].__setitem__("code", "w21-mmr"),
        FrameworkErrorCode.DUPLICATE_CODE,
        "children-2021.yaml: areas[0].targets[0].indicators[0] (code w21-mmr): code w21-mmr "
        "is already used at women-2021.yaml: areas[0].targets[1].indicators[0]",
    ),
    (
        "duplicate target code",
        "women-2011.yaml",
        lambda d: d["areas"][0]["targets"][1].__setitem__("code", "women-2011-t01"),
        FrameworkErrorCode.DUPLICATE_CODE,
        "women-2011.yaml: areas[0].targets[1] (code women-2011-t01): code women-2011-t01 is "
        "already used at women-2011.yaml: areas[0].targets[0]",
    ),
    (
        "bad confidence",
        "women-2011.yaml",
        lambda d: d["areas"][0]["targets"][0].__setitem__("confidence", "X"),
        FrameworkErrorCode.INVALID_ENTRY,
        'women-2011.yaml: areas[0].targets[0] (code women-2011-t01): "confidence" must be one '
        'of "S", "S~", "S local", "M", "M+", "?"',
    ),
    (
        "year as text",
        "women-2011.yaml",
        lambda d: d.__setitem__("start_year", "2011"),
        FrameworkErrorCode.INVALID_ENTRY,
        'women-2011.yaml: top level: "start_year" must be a whole number',
    ),
    (
        "outline code not the file's name",
        "children-2011.yaml",
        lambda d: d.__setitem__("code", "children-2012"),
        FrameworkErrorCode.INVALID_ENTRY,
        'children-2011.yaml: top level: "code" must be children-2011, the name of the file',
    ),
    (
        "area that is not a mapping",
        "children-2011.yaml",
        lambda d: d["areas"].append("儿童与法律保护"),
        FrameworkErrorCode.INVALID_ENTRY,
        'children-2011.yaml: top level: "areas[3]" must be a mapping',
    ),
    (
        "bad aggregation",
        "elements.yaml",
        lambda d: d["elements"][1].__setitem__("aggregation", "mean"),
        FrameworkErrorCode.INVALID_ENTRY,
        'elements.yaml: elements[1] (code population_total): "aggregation" must be one of '
        '"sum", "none"',
    ),
    (
        "unknown category",
        "elements.yaml",
        lambda d: d["elements"][0].__setitem__("disaggregations", ["residance"]),
        FrameworkErrorCode.INVALID_ENTRY,
        'elements.yaml: elements[0] (code live_births): "disaggregations" names category '
        "residance, which is not defined",
    ),
    (
        "duplicate element",
        "elements.yaml",
        lambda d: d["elements"].append(dict(d["elements"][0])),
        FrameworkErrorCode.DUPLICATE_CODE,
        "(code live_births): code live_births is already used at elements.yaml: elements[0]",
    ),
    (
        "override of an unknown indicator",
        "overrides.yaml",
        lambda d: d["overrides"][1].__setitem__("indicator", "c21-preschol"),
        FrameworkErrorCode.UNKNOWN_INDICATOR,
        "overrides.yaml: overrides[1] (indicator c21-preschol): indicator c21-preschol is not "
        "defined in any outline file",
    ),
    (
        "override without a target",
        "overrides.yaml",
        lambda d: d["overrides"][0].pop("target"),
        FrameworkErrorCode.INVALID_ENTRY,
        'overrides.yaml: overrides[0] (indicator w21-girls-upper-sec): "target" is required',
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "change", "code", "message"),
    [pytest.param(*m[1:], id=m[0]) for m in MISTAKES],
)
def test_a_mistake_is_refused_naming_the_file_and_the_entry(
    tmp_path: Path,
    name: str,
    change: Callable[[dict[str, Any]], None],
    code: FrameworkErrorCode,
    message: str,
) -> None:
    directory = _copy(tmp_path)
    _edit(directory, name, change)
    with translation.override("en"), pytest.raises(FrameworkError) as info:
        framework_load(directory=directory)
    assert info.value.code == code
    assert message in str(info.value)
    assert str(info.value).startswith(f"{name}: ")


@pytest.mark.django_db
def test_an_unknown_department_is_named_with_its_entry(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory, "women-2021.yaml", _set("departments", ["health", "helth"]))
    name_before = Indicator.objects.get(code="w21-life-exp").name
    with translation.override("en"), pytest.raises(FrameworkError) as info:
        framework_load(directory=directory)
    assert info.value.code == FrameworkErrorCode.UNKNOWN_DEPARTMENT
    assert str(info.value).startswith(MMR + "department helth is not loaded")
    assert Indicator.objects.get(code="w21-life-exp").name == name_before


@pytest.mark.django_db
def test_a_refused_load_writes_nothing(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory, "women-2021.yaml", lambda d: d.__setitem__("name", "改过的名称"))
    _edit(directory, "overrides.yaml", lambda d: d["overrides"][0].__setitem__("target", "95"))
    with pytest.raises(FrameworkError):
        framework_load(directory=directory)
    assert Outline.objects.get(code="women-2021").name == "中国妇女发展纲要（2021—2030年）"


def test_an_unreadable_file_is_named(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "overrides.yaml").write_text("overrides: [\n", encoding="utf-8")
    with translation.override("en"), pytest.raises(FrameworkError) as info:
        schema.framework_check(directory, SHIPPED_OUTLINES)
    assert info.value.code == FrameworkErrorCode.INVALID_FILE
    assert str(info.value).startswith("overrides.yaml: ")


@pytest.mark.django_db
def test_the_messages_are_translated(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory, "women-2021.yaml", _set("direction", "below"))
    with translation.override("zh-hans"), pytest.raises(FrameworkError) as info:
        framework_load(directory=directory)
    assert str(info.value).startswith(
        "women-2021.yaml：areas[0].targets[1].indicators[0] (code w21-mmr)："
        "“direction”必须是以下之一："
    )


# Hand edits -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_hand_edit_of_the_file_is_what_gets_loaded(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    path = directory / "women-2021.yaml"
    text = path.read_text(encoding="utf-8")
    line = "    - code: w21-mmr\n      name: 孕产妇死亡率\n"
    assert text.count(line) == 1
    path.write_text(
        text.replace(line, "    - code: w21-mmr\n      name: 孕产妇死亡率（手改）\n").replace(
            "      target: 12\n", "      target: 11.5\n", 1
        ),
        encoding="utf-8",
    )
    report = framework_load(directory=directory)
    mmr = Indicator.objects.get(code="w21-mmr")
    assert (mmr.name, mmr.target_value) == ("孕产妇死亡率（手改）", 11.5)
    assert report.updated == {"Indicator": 1}
    assert not report.created
    assert not framework_load(directory=directory).changed
