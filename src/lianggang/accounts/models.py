from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("system administrator")
    COMMITTEE_OFFICER = "committee_officer", _("committee office officer")
    COUNTY_OFFICER = "county_officer", _("county office officer")
    CLERK = "clerk", _("department clerk")
    VIEWER = "viewer", _("leader / viewer")
    FEDERATION_OFFICER = "federation_officer", _("women's federation officer")
    CASE_WORKER = "case_worker", _("rights case worker")


class Membership(models.Model):
    """A user's role and scope: an org-unit subtree × a set of departments."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="membership",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # String references keep the ground floor apps free of imports from each other.
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit",
        models.PROTECT,
        related_name="memberships",
        verbose_name=_("org unit (with the units below it)"),
    )
    departments = models.ManyToManyField(
        "orgunits.Department",
        blank=True,
        related_name="memberships",
        verbose_name=_("departments"),
    )
    all_departments = models.BooleanField(
        _("all departments"),
        default=False,
        help_text=_("An empty list of departments means none, never all: tick this for all."),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.orgunit}"


class ApiToken(models.Model):
    """A personal API token: it acts with exactly its user's scope. Only a hash is stored; the
    token itself is shown once, when it is made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What it is for."))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    digest = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} · {self.name} ({self.prefix}…)"
