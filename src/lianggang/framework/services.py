"""Writes to the framework: the idempotent loader of outline files."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
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


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FrameworkError(FrameworkErrorCode.INVALID_FILE, file=path.name, problem=exc) from exc
    if not isinstance(data, dict):
        raise FrameworkError(
            FrameworkErrorCode.INVALID_FILE, file=path.name, problem="not a mapping"
        )
    return data


@transaction.atomic
def framework_load(*, directory: Path | None = None) -> LoadReport:
    """Load data elements, the four shipped outlines and the target overrides, idempotently.

    Departments and org units must be loaded first (``orgunits_load``); an override whose org
    unit is not in the database is skipped and reported.
    """
    directory = directory or shipped_framework_dir()
    report = LoadReport()
    _load_elements(directory / "elements.yaml", report)
    for code in SHIPPED_OUTLINES:
        _load_outline(directory / f"{code}.yaml", report)
    _load_overrides(directory / "overrides.yaml", report)
    return report


def _load_elements(path: Path, report: LoadReport) -> None:
    data = _read(path)
    for cat in data.get("categories", []):
        category = _upsert(
            DisaggregationCategory,
            report,
            {"code": cat["code"]},
            {"name": cat["name"], "name_en": cat.get("name_en", "")},
        )
        for order, opt in enumerate(cat.get("options", []), start=1):
            _upsert(
                DisaggregationOption,
                report,
                {"code": opt["code"]},
                {
                    "category": category,
                    "name": opt["name"],
                    "name_en": opt.get("name_en", ""),
                    "sort_order": order,
                },
            )
    for el in data["elements"]:
        _upsert(
            DataElement,
            report,
            {"code": el["code"]},
            {
                "name": el["name"],
                "name_en": el.get("name_en", ""),
                "unit": el.get("unit", ""),
                "aggregation": el.get("aggregation", "sum"),
                "integer": el.get("integer", True),
                "disaggregations": el.get("disaggregations", []),
                "description": el.get("description", ""),
            },
        )


def _load_outline(path: Path, report: LoadReport) -> None:
    data = _read(path)
    elements = {e.code: e for e in DataElement.objects.all()}
    department_model = Indicator._meta.get_field("departments").related_model
    departments = dict(department_model._default_manager.values_list("code", "pk"))
    outline = _upsert(
        Outline,
        report,
        {"code": data["code"]},
        {k: data.get(k, "") for k in ("kind", "name", "name_en", "issued_by")}
        | {k: data[k] for k in ("start_year", "end_year", "baseline_year")},
    )
    for area_data in data["areas"]:
        area = _upsert(
            Area,
            report,
            {"outline": outline, "code": area_data["code"]},
            {
                "number": area_data["number"],
                "name": area_data["name"],
                "name_en": area_data.get("name_en", ""),
            },
        )
        for order, t in enumerate(area_data["targets"], start=1):
            target = _upsert(
                Target,
                report,
                {"code": t["code"]},
                {
                    "area": area,
                    "number": str(t["number"]),
                    "sort_order": order,
                    "text": t["text"],
                    "confidence": t["confidence"],
                    "source": t.get("source", ""),
                },
            )
            for i_order, spec in enumerate(t.get("indicators", []), start=1):
                _load_indicator(
                    spec, i_order, target, outline, elements, departments, path.name, report
                )


def _load_indicator(
    spec: dict[str, Any],
    order: int,
    target: Target,
    outline: Outline,
    elements: dict[str, DataElement],
    departments: dict[str, Any],
    filename: str,
    report: LoadReport,
) -> None:
    def element(code: str | None) -> DataElement | None:
        if code is None:
            return None
        if code not in elements:
            raise FrameworkError(
                FrameworkErrorCode.UNKNOWN_ELEMENT,
                file=filename,
                indicator=spec["code"],
                element=code,
            )
        return elements[code]

    indicator = _upsert(
        Indicator,
        report,
        {"code": spec["code"]},
        {
            "target": target,
            "sort_order": order,
            "name": spec["name"],
            "name_en": spec.get("name_en", ""),
            "unit": spec.get("unit", ""),
            "decimals": spec.get("decimals", 1),
            "direction": spec["direction"],
            "target_value": spec.get("target"),
            "target_change": spec.get("target_change"),
            "target_text": spec.get("target_text", ""),
            "target_year": spec.get("target_year", outline.end_year),
            "baseline_year": spec.get("baseline_year", outline.baseline_year),
            "tolerance": spec.get("tolerance"),
            "scale": spec["scale"],
            "kind": spec["kind"],
            "numerator": element(spec["numerator"]),
            "denominator": element(spec.get("denominator")),
            "factor": float(spec.get("factor", 1)),
            "definition": spec.get("definition", ""),
            "data_source": spec.get("data_source", ""),
        },
    )
    wanted = []
    for code in spec.get("departments", []):
        if code not in departments:
            raise FrameworkError(
                FrameworkErrorCode.UNKNOWN_DEPARTMENT,
                file=filename,
                indicator=spec["code"],
                department=code,
            )
        wanted.append(departments[code])
    current = set(indicator.departments.values_list("pk", flat=True))
    if current != set(wanted):
        indicator.departments.set(wanted)
        report.count("Indicator.departments", created=not current, changed=True)


def _load_overrides(path: Path, report: LoadReport) -> None:
    data = _read(path)
    orgunit_model = TargetOverride._meta.get_field("orgunit").related_model
    for row in data.get("overrides", []):
        indicator = Indicator.objects.filter(code=row["indicator"]).first()
        if indicator is None:
            raise FrameworkError(
                FrameworkErrorCode.UNKNOWN_INDICATOR, file=path.name, indicator=row["indicator"]
            )
        orgunit = orgunit_model._default_manager.filter(code=str(row["orgunit"])).first()
        if orgunit is None:
            report.skipped.append(f"override {row['indicator']} @ {row['orgunit']}")
            continue
        _upsert(
            TargetOverride,
            report,
            {"indicator": indicator, "orgunit": orgunit},
            {
                "target_value": float(row["target"]),
                "target_text": row.get("target_text", ""),
                "confidence": row.get("confidence", "S"),
                "source": row.get("source", ""),
            },
        )
