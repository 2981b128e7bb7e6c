"""Writes to the framework: the idempotent loader of outline files."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from django.db import transaction

from .errors import FrameworkError, FrameworkErrorCode
from .models import (
    Area,
    DataElement,
    DisaggregationCategory,
    DisaggregationOption,
    Indicator,
    Outline,
    Target,
    TargetOverride,
)
from .schema import (
    ElementsFile,
    IndicatorSpec,
    OutlineFile,
    OverridesFile,
    framework_check,
)

SHIPPED_OUTLINES = ("women-2021", "children-2021", "women-2011", "children-2011")


@dataclass
class LoadReport:
    """What a load created and changed (idempotence: a second load creates and changes nothing)."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def count(self, model: str, created: bool, changed: bool) -> None:
        if created:
            self.created[model] = self.created.get(model, 0) + 1
        elif changed:
            self.updated[model] = self.updated.get(model, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def shipped_framework_dir() -> Path:
    return Path(str(resources.files("lianggang") / "data" / "frameworks"))


def _upsert(model: Any, report: LoadReport, lookup: dict[str, Any], values: dict[str, Any]) -> Any:
    """Create or update one row, saving only when a field differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.count(model.__name__, created=True, changed=True)
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    for k in changed:
        setattr(obj, k, values[k])
    if changed:
        obj.save(update_fields=changed)
    report.count(model.__name__, created=False, changed=bool(changed))
    return obj


@transaction.atomic
def framework_load(*, directory: Path | None = None) -> LoadReport:
    """Load data elements, the four shipped outlines and the target overrides, idempotently.

    The files are checked against their schema (``schema.py``, docs/framework-files.md) and
    against each other before anything is written: a mistake anywhere refuses the whole load.
    Departments and org units must be loaded first (``orgunits_load``); an override whose org
    unit is not in the database is skipped and reported.
    """
    framework = framework_check(directory or shipped_framework_dir(), SHIPPED_OUTLINES)
    report = LoadReport()
    _load_elements(framework.elements, report)
    for code, outline in framework.outlines.items():
        _load_outline(f"{code}.yaml", outline, report)
    _load_overrides(framework.overrides, report)
    return report


def _load_elements(data: ElementsFile, report: LoadReport) -> None:
    for cat in data.categories:
        category = _upsert(
            DisaggregationCategory,
            report,
            {"code": cat.code},
            {"name": cat.name, "name_en": cat.name_en},
        )
        for order, opt in enumerate(cat.options, start=1):
            _upsert(
                DisaggregationOption,
                report,
                {"code": opt.code},
                {
                    "category": category,
                    "name": opt.name,
                    "name_en": opt.name_en,
                    "sort_order": order,
                },
            )
    for el in data.elements:
        _upsert(
            DataElement,
            report,
            {"code": el.code},
            {
                "name": el.name,
                "name_en": el.name_en,
                "unit": el.unit,
                "aggregation": el.aggregation,
                "integer": el.integer,
                "disaggregations": list(el.disaggregations),
                "description": el.description,
            },
        )


def _load_outline(filename: str, data: OutlineFile, report: LoadReport) -> None:
    elements = {e.code: e for e in DataElement.objects.all()}
    department_model = Indicator._meta.get_field("departments").related_model
    departments = dict(department_model._default_manager.values_list("code", "pk"))
    outline = _upsert(
        Outline,
        report,
        {"code": data.code},
        {
            "kind": data.kind,
            "name": data.name,
            "name_en": data.name_en,
            "issued_by": data.issued_by,
            "start_year": data.start_year,
            "end_year": data.end_year,
            "baseline_year": data.baseline_year,
        },
    )
    for a_i, area_data in enumerate(data.areas):
        area = _upsert(
            Area,
            report,
            {"outline": outline, "code": area_data.code},
            {
                "number": area_data.number,
                "name": area_data.name,
                "name_en": area_data.name_en,
            },
        )
        for t_i, t in enumerate(area_data.targets):
            target = _upsert(
                Target,
                report,
                {"code": t.code},
                {
                    "area": area,
                    "number": t.number,
                    "sort_order": t_i + 1,
                    "text": t.text,
                    "confidence": t.confidence,
                    "source": t.source,
                },
            )
            for i_i, spec in enumerate(t.indicators):
                entry = f"areas[{a_i}].targets[{t_i}].indicators[{i_i}] (code {spec.code})"
                _load_indicator(
                    spec, i_i + 1, target, outline, elements, departments, report, filename, entry
                )


def _load_indicator(
    spec: IndicatorSpec,
    order: int,
    target: Target,
    outline: Outline,
    elements: dict[str, DataElement],
    departments: dict[str, Any],
    report: LoadReport,
    filename: str,
    entry: str,
) -> None:
    # The schema check has made sure that elements.yaml, loaded first, defines both elements.
    indicator = _upsert(
        Indicator,
        report,
        {"code": spec.code},
        {
            "target": target,
            "sort_order": order,
            "name": spec.name,
            "name_en": spec.name_en,
            "unit": spec.unit,
            "decimals": spec.decimals,
            "direction": spec.direction,
            "target_value": spec.target,
            "target_change": spec.target_change,
            "target_text": spec.target_text,
            "target_year": spec.target_year or outline.end_year,
            "baseline_year": spec.baseline_year or outline.baseline_year,
            "tolerance": spec.tolerance,
            "scale": spec.scale,
            "kind": spec.kind,
            "numerator": elements[spec.numerator],
            "denominator": elements[spec.denominator] if spec.denominator else None,
            "factor": spec.factor,
            "definition": spec.definition,
            "data_source": spec.data_source,
        },
    )
    wanted = []
    for code in spec.departments:
        if code not in departments:
            raise FrameworkError(
                FrameworkErrorCode.UNKNOWN_DEPARTMENT,
                file=filename,
                entry=entry,
                department=code,
            )
        wanted.append(departments[code])
    current = set(indicator.departments.values_list("pk", flat=True))
    if current != set(wanted):
        indicator.departments.set(wanted)
        report.count("Indicator.departments", created=not current, changed=True)


def _load_overrides(data: OverridesFile, report: LoadReport) -> None:
    orgunit_model = TargetOverride._meta.get_field("orgunit").related_model
    for row in data.overrides:
        # The schema check has made sure that an outline file defines the indicator.
        indicator = Indicator.objects.get(code=row.indicator)
        orgunit = orgunit_model._default_manager.filter(code=row.orgunit).first()
        if orgunit is None:
            report.skipped.append(f"override {row.indicator} @ {row.orgunit}")
            continue
        _upsert(
            TargetOverride,
            report,
            {"indicator": indicator, "orgunit": orgunit},
            {
                "target_value": row.target,
                "target_text": row.target_text,
                "confidence": row.confidence,
                "source": row.source,
            },
        )
