from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundState(models.TextChoices):
    PLANNED = "planned", _("planned")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned")
    APPROVED = "approved", _("approved")


class Round(models.Model):
    """The yearly collection round (年度监测) for one data year."""

    year = models.PositiveSmallIntegerField(_("data year"), unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=RoundState.choices, default=RoundState.PLANNED
    )
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("deadline"), null=True, blank=True)
    is_demo = models.BooleanField(
        _("synthetic demo data"),
        default=False,
        help_text=_("Everything made from this round is labelled 演示数据，非官方统计."),
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("collection round")
        verbose_name_plural = _("collection rounds")

    def __str__(self) -> str:
        return str(self.year)


class DataSet(models.Model):
    """The data elements one department reports."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        "orgunits.Department",
        models.PROTECT,
        related_name="data_sets",
        verbose_name=_("department"),
    )
    elements = models.ManyToManyField(
        "framework.DataElement", related_name="data_sets", verbose_name=_("data elements")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("data set")
        verbose_name_plural = _("data sets")

    def __str__(self) -> str:
        return self.name


class Submission(models.Model):
    """One data set for one org unit in one round, with its review state."""

    round = models.ForeignKey(
        Round, models.CASCADE, related_name="submissions", verbose_name=_("round")
    )
    data_set = models.ForeignKey(
        DataSet, models.PROTECT, related_name="submissions", verbose_name=_("data set")
    )
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit",
        models.PROTECT,
        related_name="submissions",
        verbose_name=_("org unit"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=SubmissionState.choices, default=SubmissionState.DRAFT
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )

    class Meta:
        ordering = ["round", "data_set", "orgunit"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "data_set", "orgunit"], name="submission_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.data_set} {self.orgunit}"


class DataValue(models.Model):
    """One reported figure: data element × org unit × year × disaggregation."""

    element = models.ForeignKey(
        "framework.DataElement",
        models.PROTECT,
        related_name="values",
        verbose_name=_("data element"),
    )
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit",
        models.PROTECT,
        related_name="data_values",
        verbose_name=_("org unit"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    disaggregation = models.CharField(_("disaggregation"), max_length=40, default="total")
    value = models.FloatField(_("value"))
    comment = models.TextField(_("comment"), blank=True)
    submission = models.ForeignKey(
        Submission, models.PROTECT, related_name="values", verbose_name=_("submission")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        ordering = ["element", "orgunit", "year", "disaggregation"]
        verbose_name = _("data value")
        verbose_name_plural = _("data values")
        constraints = [
            models.UniqueConstraint(
                fields=["element", "orgunit", "year", "disaggregation"],
                name="datavalue_unique",
            ),
        ]
        indexes = [models.Index(fields=["year", "element"], name="datavalue_year_element")]

    def __str__(self) -> str:
        return f"{self.element_id}@{self.orgunit_id}/{self.year}: {self.value}"
