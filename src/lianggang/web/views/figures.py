"""The figures' main pages: the dashboard (every indicator of an outline at a unit and the
units below) and an indicator's page (its series, projection, the units below compared in a
funnel plot or bars, the table and its export)."""

from __future__ import annotations

import io
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from lianggang.accounts.models import Role
from lianggang.accounts.selectors import user_scope
from lianggang.analytics.engine.funnel import funnel_limits
from lianggang.analytics.models import IndicatorValue
from lianggang.analytics.selectors import (
    dashboard_data,
    disaggregation_options,
    figure_years,
    indicator_breakdowns,
    indicator_by_code,
    indicator_judgements,
    indicator_series_by_unit,
)
from lianggang.analytics.status import JUDGED, LAGGING_FIRST, ON_COURSE
from lianggang.framework.models import Indicator
from lianggang.framework.naming import local_name
from lianggang.orgunits.models import OrgUnit
from lianggang.orgunits.selectors import orgunit_ancestors, orgunit_children

from ..page_cache import figures_response
from ..presentation import STATUS_STYLE
from ._shared import (
    XLSX,
    asked_orgunit,
    asked_year,
    download,
    figures_page,
    outline_choice,
    page_title,
    year_context,
)

DASHBOARD_PARAMS = ("outline", "orgunit", "year", "status", "area")


@figures_page
def dashboard(request: HttpRequest) -> HttpResponse:
    # A clerk's home is what is due: the bare address sends them to their submissions; any
    # asked view (the menu's overview link, ?overview=1, a unit, a year…) shows the overview.
    if not request.GET and user_scope(request.user).role == Role.CLERK:
        return redirect("web:collection")
    return figures_response(
        request,
        page="dashboard",
        params=[request.GET.get(k, "") for k in DASHBOARD_PARAMS],
        template="web/dashboard_main.html",
        build=lambda: _dashboard_context(request),
        charts=True,
    )


def _dashboard_context(request: HttpRequest) -> dict[str, Any]:
    outlines, outline = outline_choice(request)
    orgunit = asked_orgunit(request)
    choice = figure_years(outline)
    year = asked_year(request, choice.default or outline.start_year)
    data = (
        dashboard_data(outline=outline, orgunit=orgunit, year=year)
        if choice.years and year is not None
        else None
    )
    status_filter = request.GET.get("status", "")
    area_filter = request.GET.get("area", "")
    rows = []
    if data:
        # The lagging first (regressing, off track, …), each group in the framework's order.
        rows = sorted(data.rows, key=lambda r: LAGGING_FIRST.index(r.status))
        if status_filter:
            rows = [r for r in rows if r.status == status_filter]
        if area_filter:
            rows = [r for r in rows if r.indicator.target.area.code == area_filter]
    return {
        "title": page_title(orgunit, outline),
        "outlines": outlines,
        "outline": outline,
        "orgunit": orgunit,
        "ancestors": orgunit_ancestors(orgunit),
        **year_context(choice, year),
        "data": data,
        "rows": rows,
        "status_filter": status_filter,
        "area_filter": next(
            (a.area for a in (data.areas if data else []) if a.area.code == area_filter), None
        ),
        "demonstration": _demonstration(data) if data else None,
        "status_style": STATUS_STYLE,
        "sparklines": [
            {
                "id": f"spark-{r.indicator.code}",
                "years": [y for y, _v in r.series],
                "values": [v for _y, v in r.series],
                "target": r.assessment.target_value if r.assessment else None,
            }
            for r in rows
        ],
    }


def _demonstration(data: Any) -> list[dict[str, Any]] | None:
    """Demonstration counties (示范县) against the rest: the share of their judged targets
    achieved or on track. None when no unit below is a demonstration county."""
    groups: dict[bool, list[Any]] = {True: [], False: []}
    for line in data.grid:
        groups[line.unit.is_demonstration].append(line)
    if not groups[True] or not groups[False]:
        return None
    out = []
    for flag in (True, False):
        statuses = [a.status for line in groups[flag] for _i, a in line.cells if a is not None]
        judged = [s for s in statuses if s in JUDGED]
        good = sum(s in ON_COURSE for s in judged)
        out.append(
            {
                "label": _("Demonstration counties") if flag else _("Other counties"),
                "units": [line.unit for line in groups[flag]],
                "judged": len(judged),
                "counts": [(st, statuses.count(st)) for st in JUDGED],
                "on_course": good / len(judged) if judged else None,
            }
        )
    return out


@figures_page
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    if request.GET.get("format") in ("csv", "xlsx"):
        context = _indicator_context(request, code)
        return _indicator_export(
            context["indicator"], context["table"], context["latest_year"], request.GET["format"]
        )
    return figures_response(
        request,
        page="indicator",
        params=[code, request.GET.get("orgunit", ""), request.GET.get("year", "")],
        template="web/indicator_main.html",
        build=lambda: _indicator_context(request, code),
        charts=True,
    )


def _indicator_context(request: HttpRequest, code: str) -> dict[str, Any]:
    indicator = indicator_by_code(code)
    if indicator is None:
        raise Http404(_("No such indicator."))
    orgunit = asked_orgunit(request)
    outline = indicator.target.area.outline
    choice = figure_years(outline)
    year = asked_year(request, choice.default)
    units = [orgunit, *orgunit_children(orgunit)]
    # The page as of ``year`` (the latest complete one unless asked): no later figures.
    by_unit = indicator_series_by_unit(indicator=indicator, units=units, year=year)
    disaggregated = indicator_breakdowns(indicator=indicator, orgunit=orgunit, year=year)
    years = sorted({y for per_year in by_unit.values() for y in per_year})
    value_of = {
        (unit_id, y): v.value for unit_id, per_year in by_unit.items() for y, v in per_year.items()
    }
    latest_year = years[-1] if years else None
    assessments = indicator_judgements(indicator=indicator, units=units, year=year)
    main = assessments.get(orgunit.pk)
    main_values = by_unit.get(orgunit.pk, {})
    axis_years = list(years)
    projection: list[float | None] = []
    projection_band: dict[str, list[float | None]] | None = None
    if main and main.projected_value is not None and years and main.target_year > years[-1]:
        axis_years += list(range(years[-1] + 1, main.target_year + 1))
        # The dashed line runs from the value the judgement used (a pooled rate: at its date) to
        # the projection in the target year; the wedge around it widens to the projection's
        # 95 % prediction interval, with a value every year (a stacked area bridges no gaps).
        if main.pooled_years > 1 and main.latest_year is not None:
            origin, start = int(main.latest_year), main.latest_value
        else:
            last = main_values.get(years[-1])
            origin, start = years[-1], last.value if last else None
        span = main.target_year - origin

        def line(end: float | None) -> list[float | None]:
            if start is None or end is None:
                return [None for _y in axis_years]
            return [
                start + (end - start) * (y - origin) / span if y >= origin else None
                for y in axis_years
            ]

        projection = line(main.projected_value)
        if main.projected_low is not None and main.projected_high is not None:
            projection_band = {
                "low": line(main.projected_low),
                "high": line(main.projected_high),
            }
    lows = [_nan(main_values[y].ci_low) if y in main_values else None for y in axis_years]
    highs = [_nan(main_values[y].ci_high) if y in main_values else None for y in axis_years]
    chart = {
        "years": axis_years,
        "unit": indicator.unit,
        "target": main.target_value if main else None,
        "target_label": _("Target"),
        "projection": projection,
        "projection_label": _("Projection at the current trend"),
        "band": {"low": lows, "high": highs} if any(v is not None for v in lows) else None,
        "band_label": _("95% interval"),
        "projection_band": projection_band,
        "projection_band_label": _("95% prediction interval of the projection"),
        "series": [
            {
                "name": local_name(u),
                "main": u.pk == orgunit.pk,
                "values": [value_of.get((u.pk, y)) for y in axis_years],
            }
            for u in units
        ],
    }
    comparison = _comparison(indicator, orgunit, units, by_unit, latest_year)
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
    return {
        "title": page_title(indicator, orgunit),
        "indicator": indicator,
        "outline": outline,
        "orgunit": orgunit,
        **year_context(choice, year),
        "formula": formula,
        "chart": chart,
        "comparison": comparison,
        "table": table,
        "latest_year": latest_year,
        "disaggregated": disaggregated,
        "breakdown_names": {
            o.code: o
            for o in disaggregation_options(codes={v.disaggregation for v in disaggregated})
        },
        "status_style": STATUS_STYLE,
        "main_assessment": assessments.get(orgunit.pk),
    }


def _comparison(
    indicator: Indicator,
    orgunit: OrgUnit,
    units: list[OrgUnit],
    by_unit: dict[int, dict[int, IndicatorValue]],
    year: int | None,
) -> dict[str, Any] | None:
    """The units below in the latest year: a funnel plot for rates, bars for other figures.

    The funnel's control limits (:mod:`lianggang.analytics.engine.funnel`) are the exact 95 %
    intervals of a unit with this unit's rate and each denominator; a unit outside them differs
    from it by more than chance.
    """
    if year is None:
        return None
    points = [
        (u, by_unit[u.pk][year])
        for u in units[1:]
        if year in by_unit.get(u.pk, {}) and by_unit[u.pk][year].value is not None
    ]
    if len(points) < 2:
        return None
    name = {u.pk: local_name(u) for u, _v in points}
    centre = by_unit.get(orgunit.pk, {}).get(year)
    if indicator.kind == "value" or centre is None or centre.value is None:
        return {
            "kind": "bars",
            "labels": [name[u.pk] for u, _v in points],
            "values": [v.value for _u, v in points],
            "unit": indicator.unit,
        }
    limits = funnel_limits(
        indicator.kind, centre.value, indicator.factor, [v.denominator for _u, v in points]
    )
    return {
        "kind": "funnel",
        "unit": indicator.unit,
        "centre": centre.value,
        "n": [round(float(n), 1) for n in limits.n],
        "lower": [round(float(x), 4) for x in limits.lower],
        "upper": [round(float(x), 4) for x in limits.upper],
        "points": [
            {
                "name": name[u.pk],
                "n": v.denominator,
                "value": v.value,
                "outside": limits.outside(v.denominator, v.value),
            }
            for u, v in points
        ],
        "labels": {
            "centre": local_name(orgunit),
            "limits": _("95% control limits"),
            "x": _("Denominator"),
        },
    }


def _nan(x: float | None) -> float | None:
    return None if x is None or x != x else x


def _indicator_export(
    indicator: Indicator, table: list[dict[str, Any]], year: int | None, fmt: str
) -> HttpResponse:
    """The table of the indicator page as CSV or Excel, ready for analysis: the figures as
    numbers rounded as the page shows them (at the indicator's decimals), the counts whole,
    the "unstable" mark in a column of its own, the headers in the page's language."""
    from lianggang.analytics.exports import count, figure, write_csv, write_xlsx
    from lianggang.demo.services import demo_note

    from ..presentation import status_label
    from ..templatetags.lianggang import tr

    decimals = indicator.decimals
    columns = [
        _("Org unit"),
        _("Year"),
        _("Value"),
        _("Numerator"),
        _("Denominator"),
        _("95% interval, lower"),
        _("95% interval, upper"),
        _("Unstable (fewer than 20 events)"),
        _("Source"),
        _("Status"),
    ]
    rows = []
    for row in table:
        v, a = row["latest"], row["assessment"]
        has_value = v is not None and v.value is not None
        rows.append(
            [
                tr(row["unit"]),
                year,
                figure(v.value, decimals) if v else None,
                count(v.numerator) if v else None,
                count(v.denominator) if v else None,
                figure(v.ci_low, decimals) if v else None,
                figure(v.ci_high, decimals) if v else None,
                (_("yes") if v.unstable else _("no")) if has_value else "",
                v.get_source_display() if v else "",
                status_label(a.status) if a else "",
            ]
        )
    note = demo_note()
    name = f"{tr(indicator)}.{fmt}"
    if fmt == "xlsx":
        return download(write_xlsx(columns, rows, note, headers="labels"), XLSX, name)
    buffer = io.StringIO()
    write_csv(columns, rows, buffer, note, headers="labels")
    return download("\ufeff" + buffer.getvalue(), "text/csv; charset=utf-8", name)
