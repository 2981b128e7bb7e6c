"""Background work of the figures (django-tasks; the worker of `lianggang serve` or `lianggang
worker` runs it): the rebuild that framework edits queue (:mod:`.rebuilds`)."""

from __future__ import annotations

from django_tasks import task

from .rebuilds import RebuildProgress, rebuild_claim, rebuild_done, rebuild_failed
from .store import analytics_rebuild


def rebuild_queued() -> int:
    """Rebuild the figures for the requests queued, if any (an earlier rebuild may have
    covered them already); how many requests it claimed."""
    ids = rebuild_claim()
    if not ids:
        return 0
    progress = RebuildProgress(ids)
    try:
        analytics_rebuild(progress=progress)
    except Exception as exc:
        rebuild_failed(ids, f"{type(exc).__name__}: {exc}")
        raise
    finally:
        progress.close()
    rebuild_done(ids)
    return len(ids)


@task()
def rebuild_figures(request_id: int) -> int:
    """Run the rebuild of request ``request_id`` and of any other request queued with it."""
    return rebuild_queued()
