"""Writes to the hierarchy: the idempotent loader of org units and departments."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from django.db import transaction

from .models import Department, OrgUnit


@dataclass
class OrgUnitLoadReport:
    created: int = 0
    updated: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def shipped_orgunit_dir() -> Path:
    return Path(str(resources.files("lianggang") / "data" / "orgunits"))


def _save(obj: OrgUnit | Department, values: dict[str, object], report: OrgUnitLoadReport) -> None:
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    for k in changed:
        setattr(obj, k, values[k])
    if obj.pk is None:
        obj.save()
        report.created += 1
    elif changed:
        obj.save(update_fields=changed)
        report.updated += 1


@transaction.atomic
def orgunits_load(*, directory: Path | None = None) -> OrgUnitLoadReport:
    """Load the hierarchy (parents before children) and the member departments."""
    directory = directory or shipped_orgunit_dir()
    report = OrgUnitLoadReport()
    with (directory / "hierarchy.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_code: dict[str, OrgUnit] = {o.code: o for o in OrgUnit.objects.all()}
    for order, row in enumerate(sorted(rows, key=lambda r: int(r["level"])), start=1):
        parent = by_code[row["parent"]] if row["parent"] else None
        obj = by_code.get(row["code"]) or OrgUnit(code=row["code"])
        _save(
            obj,
            {
                "name": row["name"],
                "name_en": row["name_en"],
                "kind": row["kind"],
                "level": int(row["level"]),
                "parent": parent,
                "path": (parent.path if parent else "/") + row["code"] + "/",
                "population": int(row["population"]) if row["population"] else None,
                "aggregated": row["aggregated"].strip().lower() == "true",
                "sort_order": order,
            },
            report,
        )
        by_code[obj.code] = obj
    with (directory / "departments.csv").open(encoding="utf-8") as f:
        for order, row in enumerate(csv.DictReader(f), start=1):
            dept = Department.objects.filter(code=row["code"]).first() or Department(
                code=row["code"]
            )
            _save(
                dept,
                {
                    "name": row["name"],
                    "name_en": row["name_en"],
                    "typical_indicators": row["typical_indicators"],
                    "sort_order": order,
                },
                report,
            )
    return report
