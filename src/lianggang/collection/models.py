from django.conf import settings
from django.core.exceptions import ValidationError
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
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
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
    levels = models.JSONField(
        _("levels that report it"),
        default=list,
        help_text=_(
            "Org-unit levels that get a submission of this data set, e.g. [4] for counties."
        ),
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
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
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
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised by every change; guards against lost edits.")
    )
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
        # No default ordering: bulk reads (analytics, validation) must not sort and join.
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


class Channel(models.TextChoices):
    GRID = "grid", _("web grid")
    EXCEL = "excel", _("Excel upload")
    API = "api", _("API")
    CLI = "cli", _("command line")
    ADMIN = "admin", _("admin site")
    DEMO = "demo", _("demo generator")
    HISTORY = "history", _("history load")


class DataValueAudit(models.Model):
    """One change of one data value: who, when, through what, old → new, and why.

    Keys are copied so that the history survives the value's deletion; rows are never updated.
    """

    element = models.ForeignKey(
        "framework.DataElement", models.PROTECT, related_name="+", verbose_name=_("data element")
    )
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("org unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    disaggregation = models.CharField(_("disaggregation"), max_length=40)
    submission = models.ForeignKey(
        Submission, models.PROTECT, related_name="audit", verbose_name=_("submission")
    )
    old_value = models.FloatField(_("old value"), null=True)
    new_value = models.FloatField(_("new value"), null=True)
    old_comment = models.TextField(_("old comment"), blank=True)
    new_comment = models.TextField(_("new comment"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("changed by")
    )
    at = models.DateTimeField(_("changed at"), auto_now_add=True)
    channel = models.CharField(_("through"), max_length=10, choices=Channel.choices)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("data value change")
        verbose_name_plural = _("data value changes")
        indexes = [
            models.Index(fields=["element", "orgunit", "year"], name="audit_cell"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.element_id}@{self.orgunit_id}/{self.year}: {self.old_value} → {self.new_value}"
        )


class SubmissionEvent(models.Model):
    """One state change of a submission (submit, approve, return, reopen), with its reason."""

    submission = models.ForeignKey(
        Submission, models.CASCADE, related_name="events", verbose_name=_("submission")
    )
    from_state = models.CharField(_("from"), max_length=10, choices=SubmissionState.choices)
    to_state = models.CharField(_("to"), max_length=10, choices=SubmissionState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("submission event")
        verbose_name_plural = _("submission events")

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.from_state} → {self.to_state}"


class Severity(models.TextChoices):
    ERROR = "error", _("error: blocks submission")
    WARNING = "warning", _("warning: needs a comment")


class Operator(models.TextChoices):
    EQ = "==", "="
    NE = "!=", "≠"
    LT = "<", "<"
    LE = "<=", "≤"
    GT = ">", ">"
    GE = ">=", "≥"
    BOTH_OR_NEITHER = "both_or_neither", _("both or neither")


class MissingValues(models.TextChoices):
    SKIP_IF_ANY = "skip_if_any", _("skip the rule if any value is missing")
    SKIP_IF_ALL = "skip_if_all", _("skip if all are missing; missing ones count as 0")
    NEVER_SKIP = "never_skip", _("never skip; missing values count as 0")


class ValidationRule(models.Model):
    """left operator right, over the data elements of one org unit and year."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    left = models.CharField(
        _("left expression"),
        max_length=500,
        help_text=_("Data element codes with + − × ÷ and numbers; element.option for a breakdown."),
    )
    operator = models.CharField(_("operator"), max_length=20, choices=Operator.choices)
    right = models.CharField(_("right expression"), max_length=500)
    missing = models.CharField(
        _("missing values"),
        max_length=12,
        choices=MissingValues.choices,
        default=MissingValues.SKIP_IF_ANY,
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    message = models.CharField(_("message"), max_length=300)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")

    def __str__(self) -> str:
        return f"{self.left} {self.get_operator_display()} {self.right}"

    def clean(self) -> None:
        """Refuse expressions that do not parse or name undefined elements or breakdowns."""
        from .validation import rule_problems

        errors: dict[str, list[str]] = {}
        for field, message in rule_problems(self):
            if getattr(self, field):  # a blank side is already refused as a required field
                errors.setdefault(field, []).append(message)
        if errors:
            raise ValidationError(errors)


class ValidationNote(models.Model):
    """The explanation a clerk gives for a warning (a rule or an outlier) before submitting."""

    submission = models.ForeignKey(
        Submission,
        models.CASCADE,
        related_name="validation_notes",
        verbose_name=_("submission"),
    )
    check_key = models.CharField(_("check"), max_length=200)
    comment = models.TextField(_("explanation"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), auto_now=True)

    class Meta:
        ordering = ["submission", "check_key"]
        verbose_name = _("explanation of a warning")
        verbose_name_plural = _("explanations of warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "check_key"], name="validationnote_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.check_key}"


class PendingImport(models.Model):
    """An uploaded file between its preview and its confirmation (then deleted)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("user")
    )
    submission = models.ForeignKey(
        Submission,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submission"),
    )
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    fingerprint = models.CharField(_("fingerprint of the previewed changes"), max_length=64)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")

    def __str__(self) -> str:
        return self.filename


class NotificationKind(models.TextChoices):
    SUBMITTED = "submitted", _("submitted for review")
    RETURNED = "returned", _("returned")
    APPROVED = "approved", _("approved")
    REOPENED = "reopened", _("reopened")
    REMINDED = "reminded", _("reminder: please submit")


class Notification(models.Model):
    """An in-app message about a submission: officers learn of new submissions, clerks of
    returns. Worded when shown, in the reader's language."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=NotificationKind.choices)
    submission = models.ForeignKey(
        Submission, models.CASCADE, related_name="notifications", verbose_name=_("submission")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("by")
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.kind} · {self.submission_id}"
