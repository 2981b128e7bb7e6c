"""The schema of the framework files, checked before anything of them is loaded.

The YAML files in ``data/frameworks/`` are the one source of the framework and are edited by
hand; ``docs/framework-files.md`` describes every key. ``framework_check`` reads a directory of
them, checks each file against the pydantic models below and the files against each other, and
returns the parsed entries. Every mistake raises a ``FrameworkError`` naming the file and the
entry, e.g. ``women-2021.yaml: areas[2].targets[0].indicators[1] (code w21-x): "direction" must
be one of ">=", "<=", …``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from django.db import models
from django.utils.translation import gettext as _
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from .errors import FrameworkError, FrameworkErrorCode
from .models import Aggregation, Confidence, Direction, Kind, OutlineKind, Scale

Path_ = tuple[int | str, ...]
M = TypeVar("M", bound=BaseModel)

# Field types ------------------------------------------------------------------------------------

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


def _one_of(choices: type[models.TextChoices]) -> BeforeValidator:
    """A string among the model's choices (the one list of allowed values)."""
    allowed = [str(v) for v in choices.values]

    def check(value: object) -> object:
        if not isinstance(value, str) or value not in allowed:
            raise PydanticCustomError(
                "choice",
                "must be one of {expected}",
                {"expected": ", ".join(f'"{v}"' for v in allowed)},
            )
        return value

    return BeforeValidator(check)


def _whole_number_as_text(value: object) -> object:
    """``number: 3`` and ``orgunit: 510000`` mean the text ``"3"`` and ``"510000"``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Slug40 = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=40)]
Slug60 = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=60)]
Code40 = Annotated[str, StringConstraints(min_length=1, max_length=40)]
Name100 = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Name200 = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Wording = Annotated[str, StringConstraints(min_length=1)]
Text40 = Annotated[str, StringConstraints(max_length=40)]
Text100 = Annotated[str, StringConstraints(max_length=100)]
Text200 = Annotated[str, StringConstraints(max_length=200)]
Number = Annotated[
    str, StringConstraints(min_length=1, max_length=10), BeforeValidator(_whole_number_as_text)
]
OrgUnitCode = Annotated[
    str, StringConstraints(min_length=1, max_length=20), BeforeValidator(_whole_number_as_text)
]
Year = Annotated[int, Field(ge=1900, le=2200)]
AggregationValue = Annotated[str, _one_of(Aggregation)]
ConfidenceValue = Annotated[str, _one_of(Confidence)]
DirectionValue = Annotated[str, _one_of(Direction)]
KindValue = Annotated[str, _one_of(Kind)]
OutlineKindValue = Annotated[str, _one_of(OutlineKind)]
ScaleValue = Annotated[str, _one_of(Scale)]


class _Entry(BaseModel):
    # strict: YAML's types are meant (no "2021" for 2021, no yes for true); extra keys are typos.
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


# elements.yaml --------------------------------------------------------------------------------


class OptionSpec(_Entry):
    code: Slug40
    name: Name100
    name_en: Text100 = ""


class CategorySpec(_Entry):
    code: Slug40
    name: Name100
    name_en: Text100 = ""
    options: list[OptionSpec] = []


class ElementSpec(_Entry):
    code: Slug60
    name: Name200
    name_en: Text200 = ""
    unit: Text40 = ""
    aggregation: AggregationValue = Aggregation.SUM.value
    integer: bool = True
    disaggregations: list[Slug40] = []
    description: str = ""


class ElementsFile(_Entry):
    categories: list[CategorySpec] = []
    elements: list[ElementSpec]


# <outline>.yaml -------------------------------------------------------------------------------


class IndicatorSpec(_Entry):
    code: Slug60
    name: Name200
    name_en: Text200 = ""
    unit: Text40 = ""
    decimals: Annotated[int, Field(ge=0, le=10)] = 1
    direction: DirectionValue
    target: float | None = None
    target_change: float | None = None
    target_text: Text200 = ""
    target_year: Year | None = None
    baseline_year: Year | None = None
    tolerance: Annotated[float, Field(ge=0)] | None = None
    scale: ScaleValue
    kind: KindValue
    numerator: Slug60
    denominator: Slug60 | None = None
    factor: Annotated[float, Field(gt=0)] = 1.0
    departments: list[Code40] = []
    definition: str = ""
    data_source: str = ""


class TargetSpec(_Entry):
    code: Code40
    number: Number
    text: Wording
    confidence: ConfidenceValue
    source: str = ""
    indicators: list[IndicatorSpec] = []


class AreaSpec(_Entry):
    code: Code40
    number: Annotated[int, Field(ge=1, le=32767)]
    name: Name100
    name_en: Text100 = ""
    targets: list[TargetSpec]


class OutlineFile(_Entry):
    code: Slug40
    kind: OutlineKindValue
    name: Name200
    name_en: Text200 = ""
    issued_by: Text200 = ""
    start_year: Year
    end_year: Year
    baseline_year: Year
    areas: list[AreaSpec]


# overrides.yaml -------------------------------------------------------------------------------


class OverrideSpec(_Entry):
    indicator: Slug60
    orgunit: OrgUnitCode
    target: float
    target_text: Text200 = ""
    confidence: ConfidenceValue = Confidence.SOURCED.value
    source: str = ""


class OverridesFile(_Entry):
    overrides: list[OverrideSpec] = []


# Messages -------------------------------------------------------------------------------------

# pydantic's error types -> our translated wording of the problem with one key.
_PROBLEMS: dict[str, Callable[[], str]] = {
    "missing": lambda: _('"%(key)s" is required'),
    "extra_forbidden": lambda: _('"%(key)s" is not a known key'),
    "string_type": lambda: _('"%(key)s" must be text'),
    "int_type": lambda: _('"%(key)s" must be a whole number'),
    "float_type": lambda: _('"%(key)s" must be a number'),
    "bool_type": lambda: _('"%(key)s" must be true or false'),
    "list_type": lambda: _('"%(key)s" must be a list'),
    "model_type": lambda: _('"%(key)s" must be a mapping of keys to values'),
    "string_too_short": lambda: _('"%(key)s" must not be empty'),
    "string_too_long": lambda: _('"%(key)s" must be at most %(max_length)s characters long'),
    "string_pattern_mismatch": lambda: _('"%(key)s" may contain only letters, digits, "-" and "_"'),
    "greater_than": lambda: _('"%(key)s" must be greater than %(gt)s'),
    "greater_than_equal": lambda: _('"%(key)s" must be at least %(ge)s'),
    "less_than_equal": lambda: _('"%(key)s" must be at most %(le)s'),
    "choice": lambda: _('"%(key)s" must be one of %(expected)s'),
}


def _format_path(path: Iterable[int | str]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def entry_label(path: Path_, raw: Any) -> str:
    """``areas[2].targets[0] (code women-2021-t09)``: where an entry is, and which it is."""
    if not path:
        return _("top level")
    for key in ("code", "indicator"):
        if isinstance(raw, dict) and isinstance(raw.get(key), str | int):
            return _label(path, raw[key], key)
    return _format_path(path)


def _label(path: Path_, code: object, key: str = "code") -> str:
    return f"{_format_path(path)} ({key} {code})"


def _at(data: Any, path: Path_) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _schema_error(filename: str, data: Any, error: ErrorDetails) -> FrameworkError:
    loc = tuple(error["loc"])
    # The entry is the deepest list item that is a mapping; the rest of the path is the key.
    split = 0
    for i in range(len(loc) - 1):
        if isinstance(loc[i], int) and isinstance(_at(data, loc[: i + 1]), dict):
            split = i + 1
    entry, key = loc[:split], loc[split:]
    params = {"key": _format_path(key)} | dict(error.get("ctx") or {})
    wording = _PROBLEMS.get(error["type"])
    problem = wording() % params if wording else f'"{params["key"]}": {error["msg"]}'
    return FrameworkError(
        FrameworkErrorCode.INVALID_ENTRY,
        file=filename,
        entry=entry_label(entry, _at(data, entry)),
        problem=problem,
    )


def read_file(path: Path, model: type[M]) -> M:
    """One file, parsed and checked against its model."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FrameworkError(FrameworkErrorCode.INVALID_FILE, file=path.name, problem=exc) from exc
    if not isinstance(data, dict):
        raise FrameworkError(
            FrameworkErrorCode.INVALID_FILE, file=path.name, problem=_("not a mapping")
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _schema_error(path.name, data, exc.errors()[0]) from exc


# The files together -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Framework:
    """A directory of framework files, checked; outlines in loading order."""

    elements: ElementsFile
    outlines: dict[str, OutlineFile]
    overrides: OverridesFile


class _Codes:
    """Codes seen so far and where, to refuse a second entry with the same code."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.seen: dict[str, str] = {}

    def add(self, code: str, filename: str, entry: str) -> None:
        where = f"{filename}: {entry}"
        if code in self.seen:
            raise FrameworkError(
                FrameworkErrorCode.DUPLICATE_CODE,
                file=filename,
                entry=entry,
                key=self.key,
                value=code,
                other=self.seen[code],
            )
        self.seen[code] = where


def _invalid(filename: str, entry: str, problem: str) -> FrameworkError:
    return FrameworkError(
        FrameworkErrorCode.INVALID_ENTRY, file=filename, entry=entry, problem=problem
    )


def _check_elements(filename: str, spec: ElementsFile) -> set[str]:
    categories, options, elements = _Codes("code"), _Codes("code"), _Codes("code")
    for c_i, cat in enumerate(spec.categories):
        categories.add(cat.code, filename, _label(("categories", c_i), cat.code))
        for o_i, opt in enumerate(cat.options):
            path: Path_ = ("categories", c_i, "options", o_i)
            options.add(opt.code, filename, _label(path, opt.code))
    for e_i, el in enumerate(spec.elements):
        label = _label(("elements", e_i), el.code)
        elements.add(el.code, filename, label)
        for category in el.disaggregations:
            if category not in categories.seen:
                raise _invalid(
                    filename,
                    label,
                    _('"disaggregations" names category %(category)s, which is not defined')
                    % {"category": category},
                )
    return set(elements.seen)


def _check_outline(
    filename: str,
    spec: OutlineFile,
    elements: set[str],
    targets: _Codes,
    indicators: _Codes,
) -> None:
    top = entry_label((), None)
    if spec.code != Path(filename).stem:
        raise _invalid(
            filename,
            top,
            _('"code" must be %(expected)s, the name of the file')
            % {"expected": Path(filename).stem},
        )
    if spec.end_year <= spec.start_year:
        raise _invalid(filename, top, _('"end_year" must be after "start_year"'))
    areas = _Codes("code")
    for a_i, area in enumerate(spec.areas):
        areas.add(area.code, filename, _label(("areas", a_i), area.code))
        for t_i, target in enumerate(area.targets):
            t_path: Path_ = ("areas", a_i, "targets", t_i)
            targets.add(target.code, filename, _label(t_path, target.code))
            for i_i, ind in enumerate(target.indicators):
                label = _label((*t_path, "indicators", i_i), ind.code)
                indicators.add(ind.code, filename, label)
                _check_indicator(filename, label, ind, elements)


def _check_indicator(filename: str, label: str, ind: IndicatorSpec, elements: set[str]) -> None:
    for key in ("numerator", "denominator"):
        code = getattr(ind, key)
        if code is not None and code not in elements:
            raise FrameworkError(
                FrameworkErrorCode.UNKNOWN_ELEMENT,
                file=filename,
                entry=label,
                key=key,
                element=code,
            )
    numeric = (Direction.AT_LEAST, Direction.AT_MOST, Direction.AROUND)
    if ind.direction in numeric and ind.target is None and ind.target_change is None:
        raise _invalid(
            filename,
            label,
            _('direction "%(direction)s" needs "target" or "target_change"')
            % {"direction": ind.direction},
        )
    if ind.kind in (Kind.PROPORTION, Kind.COUNT) and ind.denominator is None:
        raise _invalid(
            filename,
            label,
            _('kind "%(kind)s" needs a "denominator"') % {"kind": ind.kind},
        )


def _check_overrides(filename: str, spec: OverridesFile, indicators: set[str]) -> None:
    pairs = _Codes("indicator @ orgunit")
    for r_i, row in enumerate(spec.overrides):
        label = _label(("overrides", r_i), row.indicator, "indicator")
        if row.indicator not in indicators:
            raise FrameworkError(
                FrameworkErrorCode.UNKNOWN_INDICATOR,
                file=filename,
                entry=label,
                indicator=row.indicator,
            )
        pairs.add(f"{row.indicator} @ {row.orgunit}", filename, label)


def framework_check(directory: Path, outlines: Sequence[str]) -> Framework:
    """Read and check ``elements.yaml``, the outline files and ``overrides.yaml``."""
    elements = read_file(directory / "elements.yaml", ElementsFile)
    element_codes = _check_elements("elements.yaml", elements)
    targets, indicators = _Codes("code"), _Codes("code")
    parsed = {}
    for code in outlines:
        filename = f"{code}.yaml"
        parsed[code] = read_file(directory / filename, OutlineFile)
        _check_outline(filename, parsed[code], element_codes, targets, indicators)
    overrides = read_file(directory / "overrides.yaml", OverridesFile)
    _check_overrides("overrides.yaml", overrides, set(indicators.seen))
    return Framework(elements=elements, outlines=parsed, overrides=overrides)
