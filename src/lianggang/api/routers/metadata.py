"""The framework and the hierarchy: outlines, areas, indicators, data elements,
disaggregations, org units, departments. Every signed-in user reads them all.

No ``from __future__ import annotations`` here: django-ninja reads the annotations at import.
"""

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from lianggang.framework.models import (
    Area,
    DataElement,
    DisaggregationOption,
    Indicator,
    Outline,
    TargetOverride,
)
from lianggang.orgunits.models import Department, OrgUnit

from ..common import Page
from ..errors import ERRORS, not_found

router = Router(tags=["metadata"])


class OutlineOut(Schema):
    code: str
    kind: str
    name: str
    name_en: str
    start_year: int
    end_year: int
    baseline_year: int


class AreaOut(Schema):
    code: str
    outline: str
    number: int
    name: str
    name_en: str

    @staticmethod
    def resolve_outline(obj: Area) -> str:
        return obj.outline.code


class OverrideOut(Schema):
    orgunit: str
    target_value: float
    target_text: str

    @staticmethod
    def resolve_orgunit(obj: TargetOverride) -> str:
        return obj.orgunit.code


class IndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    outline: str
    area: str
    target: str
    target_wording: str
    unit: str
    decimals: int
    direction: str
    target_value: float | None
    target_year: int
    baseline_year: int
    kind: str
    scale: str
    numerator: str
    denominator: str | None
    factor: float
    departments: list[str]
    overrides: list[OverrideOut]
    definition: str
    data_source: str

    @staticmethod
    def resolve_outline(obj: Indicator) -> str:
        return obj.target.area.outline.code

    @staticmethod
    def resolve_area(obj: Indicator) -> str:
        return obj.target.area.code

    @staticmethod
    def resolve_target(obj: Indicator) -> str:
        return obj.target.code

    @staticmethod
    def resolve_target_wording(obj: Indicator) -> str:
        return obj.target.text

    @staticmethod
    def resolve_numerator(obj: Indicator) -> str:
        return obj.numerator.code

    @staticmethod
    def resolve_denominator(obj: Indicator) -> str | None:
        return obj.denominator.code if obj.denominator else None

    @staticmethod
    def resolve_departments(obj: Indicator) -> list[str]:
        return [d.code for d in obj.departments.all()]

    @staticmethod
    def resolve_overrides(obj: Indicator) -> list[TargetOverride]:
        return list(obj.overrides.all())


class DataElementOut(Schema):
    code: str
    name: str
    name_en: str
    unit: str
    aggregation: str
    integer: bool
    disaggregations: list[str]


class DisaggregationOut(Schema):
    code: str
    category: str
    name: str
    name_en: str

    @staticmethod
    def resolve_category(obj: DisaggregationOption) -> str:
        return obj.category.code


class OrgUnitOut(Schema):
    code: str
    name: str
    name_en: str
    level: int
    parent: str | None
    population: int | None
    is_demonstration: bool

    @staticmethod
    def resolve_parent(obj: OrgUnit) -> str | None:
        return obj.parent.code if obj.parent else None


class DepartmentOut(Schema):
    code: str
    name: str
    name_en: str


@router.get("/outlines", response={200: list[OutlineOut], **ERRORS})
def outlines(request: HttpRequest) -> Any:
    return Outline.objects.order_by("-start_year", "kind")


@router.get("/areas", response={200: list[AreaOut], **ERRORS})
def areas(request: HttpRequest, outline: str | None = None) -> Any:
    qs = Area.objects.select_related("outline").order_by("outline__code", "number")
    return qs.filter(outline__code=outline) if outline else qs


class IndicatorFilter(Schema):
    outline: str | None = None
    area: str | None = None
    department: str | None = None


@router.get("/indicators", response={200: list[IndicatorOut], **ERRORS})
@paginate(Page)
def indicators(request: HttpRequest, filters: Query[IndicatorFilter]) -> Any:
    qs = (
        Indicator.objects.select_related("target__area__outline", "numerator", "denominator")
        .prefetch_related(
            "departments",
            Prefetch("overrides", queryset=TargetOverride.objects.select_related("orgunit")),
        )
        .order_by(
            "target__area__outline__code",
            "target__area__number",
            "target__sort_order",
            "sort_order",
            "code",
        )
    )
    if filters.outline:
        qs = qs.filter(target__area__outline__code=filters.outline)
    if filters.area:
        qs = qs.filter(target__area__code=filters.area)
    if filters.department:
        qs = qs.filter(departments__code=filters.department)
    return qs


@router.get("/indicators/{code}", response={200: IndicatorOut, **ERRORS})
def indicator(request: HttpRequest, code: str) -> Any:
    found = (
        Indicator.objects.select_related("target__area__outline", "numerator", "denominator")
        .prefetch_related("departments", "overrides__orgunit")
        .filter(code=code)
        .first()
    )
    if found is None:
        raise not_found()
    return found


@router.get("/data-elements", response={200: list[DataElementOut], **ERRORS})
@paginate(Page)
def data_elements(request: HttpRequest) -> Any:
    return DataElement.objects.order_by("code")


@router.get("/disaggregations", response={200: list[DisaggregationOut], **ERRORS})
def disaggregations(request: HttpRequest) -> Any:
    return DisaggregationOption.objects.select_related("category").order_by(
        "category__code", "sort_order", "code"
    )


@router.get("/orgunits", response={200: list[OrgUnitOut], **ERRORS})
@paginate(Page)
def orgunits(request: HttpRequest, level: int | None = None, parent: str | None = None) -> Any:
    qs = OrgUnit.objects.select_related("parent").order_by("path")
    if level is not None:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent__code=parent)
    return qs


@router.get("/departments", response={200: list[DepartmentOut], **ERRORS})
def departments(request: HttpRequest) -> Any:
    return Department.objects.order_by("sort_order", "code")
