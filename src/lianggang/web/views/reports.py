"""The reports page: request a build, follow its progress, download past runs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianggang.accounts.selectors import user_scope
from lianggang.analytics.selectors import figure_years
from lianggang.demo.services import demo_note
from lianggang.framework.models import Outline
from lianggang.orgunits.models import OrgUnit
from lianggang.orgunits.selectors import in_subtree
from lianggang.reports import render as renderers
from lianggang.reports.models import ReportKind, RunState
from lianggang.reports.render import CONTENT_TYPES
from lianggang.reports.services import (
    ReportRequestError,
    report_orgunit,
    report_request,
    reports_visible_to,
)

from ._shared import download

RUNS_SHOWN = 50


def _units(request: HttpRequest) -> list[OrgUnit]:
    scope = user_scope(request.user)
    if scope.empty or scope.orgunit_path is None:
        return []
    return list(
        OrgUnit.objects.filter(in_subtree(scope.orgunit_path), aggregated=True)
        .exclude(level__gt=4)
        .order_by("level", "sort_order", "code")
    )


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    runs = reports_visible_to(request.user).select_related("outline", "orgunit", "requested_by")[
        :RUNS_SHOWN
    ]
    outlines = list(Outline.objects.order_by("-start_year", "-kind"))
    # The year the form offers first: the latest complete one (analytics.selectors).
    choice = figure_years(first=min((o.start_year for o in outlines), default=None))
    context = {
        "runs": runs,
        "years": list(reversed(choice.years)),
        "year": choice.default,
        "outlines": outlines,
        "units": _units(request),
        "kinds": ReportKind.choices,
        "formats": renderers.choices(),
        "busy": any(r.state in (RunState.QUEUED, RunState.RUNNING) for r in runs),
    }
    template = "web/reports_table.html" if request.headers.get("HX-Request") else "web/reports.html"
    return render(request, template, context)


@login_required
@require_POST
def report_request_view(request: HttpRequest) -> HttpResponse:
    try:
        outline = Outline.objects.get(code=request.POST.get("outline", ""))
        orgunit = report_orgunit(request.user, request.POST.get("orgunit", ""))
        year = int(request.POST.get("year", ""))
        if orgunit is None:
            raise ValueError
    except (Outline.DoesNotExist, ValueError):
        messages.error(request, _("Choose an outline, an org unit and a year."))
        return redirect("web:reports")
    try:
        report_request(
            actor=request.user,
            kind=request.POST.get("kind", ""),
            outline=outline,
            orgunit=orgunit,
            year=year,
            fmt=request.POST.get("format", ""),
            demo_note=demo_note(),
        )
    except ReportRequestError as exc:
        messages.error(request, str(exc))
        return redirect("web:reports")
    messages.success(request, _("The report is being built; it appears below when ready."))
    return redirect("web:reports")


@login_required
def report_download(request: HttpRequest, run_id: int) -> HttpResponse:
    # Another unit's report answers exactly like one that does not exist.
    run = (
        reports_visible_to(request.user)
        .defer(None)  # this time the file is wanted
        .filter(pk=run_id, state=RunState.DONE)
        .first()
    )
    if run is None or run.content is None:
        raise Http404
    response = download(
        bytes(run.content),
        CONTENT_TYPES[run.format],
        run.filename,
        inline=renderers.shown_inline(run.format),
    )
    response["Content-Language"] = get_language() or "zh-hans"
    return response
