"""Version 1 of the API: the framework, the hierarchy, the figures and the data values.

Reads go through the same selectors and access checks as the pages: figures are the approved
ones every signed-in user sees; data values only within the caller's scope (org-unit subtree ×
departments), "not yours" answering exactly as "does not exist".
"""

import hashlib
from collections.abc import Callable
from typing import Any, Literal
from urllib.parse import quote

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from lianggang.analytics.figure_cache import cached_content
from lianggang.analytics.models import Assessment, IndicatorValue
from lianggang.analytics.query import Problem as QueryProblem
from lianggang.analytics.query import Selection, query_select, query_values
from lianggang.analytics.versions import figures_version
from lianggang.collection.access import data_values_visible_to, submissions_visible_to
from lianggang.collection.imports import import_apply, import_plan
from lianggang.collection.models import Channel, DataValue, Submission, SubmissionState
from lianggang.collection.selectors import data_is_demo
from lianggang.collection.services import (
    SUBMISSION_TRANSITIONS,
    SubmissionBlocked,
)
from lianggang.collection.workbook import RawValue, ReadResult
from lianggang.demo.services import DEMO_LABEL
from lianggang.framework.models import (
    Area,
    DataElement,
    DisaggregationOption,
    Indicator,
    Outline,
    TargetOverride,
)
from lianggang.interop.service import jsonstat_of_figures, query_figure_rows
from lianggang.orgunits.models import Department, OrgUnit
from lianggang.reports.models import ReportRun
from lianggang.reports.render import CONTENT_TYPES
from lianggang.reports.services import (
    ReportRequestError,
    report_orgunit,
    report_request,
    reports_visible_to,
)

from . import exchange
from .auth import AUTH
from .auth import actor as _actor
from .errors import ERRORS, ApiError, ApiErrors, install, not_found

PAGE_SIZE = 500
MAX_PAGE_SIZE = 5_000
MAX_VALUES = 100_000  # values in one write


class Page(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        size = pagination.page_size
        offset = (pagination.page - 1) * size
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


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


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


@figures.get("/indicator-values", response={200: IndicatorValuePage, **ERRORS})
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


@figures.get("/assessments", response={200: AssessmentPage, **ERRORS})
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


@figures.get("/query", response={200: QueryOut, **ERRORS})
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


@figures.get("/query/jsonstat", response={200: dict[str, Any], **ERRORS})
def query_jsonstat(request: HttpRequest, q: Query[QueryIn]) -> HttpResponse:
    """The same selection as a JSON-stat 2.0 dataset (dimensions indicator, orgunit, year,
    disaggregation; status "u" marks a rate on fewer than 20 events)."""
    sel = _query(q)
    content = jsonstat_of_figures(
        query_figure_rows(sel),
        label=_("Query"),
        note=DEMO_LABEL if data_is_demo() else "",
    )
    return HttpResponse(content, content_type="application/json")


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
    qs = data_values_visible_to(request.user).select_related("element", "orgunit", "submission")
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


# ---- Writing data values ------------------------------------------------------------------


class ValueIn(Schema):
    element: str
    orgunit: str
    year: int
    disaggregation: str = "total"
    value: float | str | None = Field(
        description="A number; null or an empty string deletes the value."
    )
    comment: str = ""


class ValuesIn(Schema):
    values: list[ValueIn] = Field(max_length=MAX_VALUES)
    dry_run: bool = False


class ValuesOut(Schema):
    dry_run: bool
    changed: int
    unchanged: int


@data.post("/data-values", response={200: ValuesOut, **ERRORS})
def data_values_write(request: HttpRequest, body: ValuesIn) -> Any:
    """Enter values into open submissions in the caller's scope, as the pages and the Excel
    upload do (the same checks): all of them, or none with every problem and its row."""
    read = ReadResult(
        values=[
            RawValue(
                orgunit=v.orgunit,
                element=v.element,
                disaggregation=v.disaggregation,
                year=v.year,
                value=v.value,
                comment=v.comment,
                sheet="",
                row=i,
                column="",
            )
            for i, v in enumerate(body.values)
        ]
    )
    actor = _actor(request)
    plan = import_plan(actor=actor, read=read)
    if not plan.ok:
        raise ApiErrors(
            422,
            [
                {"code": "invalid", "message": p.message, "field": p.column or None, "row": p.row}
                for p in plan.problems
            ],
        )
    if body.dry_run:
        return {"dry_run": True, "changed": len(plan.changes), "unchanged": plan.unchanged}
    changed = import_apply(actor=actor, plan=plan, channel=Channel.API)
    return {"dry_run": False, "changed": changed, "unchanged": plan.unchanged}


# ---- Submissions ----------------------------------------------------------------------------

submissions = Router(tags=["submissions"])


class SubmissionOut(Schema):
    id: int
    year: int
    data_set: str
    orgunit: str
    state: str

    @staticmethod
    def resolve_year(obj: Submission) -> int:
        return obj.round.year

    @staticmethod
    def resolve_data_set(obj: Submission) -> str:
        return obj.data_set.code

    @staticmethod
    def resolve_orgunit(obj: Submission) -> str:
        return obj.orgunit.code


class SubmissionFilter(Schema):
    year: int | None = None
    state: SubmissionState | None = None
    orgunit: list[str] = Field(default_factory=list)


class TransitionIn(Schema):
    action: Literal["submit", "approve", "return", "reopen"]
    reason: str = ""


@submissions.get("/submissions", response={200: list[SubmissionOut], **ERRORS})
@paginate(Page)
def submission_list(request: HttpRequest, filters: Query[SubmissionFilter]) -> Any:
    """The submissions in the caller's scope; an org unit outside it lists nothing."""
    qs = submissions_visible_to(request.user).select_related("round", "data_set", "orgunit")
    if filters.year is not None:
        qs = qs.filter(round__year=filters.year)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.orgunit:
        qs = qs.filter(orgunit__code__in=filters.orgunit)
    return qs.order_by("round__year", "orgunit__path", "data_set__code")


@submissions.post(
    "/submissions/{submission_id}/transitions", response={200: SubmissionOut, **ERRORS}
)
def submission_transition(request: HttpRequest, submission_id: int, body: TransitionIn) -> Any:
    """Submit, approve, return or reopen (a reason for the last two), as in the pages."""
    kwargs: dict[str, Any] = {"actor": _actor(request), "submission_id": submission_id}
    if body.action in ("return", "reopen"):
        kwargs["reason"] = body.reason
    try:
        SUBMISSION_TRANSITIONS[body.action](**kwargs)
    except SubmissionBlocked as exc:
        raise ApiErrors(
            409,
            [{"code": "validation_failed", "message": str(exc)}]
            + [{"code": "finding", "message": f.message} for f in [*exc.errors, *exc.warnings]],
        ) from exc
    return (
        submissions_visible_to(request.user)
        .select_related("round", "data_set", "orgunit")
        .get(pk=submission_id)
    )


# ---- Reports --------------------------------------------------------------------------------

reports = Router(tags=["reports"])


class ReportIn(Schema):
    kind: Literal["annual", "evaluation"]
    outline: str
    orgunit: str
    year: int
    format: Literal["docx", "pdf", "html", "xlsx"]


class ReportOut(Schema):
    id: int
    kind: str
    outline: str
    orgunit: str
    year: int
    format: str
    state: str
    progress: int
    step: str
    error: str
    download: str | None

    @staticmethod
    def resolve_outline(obj: ReportRun) -> str:
        return obj.outline.code

    @staticmethod
    def resolve_orgunit(obj: ReportRun) -> str:
        return obj.orgunit.code

    @staticmethod
    def resolve_download(obj: ReportRun) -> str | None:
        return f"/api/v1/reports/{obj.pk}/file" if obj.state == "done" else None


@reports.post("/reports", response={202: ReportOut, **ERRORS})
def report_build_request(request: HttpRequest, body: ReportIn) -> Any:
    """Ask for a report; it is built in the background: poll it, then download it."""
    outline = Outline.objects.filter(code=body.outline).first()
    orgunit = report_orgunit(request.user, body.orgunit)
    if outline is None:
        raise ApiError(422, "invalid", _("No such outline."), field="body.outline")
    if orgunit is None:
        raise not_found()
    try:
        run = report_request(
            actor=_actor(request),
            kind=body.kind,
            outline=outline,
            orgunit=orgunit,
            year=body.year,
            fmt=body.format,
            demo_note=DEMO_LABEL if data_is_demo() else "",
        )
    except ReportRequestError as exc:
        raise ApiError(422, "invalid", str(exc)) from exc
    run = reports_visible_to(request.user).select_related("outline", "orgunit").get(pk=run.pk)
    return Status(202, run)


@reports.get("/reports/{run_id}", response={200: ReportOut, **ERRORS})
def report_state(request: HttpRequest, run_id: int) -> Any:
    run = (
        reports_visible_to(request.user)
        .select_related("outline", "orgunit")
        .defer("content")
        .filter(pk=run_id)
        .first()
    )
    if run is None:
        raise not_found()
    return run


@reports.get("/reports/{run_id}/file", response={200: None, **ERRORS})
def report_file(request: HttpRequest, run_id: int) -> HttpResponse:
    """The built file (404 until the build is done)."""
    run = reports_visible_to(request.user).filter(pk=run_id, state="done").first()
    if run is None or run.content is None:
        raise not_found()
    response = HttpResponse(bytes(run.content), content_type=CONTENT_TYPES[run.format])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(run.filename)}"
    return response


api.add_router("/", submissions)
api.add_router("/", reports)
api.add_router("/", exchange.router)
