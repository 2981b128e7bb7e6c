from django.db import models
from django.utils.translation import gettext_lazy as _


class OutlineKind(models.TextChoices):
    WOMEN = "women", _("women's outline")
    CHILDREN = "children", _("children's outline")


class Confidence(models.TextChoices):
    SOURCED = "S", _("seen in a public source")
    DERIVED = "S~", _("worked out from a sourced figure")
    LOCAL_COPY = "S local", _("seen in a local outline copying the national wording")
    MEMORY = "M", _("from knowledge of the text, unchecked")
    MEMORY_LOCAL = "M+", _("unchecked; same wording in a local outline")
    UNCERTAIN = "?", _("uncertain: a placeholder")


class Direction(models.TextChoices):
    AT_LEAST = ">=", _("at least (higher is better)")
    AT_MOST = "<=", _("at most (lower is better)")
    AROUND = "~", _("around")
    UP = "up", _("increase (no numeric target)")
    DOWN = "down", _("decrease (no numeric target)")


class Scale(models.TextChoices):
    LINEAR = "linear", _("linear")
    LOG = "log", _("log (rates)")
    LOGIT = "logit", _("logit (bounded percentages)")


class Kind(models.TextChoices):
    VALUE = "value", _("value")
    COUNT = "count", _("count of events per population")
    PROPORTION = "proportion", _("proportion (x of n)")


class Aggregation(models.TextChoices):
    SUM = "sum", _("sum over org units")
    NONE = "none", _("only where reported")


class Outline(models.Model):
    """A ten-year development outline (纲要), national or a province's/prefecture's own version."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=OutlineKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"))
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="versions",
        verbose_name=_("adapted from"),
    )
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-start_year", "kind"]
        verbose_name = _("outline")
        verbose_name_plural = _("outlines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gt=models.F("start_year")),
                name="outline_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """An area (领域) of an outline, e.g. 妇女与健康."""

    outline = models.ForeignKey(
        Outline, models.CASCADE, related_name="areas", verbose_name=_("outline")
    )
    code = models.CharField(_("code"), max_length=40)
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    class Meta:
        ordering = ["outline", "number"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(fields=["outline", "code"], name="area_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    """A main target (主要目标) of an area; qualitative targets have no indicator."""

    area = models.ForeignKey(Area, models.CASCADE, related_name="targets", verbose_name=_("area"))
    code = models.CharField(_("code"), max_length=40, unique=True)
    number = models.CharField(_("number"), max_length=10)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("wording"))
    confidence = models.CharField(
        _("confidence of the wording"), max_length=10, choices=Confidence.choices
    )
    source = models.TextField(_("source of the wording"), blank=True)

    class Meta:
        ordering = ["area", "sort_order"]
        verbose_name = _("main target")
        verbose_name_plural = _("main targets")

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class DataElement(models.Model):
    """A raw reported figure (基础数据), shared by every outline that uses it."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    aggregation = models.CharField(
        _("aggregation"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    integer = models.BooleanField(_("whole numbers only"), default=True)
    disaggregations = models.JSONField(
        _("disaggregations"),
        default=list,
        blank=True,
        help_text=_('Category codes this element may be broken down by, e.g. ["residence"].'),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")

    def __str__(self) -> str:
        return self.name


class DisaggregationCategory(models.Model):
    """A way of breaking a figure down (sex, urban/rural, age group)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("disaggregation category")
        verbose_name_plural = _("disaggregation categories")

    def __str__(self) -> str:
        return self.name


class DisaggregationOption(models.Model):
    """One value of a category; data values carry its code (``total`` when not broken down)."""

    category = models.ForeignKey(
        DisaggregationCategory, models.CASCADE, related_name="options", verbose_name=_("category")
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["category", "sort_order"]
        verbose_name = _("disaggregation option")
        verbose_name_plural = _("disaggregation options")

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """A monitoring indicator (监测指标): a formula over data elements with its target."""

    target = models.ForeignKey(
        Target, models.CASCADE, related_name="indicators", verbose_name=_("main target")
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=1)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    target_value = models.FloatField(_("target value"), null=True, blank=True)
    target_change = models.FloatField(
        _("target change from baseline"),
        null=True,
        blank=True,
        help_text=_("For targets relative to the baseline year: -0.2 means 20 % below it."),
    )
    target_text = models.CharField(_("target as worded"), max_length=200, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    tolerance = models.FloatField(
        _("tolerance of an 'around' target"),
        null=True,
        blank=True,
        help_text=_("Default: 1 point for percentages, else 2 % of the target."),
    )
    scale = models.CharField(_("trend scale"), max_length=10, choices=Scale.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    numerator = models.ForeignKey(
        DataElement, models.PROTECT, related_name="numerator_of", verbose_name=_("numerator")
    )
    denominator = models.ForeignKey(
        DataElement,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="denominator_of",
        verbose_name=_("denominator"),
    )
    factor = models.FloatField(_("factor"), default=1.0)
    # A string reference keeps the framework free of imports from the hierarchy app.
    departments = models.ManyToManyField(
        "orgunits.Department",
        blank=True,
        related_name="indicators",
        verbose_name=_("responsible departments"),
    )
    definition = models.TextField(_("definition"), blank=True)
    data_source = models.TextField(_("data source"), blank=True)

    class Meta:
        ordering = ["target", "sort_order"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(direction__in=[">=", "<=", "~"])
                | models.Q(target_value__isnull=False)
                | models.Q(target_change__isnull=False),
                name="indicator_numeric_target_has_value",
            ),
            models.CheckConstraint(
                condition=models.Q(factor__gt=0), name="indicator_factor_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_numeric_target(self) -> bool:
        return self.direction in (Direction.AT_LEAST, Direction.AT_MOST, Direction.AROUND)


class TargetOverride(models.Model):
    """A province's, prefecture's or county's own target value for an indicator."""

    indicator = models.ForeignKey(
        Indicator, models.CASCADE, related_name="overrides", verbose_name=_("indicator")
    )
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit",
        models.CASCADE,
        related_name="target_overrides",
        verbose_name=_("org unit"),
    )
    target_value = models.FloatField(_("target value"))
    target_text = models.CharField(_("target as worded"), max_length=200, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=10, choices=Confidence.choices, default=Confidence.SOURCED
    )
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["indicator", "orgunit"]
        verbose_name = _("target override")
        verbose_name_plural = _("target overrides")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "orgunit"], name="target_override_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} @ {self.orgunit}: {self.target_value}"
