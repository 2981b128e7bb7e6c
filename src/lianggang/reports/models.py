"""A report build: what was asked, by whom, its progress and the file it produced."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import render


class ReportKind(models.TextChoices):
    ANNUAL = "annual", _("annual statistical monitoring report")
    EVALUATION = "evaluation", _("evaluation report")


class RunState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("building")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


class ReportRun(models.Model):
    kind = models.CharField(_("report"), max_length=12, choices=ReportKind.choices)
    outline = models.ForeignKey(
        "framework.Outline", models.CASCADE, related_name="report_runs", verbose_name=_("outline")
    )
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", models.CASCADE, related_name="report_runs", verbose_name=_("org unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    format = models.CharField(_("format"), max_length=4, choices=render.choices)
    state = models.CharField(
        _("state"), max_length=8, choices=RunState.choices, default=RunState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    filename = models.CharField(_("file name"), max_length=300, blank=True)
    content = models.BinaryField(_("file"), null=True, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    demo_note = models.CharField(_("demo label"), max_length=100, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="report_runs",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True)
    finished_at = models.DateTimeField(_("finished at"), null=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")

    def __str__(self) -> str:
        return f"{self.kind} {self.outline_id} {self.orgunit_id} {self.year} {self.format}"

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
