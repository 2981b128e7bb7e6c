"""Derived figures: rebuilt by the store from approved values, never edited by hand; beside
them the officer's rule for complete years and the background rebuilds' progress."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .status import WORDS


class Source(models.TextChoices):
    REPORTED = "reported", _("reported at this level")
    AGGREGATED = "aggregated", _("aggregated from the level below")
    MIXED = "mixed", _("partly reported, partly aggregated")


class Status(models.TextChoices):
    """The engine's statuses as the database keeps them, labelled with their words in a
    sentence (status.py), as reports and exports write them."""

    ACHIEVED = "ACHIEVED", WORDS["ACHIEVED"].in_text
    ON_TRACK = "ON_TRACK", WORDS["ON_TRACK"].in_text
    OFF_TRACK = "OFF_TRACK", WORDS["OFF_TRACK"].in_text
    REGRESSING = "REGRESSING", WORDS["REGRESSING"].in_text
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA", WORDS["INSUFFICIENT_DATA"].in_text
    NO_DATA = "NO_DATA", WORDS["NO_DATA"].in_text
    NO_TARGET = "NO_TARGET", WORDS["NO_TARGET"].in_text


# The sub-statuses' names (the engine's Substatus values), for pages and reports.
SUBSTATUS_LABELS = {
    "confirmed": _("confirmed"),
    "provisional": _("provisional"),
    "lost": _("met earlier, lost since"),
    "small_numbers": _("too few events"),
    "too_few_points": _("too few years of data"),
    "no_baseline": _("no baseline value"),
    "invalid_data": _("values outside the indicator's scale"),
    "improving": _("improving too slowly"),
    "stagnant": _("stagnant"),
    "uncertain_decline": _("declining (not significant)"),
    "moving_away": _("moving away from the target"),
    "strong_improvement": _("strong improvement"),
    "moderate_improvement": _("moderate improvement"),
    "limited_improvement": _("limited improvement"),
    "deterioration": _("deterioration"),
}


# Derived tables are written in bulk (COPY) by the store: no database-level foreign keys (a
# check per row would dominate a national rebuild; Django still cascades deletes) and no
# single-column indexes the composite ones already cover.


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        "framework.Indicator",
        models.CASCADE,
        related_name="values",
        verbose_name=_("indicator"),
        db_constraint=False,
        db_index=False,
    )
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit",
        models.CASCADE,
        related_name="indicator_values",
        verbose_name=_("org unit"),
        db_constraint=False,
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    disaggregation = models.CharField(_("disaggregation"), max_length=40, default="total")
    value = models.FloatField(_("value"), null=True)
    numerator = models.FloatField(_("numerator"), null=True)
    denominator = models.FloatField(_("denominator"), null=True)
    ci_low = models.FloatField(_("95% interval, lower"), null=True)
    ci_high = models.FloatField(_("95% interval, upper"), null=True)
    unstable = models.BooleanField(_("unstable (fewer than 20 events)"), default=False)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    n_reporting = models.PositiveIntegerField(_("children reporting"), null=True)
    n_children = models.PositiveIntegerField(_("children"), default=0)
    denominator_coverage = models.FloatField(_("share of denominator covered"), null=True)

    class Meta:
        ordering = ["indicator", "orgunit", "year"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "orgunit", "year", "disaggregation"],
                name="indicatorvalue_unique",
            ),
        ]
        indexes = [models.Index(fields=["orgunit", "year"], name="indicatorvalue_ou_year")]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.orgunit_id}/{self.year}: {self.value}"


class Assessment(models.Model):
    """The judgement of a target for an indicator, org unit and year (docs/methodology.md §三)."""

    indicator = models.ForeignKey(
        "framework.Indicator",
        models.CASCADE,
        related_name="assessments",
        verbose_name=_("indicator"),
        db_constraint=False,
        db_index=False,
    )
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit",
        models.CASCADE,
        related_name="assessments",
        verbose_name=_("org unit"),
        db_constraint=False,
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("as of year"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    substatus = models.CharField(_("sub-status"), max_length=30, blank=True)
    target_value = models.FloatField(_("target applied"), null=True)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    latest_year = models.FloatField(_("latest year"), null=True)  # a pooled value's date
    latest_value = models.FloatField(_("latest value"), null=True)
    ci_low = models.FloatField(_("95% interval, lower"), null=True)
    ci_high = models.FloatField(_("95% interval, upper"), null=True)
    pooled_years = models.PositiveSmallIntegerField(_("years pooled"), default=1)
    period_start = models.PositiveSmallIntegerField(_("first year of the value used"), null=True)
    period_end = models.PositiveSmallIntegerField(_("last year of the value used"), null=True)
    single_year = models.PositiveSmallIntegerField(_("latest single year"), null=True)
    single_value = models.FloatField(_("latest single-year value"), null=True)
    baseline_value = models.FloatField(_("baseline value"), null=True)
    slope = models.FloatField(_("trend slope"), null=True)
    p_value = models.FloatField(_("p-value of the slope"), null=True)
    projected_value = models.FloatField(_("projected value in the target year"), null=True)
    projected_low = models.FloatField(_("95% prediction interval, lower"), null=True)
    projected_high = models.FloatField(_("95% prediction interval, upper"), null=True)
    chance_of_meeting = models.FloatField(_("chance of meeting the target"), null=True)
    year_met = models.PositiveSmallIntegerField(_("year the target is met"), null=True)
    met_beyond_horizon = models.BooleanField(_("not met within 50 years"), default=False)
    pace = models.FloatField(_("pace"), null=True)
    required_pace = models.FloatField(_("required pace"), null=True)
    pace_ratio = models.FloatField(_("pace / required pace"), null=True)
    share_of_way = models.FloatField(_("share of the way to the target"), null=True)
    share_of_time = models.FloatField(_("share of time elapsed"), null=True)

    class Meta:
        ordering = ["indicator", "orgunit", "year"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "orgunit", "year"], name="assessment_unique"
            ),
        ]
        indexes = [models.Index(fields=["orgunit", "year"], name="assessment_ou_year")]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.orgunit_id}/{self.year}: {self.status}"

    @property
    def value_used(self) -> str:
        """Which value the judgement used: ``single`` (the latest year's) or ``pooled``."""
        return "pooled" if self.pooled_years > 1 else "single"


class FiguresVersion(models.Model):
    """One row whose token changes, in the writing transaction, whenever the figures or what
    frames them (the framework, the hierarchy) change. Pages cached under an older token are
    never served again (see :mod:`lianggang.analytics.versions`)."""

    token = models.CharField(_("token"), max_length=32)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("figures version")
        verbose_name_plural = _("figures version")

    def __str__(self) -> str:
        return self.token


class YearSettings(models.Model):
    """The officer's rule for which year the figures pages and reports open on (one row).

    A year's round counts as complete when this share of its submissions is approved (100: every
    data set of every unit); pages open on the latest complete year, and younger years stay
    selectable with their coverage (see ``selectors.figure_years``)."""

    complete_from_percent = models.PositiveSmallIntegerField(
        _("counts as complete from this per cent of submissions approved"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("complete years")
        verbose_name_plural = _("complete years")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(complete_from_percent__gte=1, complete_from_percent__lte=100),
                name="yearsettings_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complete_from_percent} %"


class RebuildState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class RebuildRequest(models.Model):
    """A background rebuild of the figures asked for by framework edits (a target, an override,
    a formula) and its progress, for every app server to read (``rebuilds.py``).

    Edits in a row share one queued request (``edits`` counts them; at most one request is
    queued at a time, held by the partial unique constraint); a rebuild claims the queued one,
    reports its step, and any rebuild that started after a request was made completes it."""

    state = models.CharField(
        _("state"), max_length=8, choices=RebuildState.choices, default=RebuildState.QUEUED
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    edits = models.PositiveIntegerField(_("edits"), default=1)
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    step = models.CharField(_("step"), max_length=20, blank=True)
    step_number = models.PositiveSmallIntegerField(_("step number"), default=0)
    steps = models.PositiveSmallIntegerField(_("steps"), default=0)
    done = models.PositiveIntegerField(_("done in this step"), default=0)
    total = models.PositiveIntegerField(_("in this step"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("figures rebuild")
        verbose_name_plural = _("figures rebuilds")
        constraints = [
            models.UniqueConstraint(
                fields=["state"],
                condition=models.Q(state="queued"),
                name="rebuildrequest_one_queued",
            ),
        ]
        indexes = [models.Index(fields=["state"], name="rebuildrequest_state")]

    def __str__(self) -> str:
        return f"{self.pk}: {self.state}"
