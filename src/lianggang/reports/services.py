"""Report builds: requested by a user within their scope, built in the background, kept."""

from __future__ import annotations

import logging
import re
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianggang.accounts.selectors import user_scope
from lianggang.framework.models import Outline
from lianggang.orgunits.models import OrgUnit

from .annual import build_annual
from .document import Document
from .evaluation_report import build_evaluation
from .models import ReportFormat, ReportKind, ReportRun, RunState
from .render import render

log = logging.getLogger(__name__)

STEPS = {
    10: gettext_lazy("collecting the figures"),
    40: gettext_lazy("drawing the charts and laying out the document"),
    100: gettext_lazy("ready"),
}
_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\s]+')


class ReportRequestError(Exception):
    """A request that cannot be built; ``str()`` is the message for the user."""


def reports_visible_to(user: Any) -> QuerySet[ReportRun]:
    """The runs of the org units in the user's scope (everyone's, not only their own).

    The files stay in the database until one is downloaded: a listing does not load them.
    """
    scope = user_scope(user)
    if scope.empty or scope.orgunit_path is None:
        return ReportRun.objects.none()
    return ReportRun.objects.filter(orgunit__path__startswith=scope.orgunit_path).defer("content")


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
    if fmt not in ReportFormat.values:
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
    from .tasks import build_report

    transaction.on_commit(lambda: build_report.enqueue(run.pk, translation.get_language()))
    return run


def _progress(run: ReportRun, percent: int) -> None:
    run.progress, run.step = percent, str(STEPS[percent])
    ReportRun.objects.filter(pk=run.pk).update(progress=run.progress, step=run.step)


def build_document(run: ReportRun) -> Document:
    if run.kind == ReportKind.EVALUATION:
        return build_evaluation(
            outline=run.outline, orgunit=run.orgunit, year=run.year, demo_note=run.demo_note
        )
    return build_annual(
        outline=run.outline, orgunit=run.orgunit, year=run.year, demo_note=run.demo_note
    )


def report_build(run_id: int, language: str | None = None) -> ReportRun:
    """Build a queued run, recording its progress; a failure is recorded, not raised."""
    run = ReportRun.objects.select_related("outline", "orgunit").get(pk=run_id)
    if run.state not in (RunState.QUEUED, RunState.FAILED):
        return run
    run.state, run.started_at, run.error = RunState.RUNNING, timezone.now(), ""
    run.save(update_fields=["state", "started_at", "error"])
    try:
        with translation.override(language or translation.get_language()):
            _progress(run, 10)
            doc = build_document(run)
            _progress(run, 40)
            content = render(doc, run.format)
            run.title = doc.title
    except Exception as exc:
        log.exception("report run %s failed", run.pk)
        run.state, run.error, run.finished_at = RunState.FAILED, str(exc), timezone.now()
        run.save(update_fields=["state", "error", "finished_at"])
        return run
    run.content, run.size = content, len(content)
    run.filename = f"{_UNSAFE_IN_NAMES.sub('_', run.title)}.{run.format}"
    run.state, run.finished_at = RunState.DONE, timezone.now()
    run.progress, run.step = 100, str(STEPS[100])
    run.save()
    return run
