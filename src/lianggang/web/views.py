from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from lianggang.analytics.models import Assessment, IndicatorValue
from lianggang.analytics.selectors import dashboard_data, latest_assessment_year
from lianggang.framework.models import (
    DisaggregationOption,
    Indicator,
    Outline,
    TargetOverride,
)
from lianggang.orgunits.models import OrgUnit
from lianggang.orgunits.selectors import orgunit_ancestors, orgunit_home

from .presentation import STATUS_STYLE

DEFAULT_OUTLINE = "women-2021"


def _orgunit(request: HttpRequest) -> OrgUnit:
    code = request.GET.get("orgunit") or settings.LIANGGANG_HOME_ORGUNIT
    unit = orgunit_home(code=code)
    if unit is None:
        raise Http404(_("No such org unit."))
    return unit


def figures_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of approved figures: open to visitors in public mode, else behind the login."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.LIANGGANG_PUBLIC and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@figures_page
def dashboard(request: HttpRequest) -> HttpResponse:
    outlines = list(Outline.objects.order_by("-start_year", "-kind"))
    code = request.GET.get("outline", DEFAULT_OUTLINE)
    outline = next((o for o in outlines if o.code == code), None)
    if outline is None:
        raise Http404(_("No such outline."))
    orgunit = _orgunit(request)
    latest = latest_assessment_year(outline)
    years = list(range(outline.start_year, (latest or outline.start_year) + 1))
    try:
        year = int(request.GET.get("year") or latest or outline.start_year)
    except ValueError:
        raise Http404(_("No such year.")) from None
    data = dashboard_data(outline=outline, orgunit=orgunit, year=year) if latest else None
    context: dict[str, Any] = {
        "outlines": outlines,
        "outline": outline,
        "orgunit": orgunit,
        "ancestors": orgunit_ancestors(orgunit),
        "year": year,
        "years": years,
        "data": data,
        "status_style": STATUS_STYLE,
        "sparklines": [
            {
                "id": f"spark-{r.indicator.code}",
                "years": [y for y, _v in r.series],
                "values": [v for _y, v in r.series],
                "target": r.assessment.target_value if r.assessment else None,
            }
            for r in (data.rows if data else [])
        ],
    }
    return render(request, "web/dashboard.html", context)


@figures_page
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = (
        Indicator.objects.select_related("target__area__outline", "numerator", "denominator")
        .prefetch_related(
            "departments",
            Prefetch("overrides", queryset=TargetOverride.objects.select_related("orgunit")),
        )
        .filter(code=code)
        .first()
    )
    if indicator is None:
        raise Http404(_("No such indicator."))
    orgunit = _orgunit(request)
    units = [orgunit, *orgunit.children.order_by("sort_order", "code")]
    values = list(
        IndicatorValue.objects.filter(
            indicator=indicator, orgunit__in=units, disaggregation="total"
        ).order_by("year")
    )
    disaggregated = list(
        IndicatorValue.objects.filter(indicator=indicator, orgunit=orgunit)
        .exclude(disaggregation="total")
        .order_by("disaggregation", "year")
    )
    years = sorted({v.year for v in values})
    by_unit: dict[int, dict[int, IndicatorValue]] = {}
    for v in values:
        by_unit.setdefault(v.orgunit_id, {})[v.year] = v
    value_of = {(v.orgunit_id, v.year): v.value for v in values}
    latest_year = years[-1] if years else None
    assessments = {
        a.orgunit_id: a
        for a in Assessment.objects.filter(indicator=indicator, orgunit__in=units).order_by("year")
    }
    chart = {
        "years": years,
        "unit": indicator.unit,
        "target": assessments[orgunit.pk].target_value if orgunit.pk in assessments else None,
        "target_label": _("Target"),
        "series": [
            {
                "name": u.name_en if translation.get_language() == "en" and u.name_en else u.name,
                "main": u.pk == orgunit.pk,
                "values": [value_of.get((u.pk, y)) for y in years],
            }
            for u in units
        ],
    }
    table = [
        {
            "unit": u,
            "latest": by_unit.get(u.pk, {}).get(latest_year) if latest_year else None,
            "assessment": assessments.get(u.pk),
        }
        for u in units
    ]
    formula = indicator.numerator.name
    if indicator.denominator:
        factor = f"{indicator.factor:g}"
        formula = f"{indicator.numerator.name} ÷ {indicator.denominator.name}"
        if indicator.factor != 1:
            formula += f" × {factor}"
    context = {
        "indicator": indicator,
        "outline": indicator.target.area.outline,
        "orgunit": orgunit,
        "formula": formula,
        "chart": chart,
        "table": table,
        "latest_year": latest_year,
        "disaggregated": disaggregated,
        "breakdown_names": {
            o.code: o
            for o in DisaggregationOption.objects.filter(
                code__in={v.disaggregation for v in disaggregated}
            )
        },
        "status_style": STATUS_STYLE,
        "main_assessment": assessments.get(orgunit.pk),
    }
    return render(request, "web/indicator.html", context)
