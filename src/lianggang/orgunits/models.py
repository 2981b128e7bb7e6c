from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    COUNTRY = 1, _("country")
    PROVINCE = 2, _("province")
    PREFECTURE = 3, _("prefecture")
    COUNTY = 4, _("county")
    TOWNSHIP = 5, _("township")


class OrgUnit(models.Model):
    """An administrative unit (GB/T 2260 code), in a tree stored as a materialised path."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    kind = models.CharField(_("type"), max_length=20, blank=True, help_text=_("e.g. 县级市"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(
        _("path"),
        max_length=255,
        db_index=True,
        editable=False,
        help_text=_("Codes from the root, each followed by '/'."),
    )
    population = models.PositiveIntegerField(_("population (2020 census)"), null=True, blank=True)
    is_demonstration = models.BooleanField(_("demonstration county"), default=False)
    aggregated = models.BooleanField(
        _("aggregate from children"),
        default=True,
        help_text=_(
            "Compute this unit's figures from its children. Off for units whose children are "
            "not all held here (a province above a single prefecture)."
        ),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["path"]
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="orgunit_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A member department of the committee (成员单位)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    typical_indicators = models.TextField(_("indicators it typically reports"), blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name
