"""Version 1 of the API: the framework, the hierarchy, the figures and the data values.

Reads go through the same selectors and access checks as the pages: figures are the approved
ones every signed-in user sees; data values only within the caller's scope (org-unit subtree ×
departments), "not yours" answering exactly as "does not exist".
"""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, NinjaAPI, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from lianggang.analytics.models import Assessment, IndicatorValue
from lianggang.collection.access import submissions_visible_to
from lianggang.collection.models import DataValue
from lianggang.framework.models import (
    Area,
    DataElement,
    DisaggregationOption,
    Indicator,
    Outline,
    TargetOverride,
)
from lianggang.orgunits.models import Department, OrgUnit

from .auth import AUTH
from .errors import ErrorOut, install, not_found

PAGE_SIZE = 500


class Page(PageNumberPagination):
    class Input(Schema):
        page: int = 1
        page_size: int = PAGE_SIZE

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        size = max(1, min(pagination.page_size, 5_000))
        offset = (max(pagination.page, 1) - 1) * size
        return {"items": queryset[offset : offset + size], "count": self._items_count(queryset)}


api = NinjaAPI(
    title="Lianggang API",
    version="1",
    description=(
        "Lianggang (两纲监测): the framework of the women's and children's outlines, the "
        "administrative hierarchy, approved figures and their judgements, and data values "
        "within the caller's scope. Errors always have the shape "
        '`{"errors": [{"code", "message", "field", "row"}]}`.'
    ),
    auth=AUTH,
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install(api)
ERRORS: dict[int | frozenset[int], Any] = {frozenset({401, 403, 404, 422}): ErrorOut}


# ---- Schemas ------------------------------------------------------------------------------


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


class IndicatorValueOut(Schema):
    indicator: str
    orgunit: str
    year: int
    disaggregation: str
    value: float | None
    numerator: float | None
    denominator: float | None
    ci_low: float | None
    ci_high: float | None
    unstable: bool
    source: str

    @staticmethod
    def resolve_indicator(obj: IndicatorValue) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_orgunit(obj: IndicatorValue) -> str:
        return obj.orgunit.code

    @staticmethod
    def resolve_ci_low(obj: IndicatorValue) -> float | None:
        return None if obj.ci_low is None or obj.ci_low != obj.ci_low else obj.ci_low

    @staticmethod
    def resolve_ci_high(obj: IndicatorValue) -> float | None:
        return None if obj.ci_high is None or obj.ci_high != obj.ci_high else obj.ci_high


class AssessmentOut(Schema):
    indicator: str
    orgunit: str
    year: int
    status: str
    substatus: str
    target_value: float | None
    target_year: int
    latest_year: float | None
    latest_value: float | None
    projected_value: float | None
    year_met: int | None
    slope: float | None
    p_value: float | None

    @staticmethod
    def resolve_indicator(obj: Assessment) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_orgunit(obj: Assessment) -> str:
        return obj.orgunit.code


class DataValueOut(Schema):
    element: str
    orgunit: str
    year: int
    disaggregation: str
    value: float
    comment: str
    state: str

    @staticmethod
    def resolve_element(obj: DataValue) -> str:
        return obj.element.code

    @staticmethod
    def resolve_orgunit(obj: DataValue) -> str:
        return obj.orgunit.code

    @staticmethod
    def resolve_state(obj: DataValue) -> str:
        return obj.submission.state


# ---- Metadata -----------------------------------------------------------------------------

metadata = Router(tags=["metadata"])


@metadata.get("/outlines", response={200: list[OutlineOut], **ERRORS})
def outlines(request: HttpRequest) -> Any:
    return Outline.objects.order_by("-start_year", "kind")


@metadata.get("/areas", response={200: list[AreaOut], **ERRORS})
def areas(request: HttpRequest, outline: str | None = None) -> Any:
    qs = Area.objects.select_related("outline").order_by("outline__code", "number")
    return qs.filter(outline__code=outline) if outline else qs


class IndicatorFilter(Schema):
    outline: str | None = None
    area: str | None = None
    department: str | None = None


@metadata.get("/indicators", response={200: list[IndicatorOut], **ERRORS})
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


@metadata.get("/indicators/{code}", response={200: IndicatorOut, **ERRORS})
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


@metadata.get("/data-elements", response={200: list[DataElementOut], **ERRORS})
@paginate(Page)
def data_elements(request: HttpRequest) -> Any:
    return DataElement.objects.order_by("code")


@metadata.get("/disaggregations", response={200: list[DisaggregationOut], **ERRORS})
def disaggregations(request: HttpRequest) -> Any:
    return DisaggregationOption.objects.select_related("category").order_by(
        "category__code", "sort_order", "code"
    )


@metadata.get("/orgunits", response={200: list[OrgUnitOut], **ERRORS})
@paginate(Page)
def orgunits(request: HttpRequest, level: int | None = None, parent: str | None = None) -> Any:
    qs = OrgUnit.objects.select_related("parent").order_by("path")
    if level is not None:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent__code=parent)
    return qs


@metadata.get("/departments", response={200: list[DepartmentOut], **ERRORS})
def departments(request: HttpRequest) -> Any:
    return Department.objects.order_by("sort_order", "code")


# ---- Figures ------------------------------------------------------------------------------

figures = Router(tags=["figures"])


class FigureFilter(Schema):
    indicator: list[str] = Field(default_factory=list)
    outline: str | None = None
    orgunit: list[str] = Field(default_factory=list)
    level: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    disaggregation: str | None = "total"


def _filtered(qs: QuerySet[Any], f: FigureFilter, *, by_disaggregation: bool) -> QuerySet[Any]:
    if f.indicator:
        qs = qs.filter(indicator__code__in=f.indicator)
    if f.outline:
        qs = qs.filter(indicator__target__area__outline__code=f.outline)
    if f.orgunit:
        qs = qs.filter(orgunit__code__in=f.orgunit)
    if f.level is not None:
        qs = qs.filter(orgunit__level=f.level)
    if f.year_from is not None:
        qs = qs.filter(year__gte=f.year_from)
    if f.year_to is not None:
        qs = qs.filter(year__lte=f.year_to)
    if by_disaggregation and f.disaggregation:
        qs = qs.filter(disaggregation=f.disaggregation)
    return qs


@figures.get("/indicator-values", response={200: list[IndicatorValueOut], **ERRORS})
@paginate(Page)
def indicator_values(request: HttpRequest, filters: Query[FigureFilter]) -> Any:
    """Approved figures: value, numerator, denominator, 95 % interval, small-number flag."""
    qs = IndicatorValue.objects.select_related("indicator", "orgunit")
    return _filtered(qs, filters, by_disaggregation=True).order_by(
        "indicator__code", "orgunit__path", "year", "disaggregation"
    )


@figures.get("/assessments", response={200: list[AssessmentOut], **ERRORS})
@paginate(Page)
def assessments(request: HttpRequest, filters: Query[FigureFilter]) -> Any:
    """The judgements of the targets (achieved, on track, off track, regressing …) by year."""
    qs = Assessment.objects.select_related("indicator", "orgunit")
    return _filtered(qs, filters, by_disaggregation=False).order_by(
        "indicator__code", "orgunit__path", "year"
    )


# ---- Data values --------------------------------------------------------------------------

data = Router(tags=["data values"])


class ValueFilter(Schema):
    element: list[str] = Field(default_factory=list)
    orgunit: list[str] = Field(default_factory=list)
    year: int | None = None


@data.get("/data-values", response={200: list[DataValueOut], **ERRORS})
@paginate(Page)
def data_values(request: HttpRequest, filters: Query[ValueFilter]) -> Any:
    """Reported values in the caller's scope (org-unit subtree × departments), any state."""
    qs = DataValue.objects.filter(
        submission__in=submissions_visible_to(request.user)
    ).select_related("element", "orgunit", "submission")
    if filters.element:
        qs = qs.filter(element__code__in=filters.element)
    if filters.orgunit:
        qs = qs.filter(Q(orgunit__code__in=filters.orgunit))
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    return qs.order_by("orgunit__path", "element__code", "year", "disaggregation")


api.add_router("/", metadata)
api.add_router("/", figures)
api.add_router("/", data)
