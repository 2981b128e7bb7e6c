"""Approved figures every signed-in user sees: indicator values, the judgements of the
targets, and the query page's selection (also as JSON-stat).

No ``from __future__ import annotations`` here: django-ninja reads the annotations at import.
"""

import hashlib
from collections.abc import Callable
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from lianggang.analytics.figure_cache import cached_content
from lianggang.analytics.models import Assessment, IndicatorValue
from lianggang.analytics.query import Problem as QueryProblem
from lianggang.analytics.query import Selection, query_select, query_values
from lianggang.analytics.versions import figures_version
from lianggang.demo.services import demo_note
from lianggang.interop.exporting import jsonstat_of_figures, query_figure_rows

from ..common import PageQuery
from ..errors import ERRORS, ApiErrors

router = Router(tags=["figures"])


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
    value_used: Literal["single", "pooled"] = Field(
        description="which value the judgement used: the latest single year's, or a value "
        "pooled over period_start–period_end (a rate resting on fewer than 20 events)"
    )
    latest_year: float | None = Field(
        description="the year of the value used (a pooled value: the middle of its years)"
    )
    latest_value: float | None = Field(description="the value used by the judgement")
    ci_low: float | None = Field(description="95 % interval of the value used, lower")
    ci_high: float | None = Field(description="95 % interval of the value used, upper")
    pooled_years: int = Field(description="years of data pooled in the value used (1: none)")
    period_start: int | None
    period_end: int | None
    single_year: int | None = Field(description="the latest single year with a value")
    single_value: float | None = Field(description="that single year's value")
    projected_value: float | None = Field(description="projection for the target year")
    projected_low: float | None = Field(
        description="95 % prediction interval of the projection, lower"
    )
    projected_high: float | None = Field(
        description="95 % prediction interval of the projection, upper"
    )
    chance_of_meeting: float | None = Field(
        description="chance of meeting the target by the target year (0–1); at least 0.5 "
        "exactly when on track"
    )
    year_met: int | None
    slope: float | None
    p_value: float | None

    @staticmethod
    def resolve_indicator(obj: Assessment) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_orgunit(obj: Assessment) -> str:
        return obj.orgunit.code


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


class IndicatorValuePage(Schema):
    items: list[IndicatorValueOut]
    count: int


class AssessmentPage(Schema):
    items: list[AssessmentOut]
    count: int


def _figures_page(
    request: HttpRequest,
    kind: str,
    page_schema: type[Schema],
    query: Callable[[], QuerySet[Any]],
    p: PageQuery,
) -> HttpResponse:
    """A page of figures, serialised once per figures version and query, then from the cache.

    Figures are the same for every signed-in reader, so the answer depends only on the query
    (and the language): the 1 000-row pages that cost tens of milliseconds to serialise are
    served in a fraction of one until an approval or a rebuild changes the figures.
    """
    params = "&".join(f"{k}={v}" for k, vs in sorted(request.GET.lists()) for v in sorted(vs))
    digest = hashlib.sha256(params.encode()).hexdigest()[:32]
    key = f"api-figures:{kind}:{get_language()}:{figures_version()}:{digest}"

    def build() -> bytes:
        qs = query()  # built only on a miss: even building a query costs a cached answer's time
        offset = (p.page - 1) * p.page_size
        page = page_schema.model_validate(
            {"items": list(qs[offset : offset + p.page_size]), "count": qs.count()}
        )
        return page.model_dump_json().encode()

    return HttpResponse(cached_content(key, build), content_type="application/json")


@router.get("/indicator-values", response={200: IndicatorValuePage, **ERRORS})
def indicator_values(
    request: HttpRequest, filters: Query[FigureFilter], paging: Query[PageQuery]
) -> HttpResponse:
    """Approved figures: value, numerator, denominator, 95 % interval, small-number flag."""

    def query() -> QuerySet[Any]:
        qs = IndicatorValue.objects.select_related("indicator", "orgunit")
        return _filtered(qs, filters, by_disaggregation=True).order_by(
            "indicator__code", "orgunit__path", "year", "disaggregation"
        )

    return _figures_page(request, "indicator-values", IndicatorValuePage, query, paging)


@router.get("/assessments", response={200: AssessmentPage, **ERRORS})
def assessments(
    request: HttpRequest, filters: Query[FigureFilter], paging: Query[PageQuery]
) -> HttpResponse:
    """The judgements of the targets (achieved, on track, off track, regressing …) by year."""

    def query() -> QuerySet[Any]:
        qs = Assessment.objects.select_related("indicator", "orgunit")
        return _filtered(qs, filters, by_disaggregation=False).order_by(
            "indicator__code", "orgunit__path", "year"
        )

    return _figures_page(request, "assessments", AssessmentPage, query, paging)


class QueryIn(Schema):
    indicator: list[str] = Field(default_factory=list, max_length=500)
    orgunit: list[str] = Field(default_factory=list, max_length=500)
    year_from: int = Field(ge=1900, le=2200)
    year_to: int | None = Field(None, ge=1900, le=2200)
    breakdowns: bool = False


class QueryIndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    unit: str
    decimals: int


class QueryUnitOut(Schema):
    code: str
    name: str
    level: int


class QueryOut(Schema):
    indicators: list[QueryIndicatorOut]
    orgunits: list[QueryUnitOut]
    years: list[int]
    values: list[IndicatorValueOut]


def _query(q: QueryIn) -> Selection:
    sel, problems = query_select(
        indicators=q.indicator,
        orgunits=q.orgunit,
        year_from=q.year_from,
        year_to=q.year_to,
        breakdowns=q.breakdowns,
    )
    if not sel.indicators and not problems:
        problems.append(QueryProblem("indicator", _("Choose at least one indicator.")))
    if not sel.units and not any(p.field == "orgunit" for p in problems):
        problems.append(QueryProblem("orgunit", _("Choose at least one org unit.")))
    if not sel.years:
        problems.append(QueryProblem("year_from", _("No year between 2010 and 2030 chosen.")))
    if problems:
        raise ApiErrors(
            422, [{"code": "invalid", "message": p.message, "field": p.field} for p in problems]
        )
    return sel


@router.get("/query", response={200: QueryOut, **ERRORS})
def query(request: HttpRequest, q: Query[QueryIn]) -> Any:
    """The query page's selection: indicators × org units × years (× every breakdown), with
    the indicators' and units' names; at most 20 000 cells."""
    sel = _query(q)
    values = query_values(sel).select_related("indicator", "orgunit")
    return {
        "indicators": sel.indicators,
        "orgunits": sel.units,
        "years": sel.years,
        "values": values.order_by("indicator__code", "orgunit__path", "year", "disaggregation"),
    }


@router.get("/query/jsonstat", response={200: dict[str, Any], **ERRORS})
def query_jsonstat(request: HttpRequest, q: Query[QueryIn]) -> HttpResponse:
    """The same selection as a JSON-stat 2.0 dataset (dimensions indicator, orgunit, year,
    disaggregation; status "u" marks a rate on fewer than 20 events)."""
    sel = _query(q)
    content = jsonstat_of_figures(
        query_figure_rows(sel),
        label=_("Query"),
        note=demo_note(),
    )
    return HttpResponse(content, content_type="application/json")
