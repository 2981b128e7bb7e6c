"""Report requests: by a user within their scope, queued for the background (tasks.py), kept.

The build itself is :mod:`lianggang.reports.build`; the worker runs it through
:mod:`lianggang.reports.tasks`, so the imports go one way: services → tasks → build."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from lianggang.accounts.selectors import user_scope
from lianggang.framework.models import Outline
from lianggang.orgunits.models import OrgUnit
from lianggang.orgunits.selectors import in_subtree

from .models import ReportKind, ReportRun
from .render import get as get_renderer
from .tasks import build_report


class ReportRequestError(Exception):
    """A request that cannot be built; ``str()`` is the message for the user."""


def reports_visible_to(user: Any) -> QuerySet[ReportRun]:
    """The runs of the org units in the user's scope (everyone's, not only their own).

    The files stay in the database until one is downloaded: a listing does not load them.
    """
    scope = user_scope(user)
    if scope.empty or scope.orgunit_path is None:
        return ReportRun.objects.none()
    return ReportRun.objects.filter(in_subtree(scope.orgunit_path, via="orgunit")).defer("content")


def report_orgunit(user: Any, code: str) -> OrgUnit | None:
    """The org unit a user may ask a report for, by its code; None when there is no such unit
    or it is outside the user's scope (the two answer alike)."""
    scope = user_scope(user)
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None or scope.empty or not scope.covers_orgunit(unit.path):
        return None
    return unit


def report_request(
    *,
    actor: Any,
    kind: str,
    outline: Outline,
    orgunit: OrgUnit,
    year: int,
    fmt: str,
    demo_note: str = "",
) -> ReportRun:
    """Record a build and queue it; it runs when the request's transaction commits."""
    scope = user_scope(actor)
    if scope.empty or not scope.covers_orgunit(orgunit.path):
        raise ReportRequestError(_("This org unit is outside your scope."))
    if kind not in ReportKind.values:
        raise ReportRequestError(_("Unknown report “%(kind)s”.") % {"kind": kind})
    if get_renderer(fmt) is None:
        raise ReportRequestError(_("Unknown format “%(format)s”.") % {"format": fmt})
    if not outline.start_year <= year <= outline.end_year:
        raise ReportRequestError(
            _("The year must be within the outline's period, %(start)d–%(end)d.")
            % {"start": outline.start_year, "end": outline.end_year}
        )
    run = ReportRun.objects.create(
        kind=kind,
        outline=outline,
        orgunit=orgunit,
        year=year,
        format=fmt,
        requested_by=actor,
        demo_note=demo_note,
    )
    transaction.on_commit(lambda: build_report.enqueue(run.pk, translation.get_language()))
    return run
