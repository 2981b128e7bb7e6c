"""A report build: the document of a queued run, rendered and kept, its progress recorded."""

from __future__ import annotations

import logging
import re

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from .annual import build_annual
from .document import Document
from .evaluation_report import build_evaluation
from .models import ReportKind, ReportRun, RunState
from .render import render

log = logging.getLogger(__name__)

STEPS = {
    10: gettext_lazy("collecting the figures"),
    40: gettext_lazy("drawing the charts and laying out the document"),
    100: gettext_lazy("ready"),
}
_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\s]+')


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
