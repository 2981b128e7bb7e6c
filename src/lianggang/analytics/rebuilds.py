"""Framework edits rebuild the figures by themselves, in the background.

Saving what a judgement rests on — an indicator's target or formula (numerator, denominator,
factor, kind, direction, years, scale…), a unit's own target (``TargetOverride``) or a data
element's aggregation — through the admin site, a service or a framework file load queues a
rebuild when the edit commits (:func:`rebuild_soon`). Edits in a row share one queued request:
the edits of one transaction register one commit callback, and a request still queued takes
later edits in (``edits`` counts them; the database holds at most one queued request). The
worker (``tasks.rebuild_figures``) claims the queued request, runs
:func:`~lianggang.analytics.store.analytics_rebuild` and records its step on the request's row
(:class:`RebuildProgress`), which every app server reads for the pages' banner
(:func:`rebuild_in_progress`). Any rebuild — the worker's or ``lianggang analytics rebuild`` —
completes the requests that were waiting when it began (:func:`rebuilds_covered`,
:func:`rebuilds_complete`).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianggang.framework.models import DataElement, Indicator, Outline, TargetOverride

from .models import RebuildRequest, RebuildState

log = logging.getLogger(__name__)

# What the figures and judgements of each model rest on (attribute names: ``_id`` for keys).
FIGURE_FIELDS: dict[type[Any], tuple[str, ...]] = {
    Indicator: (
        "direction",
        "target_value",
        "target_change",
        "target_year",
        "baseline_year",
        "tolerance",
        "scale",
        "kind",
        "numerator_id",
        "denominator_id",
        "factor",
        "decimals",
        "unit",
        "target_id",  # its outline, whose period sets the years judged
    ),
    TargetOverride: ("indicator_id", "orgunit_id", "target_value"),
    DataElement: ("aggregation",),
    Outline: ("start_year", "end_year"),
}

_CHANGED = "_lianggang_figures_changed"
ACTIVE = (RebuildState.QUEUED, RebuildState.RUNNING)


def _describe(instance: Any) -> str:
    if isinstance(instance, TargetOverride):
        return f"TargetOverride {instance.indicator_id}@{instance.orgunit_id}"
    return f"{type(instance).__name__} {getattr(instance, 'code', instance.pk)}"


def _before_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Note whether this save changes what the figures rest on (before it is written)."""
    if raw:
        return
    fields = FIGURE_FIELDS[sender]
    update_fields = kwargs.get("update_fields")
    changed: bool
    if instance._state.adding or instance.pk is None:
        changed = sender not in (DataElement, Outline)  # a new one is in no figure yet
    elif update_fields is not None:
        changed = bool(({f.removesuffix("_id") for f in fields} | set(fields)) & {*update_fields})
    else:
        stored = sender._default_manager.filter(pk=instance.pk).values_list(*fields).first()
        changed = stored is None or tuple(stored) != tuple(getattr(instance, f) for f in fields)
    setattr(instance, _CHANGED, changed)


def _after_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw and getattr(instance, _CHANGED, False):
        setattr(instance, _CHANGED, False)
        rebuild_soon(_describe(instance))


def _after_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    rebuild_soon(_describe(instance) + " deleted")


def connect_signals() -> None:
    """Watch the models the figures rest on (called once, from the app's ``ready``)."""
    from django.db.models.signals import post_delete, post_save, pre_save

    for model in FIGURE_FIELDS:
        uid = f"lianggang-rebuild-{model._meta.label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid + "-pre")
        post_save.connect(_after_save, sender=model, dispatch_uid=uid + "-post")
    # A deleted indicator takes its figures with it; a deleted unit's target changes others'.
    post_delete.connect(_after_delete, sender=TargetOverride, dispatch_uid="lianggang-rebuild-del")


class _PendingRebuild:
    """The commit callback of one transaction's edits: one per transaction, however many."""

    def __init__(self, reason: str) -> None:
        self.reasons = [reason]
        self.fired = False

    def add(self, reason: str) -> None:
        self.reasons.append(reason)

    def __call__(self) -> None:
        self.fired = True
        shown = self.reasons[:3] + ([f"+{len(self.reasons) - 3}"] if len(self.reasons) > 3 else [])
        rebuild_queue("; ".join(shown), edits=len(self.reasons))


def rebuild_soon(reason: str) -> None:
    """Queue a background rebuild when the current transaction commits (at once outside
    one); the edits of one transaction queue it once."""
    conn = transaction.get_connection()
    if conn.in_atomic_block:
        for _savepoints, func, *_rest in conn.run_on_commit:
            if isinstance(func, _PendingRebuild) and not func.fired:
                func.add(reason)
                return
    transaction.on_commit(_PendingRebuild(reason))


def rebuild_queue(reason: str, *, edits: int = 1) -> RebuildRequest | None:
    """Record a rebuild request and hand it to the worker; None when a request already queued
    takes these edits in (its rebuild has not begun, so it will read them)."""
    from .tasks import rebuild_figures

    now = timezone.now()
    with transaction.atomic():
        if RebuildRequest.objects.filter(state=RebuildState.QUEUED).update(
            edits=F("edits") + edits, reason=reason[:200]
        ):
            return None
        try:
            with transaction.atomic():
                request = RebuildRequest.objects.create(
                    state=RebuildState.QUEUED, reason=reason[:200], edits=edits, requested_at=now
                )
        except IntegrityError:  # another server queued one a moment ago
            RebuildRequest.objects.filter(state=RebuildState.QUEUED).update(
                edits=F("edits") + edits
            )
            return None
        # The task is a row of the same database, written in the same transaction: a request
        # is never left queued without a task to run it.
        rebuild_figures.enqueue(request.pk)
    return request


Covered = list[tuple[int, int]]


def rebuilds_covered() -> Covered:
    """The requests a rebuild beginning now covers: every one waiting or running (a running
    one was asked for before this rebuild read anything), each with its count of edits (an
    edit taken in after this moment keeps its request queued)."""
    return list(
        RebuildRequest.objects.filter(state__in=ACTIVE).values_list("pk", "edits").order_by()
    )


def rebuilds_complete(covered: Covered) -> None:
    """Mark the covered requests done (after the rebuild committed)."""
    now = timezone.now()
    for pk, edits in covered:
        RebuildRequest.objects.filter(pk=pk, edits=edits, state__in=ACTIVE).update(
            state=RebuildState.DONE, finished_at=now, step=""
        )
    if covered:
        # Started by the rebuild itself (the command line's) rather than the worker.
        RebuildRequest.objects.filter(pk__in=[pk for pk, _e in covered], started_at=None).update(
            started_at=now
        )


class RebuildProgress:
    """A rebuild's progress, written to its requests' rows for every server to read.

    The rebuild runs in one transaction; its progress must show while it runs, so it is
    written through a connection of its own (PostgreSQL). SQLite lets one writer at a time and
    the rebuild is that writer: there the rows say "running" with the start time only.
    """

    EVERY = 0.5  # seconds between two writes

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids
        self.last = 0.0
        self.step = ""
        self.side: Any = None

    def __call__(self, step: str, done: int, total: int) -> None:
        if connection.vendor != "postgresql" or not self.ids:
            return
        now = time.monotonic()
        if step == self.step and now - self.last < self.EVERY:
            return
        self.step, self.last = step, now
        from .store import REBUILD_STEPS

        number = REBUILD_STEPS.index(step) + 1 if step in REBUILD_STEPS else 0
        table = RebuildRequest._meta.db_table
        try:
            if self.side is None:
                self.side = connections.create_connection(connection.alias)
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET step = %s, step_number = %s, steps = %s, done = %s, "
                    "total = %s WHERE id = ANY(%s) AND state = %s",
                    [step, number, len(REBUILD_STEPS), done, total, self.ids, "running"],
                )
        except Exception:  # progress is a courtesy: never let it fail the rebuild
            log.warning("Could not record the rebuild's progress", exc_info=True)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


# A rebuild said to be running for longer than this lost its worker (a national rebuild takes
# minutes): the next rebuild claims its request again.
STALE_AFTER = dt.timedelta(hours=6)


def rebuild_claim() -> list[int]:
    """Claim the queued requests for the rebuild about to run (their rows say "running"), and
    those whose worker stopped mid-way. The rows are locked, not skipped: a request another
    server is updating at this moment is waited for, never left behind without its task."""
    stale = timezone.now() - STALE_AFTER
    with transaction.atomic():
        ids = list(
            RebuildRequest.objects.select_for_update()
            .filter(
                Q(state=RebuildState.QUEUED) | Q(state=RebuildState.RUNNING, started_at__lt=stale)
            )
            .values_list("pk", flat=True)
        )
        if ids:
            RebuildRequest.objects.filter(pk__in=ids).update(
                state=RebuildState.RUNNING, started_at=timezone.now(), step=""
            )
    return ids


def rebuild_done(ids: list[int]) -> None:
    """The claimed requests' rebuild is written (with it, when within a caller's transaction)."""
    RebuildRequest.objects.filter(pk__in=ids, state=RebuildState.RUNNING).update(
        state=RebuildState.DONE, finished_at=timezone.now(), step=""
    )


def rebuild_failed(ids: list[int], error: str) -> None:
    RebuildRequest.objects.filter(pk__in=ids, state=RebuildState.RUNNING).update(
        state=RebuildState.FAILED, finished_at=timezone.now(), error=error[:2000]
    )


@dataclass(frozen=True)
class RebuildStatus:
    """What the pages' banner says of the rebuild under way (``rebuild_in_progress``)."""

    state: str
    requested_at: Any
    started_at: Any
    step: str
    step_number: int
    steps: int
    done: int
    total: int

    @property
    def running(self) -> bool:
        return self.state == RebuildState.RUNNING

    @property
    def progress(self) -> str:
        """Where it stands, in the reader's language ("step 4 of 4: judging the targets
        (120/464 indicators), started at 10:02")."""
        if not self.running:
            return _("waiting for the background worker since %(time)s") % {
                "time": _clock(self.requested_at)
            }
        started = _clock(self.started_at)
        if not self.step:
            return _("started at %(time)s") % {"time": started}
        step = str(STEP_NAMES.get(self.step, self.step))
        if self.total:
            step = _("%(step)s (%(done)d/%(total)d indicators)") % {
                "step": step,
                "done": self.done,
                "total": self.total,
            }
        return _("step %(n)d of %(steps)d: %(step)s, started at %(time)s") % {
            "n": self.step_number,
            "steps": self.steps,
            "step": step,
            "time": started,
        }


STEP_NAMES = {
    "read": gettext_lazy("reading the approved values"),
    "aggregate": gettext_lazy("summing up the hierarchy"),
    "write": gettext_lazy("writing the figures"),
    "judge": gettext_lazy("judging the targets"),
}


def _clock(at: Any) -> str:
    return timezone.localtime(at).strftime("%H:%M") if at else "—"


def rebuild_in_progress() -> RebuildStatus | None:
    """The rebuild running, else the one queued; None when the figures are up to date. One
    small query (the pages' frame asks on every request)."""
    rows = list(
        RebuildRequest.objects.filter(state__in=ACTIVE)
        .order_by("-state", "-requested_at")  # "running" before "queued"
        .values_list(
            "state",
            "requested_at",
            "started_at",
            "step",
            "step_number",
            "steps",
            "done",
            "total",
        )[:1]
    )
    return RebuildStatus(*rows[0]) if rows else None
