"""Reports: asked for, built in the background, polled, then downloaded.

No ``from __future__ import annotations`` here: django-ninja reads the annotations at import.
"""

from typing import Any, Literal
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lianggang.analytics.selectors import figure_years
from lianggang.demo.services import demo_note
from lianggang.framework.models import Outline
from lianggang.reports.models import ReportRun
from lianggang.reports.render import CONTENT_TYPES, FORMATS
from lianggang.reports.services import (
    ReportRequestError,
    report_orgunit,
    report_request,
    reports_visible_to,
)

from ..auth import actor as _actor
from ..errors import ERRORS, ApiError, not_found

router = Router(tags=["reports"])


class ReportIn(Schema):
    kind: Literal["annual", "evaluation"]
    outline: str
    orgunit: str
    year: int | None = Field(
        None,
        description="the data year; by default the latest complete year (every submission of "
        "its round approved, or the share the committee's officer set), as the pages open on",
    )
    format: Literal[FORMATS]  # type: ignore[valid-type]  # the renderers' (reports/render.py)


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


@router.post("/reports", response={202: ReportOut, **ERRORS})
def report_build_request(request: HttpRequest, body: ReportIn) -> Any:
    """Ask for a report; it is built in the background: poll it, then download it."""
    outline = Outline.objects.filter(code=body.outline).first()
    orgunit = report_orgunit(request.user, body.orgunit)
    if outline is None:
        raise ApiError(422, "invalid", _("No such outline."), field="body.outline")
    if orgunit is None:
        raise not_found()
    year = body.year or figure_years(outline).default
    if year is None:
        raise ApiError(422, "invalid", _("No figures yet: give the year."), field="body.year")
    try:
        run = report_request(
            actor=_actor(request),
            kind=body.kind,
            outline=outline,
            orgunit=orgunit,
            year=year,
            fmt=body.format,
            demo_note=demo_note(),
        )
    except ReportRequestError as exc:
        raise ApiError(422, "invalid", str(exc)) from exc
    run = reports_visible_to(request.user).select_related("outline", "orgunit").get(pk=run.pk)
    return Status(202, run)


@router.get("/reports/{run_id}", response={200: ReportOut, **ERRORS})
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


@router.get("/reports/{run_id}/file", response={200: None, **ERRORS})
def report_file(request: HttpRequest, run_id: int) -> HttpResponse:
    """The built file (404 until the build is done)."""
    run = reports_visible_to(request.user).filter(pk=run_id, state="done").first()
    if run is None or run.content is None:
        raise not_found()
    response = HttpResponse(bytes(run.content), content_type=CONTENT_TYPES[run.format])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(run.filename)}"
    return response
