"""A unit's profile (its scorecard, rank, strengths and gaps) and a department's page (the
indicators it answers for, their status, and its submissions)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lianggang.analytics.evaluation import MID, evaluation
from lianggang.analytics.models import Assessment
from lianggang.analytics.selectors import figure_years, outline_indicators
from lianggang.analytics.status import LAGGING, LAGGING_FIRST, ON_COURSE
from lianggang.collection.access import submissions_visible_to
from lianggang.collection.models import Round
from lianggang.framework.models import Outline
from lianggang.orgunits.models import Department, OrgUnit
from lianggang.orgunits.selectors import orgunit_ancestors

from ..page_cache import figures_response
from ..presentation import STATUS_STYLE
from ._shared import (
    asked_orgunit,
    asked_year,
    figures_page,
    outline_choice,
    page_title,
    year_context,
)


def _outline_and_year(
    request: HttpRequest,
) -> tuple[list[Outline], Outline, int | None, dict[str, Any]]:
    """The outlines, the one asked for, the year (the latest complete one unless asked) and
    what the year picker shows."""
    outlines, outline = outline_choice(request)
    choice = figure_years(outline)
    year = asked_year(request, choice.default)
    return outlines, outline, year, year_context(choice, year)


@figures_page
def unit_profile(request: HttpRequest, code: str) -> HttpResponse:
    return figures_response(
        request,
        page="unit",
        params=[code, request.GET.get("outline", ""), request.GET.get("year", "")],
        template="web/unit_main.html",
        build=lambda: _unit_context(request, code),
    )


def _unit_context(request: HttpRequest, code: str) -> dict[str, Any]:
    unit = OrgUnit.objects.filter(code=code, aggregated=True).select_related("parent").first()
    if unit is None:
        raise Http404(_("No such org unit."))
    outlines, outline, year, picker = _outline_and_year(request)
    ev = evaluation(outline=outline, orgunit=unit, year=year, stage=MID) if year else None
    rank = None
    if ev is not None and unit.parent is not None and unit.parent.aggregated:
        siblings = evaluation(outline=outline, orgunit=unit.parent, year=year, stage=MID)
        rank = next((card for u, card in siblings.units if u.pk == unit.pk), None)
    lines = ev.lines if ev else []
    return {
        "title": page_title(unit, _("Profile")),
        "outlines": outlines,
        "outline": outline,
        "orgunit": unit,
        "ancestors": orgunit_ancestors(unit),
        **picker,
        "ev": ev,
        "rank": rank,
        "strengths": [line for line in lines if line.status in ON_COURSE],
        "gaps": [line for line in lines if line.status in LAGGING],
        "status_style": STATUS_STYLE,
    }


@figures_page
def department_page(request: HttpRequest, code: str) -> HttpResponse:
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise Http404(_("No such department."))
    outlines, outline, year, picker = _outline_and_year(request)
    home = asked_orgunit(request)
    children = list(home.children.filter(aggregated=True).order_by("sort_order", "code"))
    indicators = list(
        outline_indicators(outline).filter(departments=department).select_related("target__area")
    )
    judged: dict[int, Assessment] = {}
    below: dict[int, Counter[str]] = defaultdict(Counter)
    for a in Assessment.objects.filter(
        indicator__in=indicators, orgunit__in=[home, *children], year=year or 0
    ):
        if a.orgunit_id == home.pk:
            judged[a.indicator_id] = a
        else:
            below[a.indicator_id][a.status] += 1
    order = list(LAGGING_FIRST)
    status_of = {i.pk: judged[i.pk].status if i.pk in judged else "NO_DATA" for i in indicators}
    # The lagging first: regressing, then off track, then the rest.
    indicators.sort(key=lambda i: order.index(status_of[i.pk]))
    rows = [
        {
            "indicator": ind,
            "assessment": judged.get(ind.pk),
            "status": status_of[ind.pk],
            "below": [(st, below[ind.pk].get(st, 0)) for st in STATUS_STYLE],
        }
        for ind in indicators
    ]
    statuses = Counter(status_of.values())
    submissions: list[Any] = []
    round_ = Round.objects.filter(is_demo=False).order_by("-year").first() or (
        Round.objects.order_by("-year").first()
    )
    if request.user.is_authenticated and round_ is not None:
        submissions = list(
            submissions_visible_to(request.user)
            .filter(round=round_, data_set__department=department)
            .select_related("orgunit", "data_set")
            .order_by("orgunit__level", "orgunit__sort_order", "data_set__code")
        )
    context: dict[str, Any] = {
        "outlines": outlines,
        "outline": outline,
        "department": department,
        "departments": Department.objects.order_by("sort_order", "code"),
        "orgunit": home,
        **picker,
        "rows": rows,
        "counts": [(st, n) for st in STATUS_STYLE if (n := statuses[st])],
        "round": round_,
        "submissions": submissions,
        "status_style": STATUS_STYLE,
    }
    return render(request, "web/department.html", context)
