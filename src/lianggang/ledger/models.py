"""The women's federation's work ledger: what it did, raised, built, honoured, selected, handled
and gave, each record dated and placed at an org unit, so that any period's totals can be summed
and traced back to the records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .crypto import EncryptedTextField


def field_label(model: type[models.Model], name: str) -> str:
    """A field's name as users read it (its verbose name, in the active language)."""
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


class Level(models.TextChoices):
    """The level that built, awarded or selected something (a federation's level)."""

    NATIONAL = "national", pgettext_lazy("federation level", "national")
    PROVINCIAL = "provincial", pgettext_lazy("federation level", "provincial")
    PREFECTURE = "prefecture", pgettext_lazy("federation level", "prefecture")
    COUNTY = "county", pgettext_lazy("federation level", "county")
    TOWNSHIP = "township", pgettext_lazy("federation level", "township")
    VILLAGE = "village", pgettext_lazy("federation level", "village (community)")


class LedgerRecord(models.Model):
    """What every ledger record has: where, who entered it, and whether it is synthetic."""

    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("org unit")
    )
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(
        _("synthetic demo record"),
        default=False,
        help_text=_("Generated for the demo: not an official record."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        abstract = True


class ActivityKind(models.TextChoices):
    SKILLS_TRAINING = "skills_training", _("skills training")
    LECTURE = "lecture", _("lecture (宣讲)")
    CARE_SERVICE = "care_service", _("care service")
    LEGAL_PUBLICITY = "legal_publicity", _("legal publicity")
    FAMILY_EDUCATION = "family_education", _("family education class")
    VOLUNTEER_SERVICE = "volunteer_service", _("volunteer service")
    CHARITY_EVENT = "charity_event", _("charity event")
    HEALTH_CHECK = "health_check", _("health check")
    OTHER = "other", _("other activity")


class Activity(LedgerRecord):
    kind = models.CharField(_("type"), max_length=30, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    sessions = models.PositiveIntegerField(_("sessions"), default=1)
    participants = models.PositiveIntegerField(_("participants (person-times)"), default=0)
    women = models.PositiveIntegerField(_("of whom women"), default=0)
    families = models.PositiveIntegerField(_("families reached"), default=0)
    funds_yuan = models.DecimalField(_("funds (yuan)"), max_digits=14, decimal_places=2, default=0)
    materials_yuan = models.DecimalField(
        _("materials (yuan)"), max_digits=14, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["held_on", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(women__lte=F("participants")),
                name="activity_women_within_participants",
                violation_error_message=_("Of whom women cannot exceed the participants."),
            ),
            models.CheckConstraint(
                condition=Q(funds_yuan__gte=0, materials_yuan__gte=0),
                name="activity_amounts_not_negative",
                violation_error_message=_("Funds and materials cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class FundSource(models.TextChoices):
    CENTRAL = "central", _("central government")
    PROVINCIAL = "provincial", _("provincial")
    PREFECTURE = "prefecture", _("prefecture")
    COUNTY = "county", _("county")
    PAIRED_AID = "paired_aid", _("paired assistance (对口援建)")
    SOCIAL = "social", _("social donations")


class Project(LedgerRecord):
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source of funds"), max_length=20, choices=FundSource.choices)
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    approved_on = models.DateField(
        _("secured on"),
        help_text=_("The date the funds were secured: it places the project in a period."),
    )
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    beneficiaries = models.PositiveIntegerField(_("beneficiaries"), default=0)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects and funds")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_yuan__gte=0),
                name="project_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SiteKind(models.TextChoices):
    DEMONSTRATION_BASE = "demonstration_base", _("demonstration base")
    WOMENS_HOME = "womens_home", _("women's home (妇女之家)")
    VOLUNTEER_TEAM = "volunteer_team", _("women's volunteer team")
    RIGHTS_STATION = "rights_station", _("rights-protection station")
    MEDIATION_COMMITTEE = "mediation_committee", _("marriage and family mediation committee")


class Site(LedgerRecord):
    """A lasting place or body: counted when established, and as a stock at a date."""

    kind = models.CharField(_("type"), max_length=30, choices=SiteKind.choices)
    subtype = models.CharField(
        _("sub-type"), max_length=100, blank=True, help_text=_("e.g. 乡村振兴巾帼示范基地")
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    name = models.CharField(_("name"), max_length=200)
    established_on = models.DateField(_("established on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    members = models.PositiveIntegerField(_("members"), default=0)

    class Meta:
        verbose_name = _("site or organisation")
        verbose_name_plural = _("sites and organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("established_on")),
                name="site_closed_after_established",
                violation_error_message=_("A site cannot close before it is established."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class HonourTitle(models.TextChoices):
    RED_BANNER_PERSON = "red_banner_person", _("三八红旗手 (March 8th red-banner holder)")
    RED_BANNER_GROUP = "red_banner_group", _("三八红旗集体 (March 8th red-banner collective)")
    MODEL_WORKER = "model_worker", _("巾帼建功标兵 (women's achievement model)")
    CIVILISED_POST = "civilised_post", _("巾帼文明岗 (women's civilised post)")
    ACHIEVEMENT_GROUP = "achievement_group", _("巾帼建功先进集体 (women's achievement collective)")
    OTHER = "other", _("other honour")


class Honour(LedgerRecord):
    title = models.CharField(_("title"), max_length=30, choices=HonourTitle.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    awarded_on = models.DateField(_("awarded on"))
    recipient = models.CharField(_("recipient"), max_length=200)

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")

    def __str__(self) -> str:
        return f"{self.recipient} · {self.get_title_display()}"


class Family(LedgerRecord):
    """A family nominated for 最美家庭 at county level (orgunit: its county)."""

    name = models.CharField(_("family"), max_length=100, help_text=_("e.g. 扎西家庭"))
    address = models.CharField(_("township and village"), max_length=200, blank=True)
    story = models.TextField(_("story"), blank=True)
    nominated_on = models.DateField(_("nominated on"))

    class Meta:
        verbose_name = _("family (最美家庭 nominee)")
        verbose_name_plural = _("families (最美家庭)")

    def __str__(self) -> str:
        return self.name


class Decision(models.TextChoices):
    PENDING = "pending", _("recommended, not yet decided")
    SELECTED = "selected", _("selected")
    NOT_SELECTED = "not_selected", _("not selected")


# The levels of the selection, bottom up: each selects from those recommended to it by the
# level below.
SELECTION_LEVELS = (Level.COUNTY, Level.PREFECTURE, Level.PROVINCIAL, Level.NATIONAL)


class FamilyAward(models.Model):
    """A family's candidacy at one level of the 最美家庭 selection, and that level's decision."""

    family = models.ForeignKey(
        Family, models.CASCADE, related_name="awards", verbose_name=_("family")
    )
    level = models.CharField(
        _("level"), max_length=20, choices=[(lv.value, lv.label) for lv in SELECTION_LEVELS]
    )
    recommended_on = models.DateField(_("recommended on"))
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("最美家庭 candidacy")
        verbose_name_plural = _("最美家庭 candidacies")
        constraints = [
            models.UniqueConstraint(fields=["family", "level"], name="one_candidacy_per_level"),
            models.CheckConstraint(
                condition=Q(decision="pending", decided_on__isnull=True)
                | (~Q(decision="pending") & Q(decided_on__gte=F("recommended_on"))),
                name="decision_dated_after_recommendation",
                violation_error_message=_(
                    "A decision needs a date, on or after the recommendation; a pending one none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family} · {self.get_level_display()} · {self.get_decision_display()}"


class Channel(models.TextChoices):
    VISIT = "visit", _("visit")
    HOTLINE = "hotline", _("12338 hotline")
    LETTER = "letter", _("letter")
    ONLINE = "online", _("online")
    REFERRAL = "referral", _("referred by another body")


class CaseKind(models.TextChoices):
    DOMESTIC_VIOLENCE = "domestic_violence", _("domestic violence")
    MARRIAGE_FAMILY = "marriage_family", _("marriage and family")
    PROPERTY = "property", _("property rights")
    EMPLOYMENT = "employment", _("employment rights")
    CHILD = "child", _("children's rights")
    OTHER = "other", _("other")


class CaseState(models.TextChoices):
    OPEN = "open", _("open")
    REFERRED = "referred", _("referred")
    CLOSED = "closed", _("closed")


class RightsCase(LedgerRecord):
    """A woman's or child's request for help. The applicant's personal data is encrypted at rest
    and readable only by the case's workers and its supervisor, each reading logged."""

    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    kind = models.CharField(_("type"), max_length=30, choices=CaseKind.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=CaseState.choices, default=CaseState.OPEN
    )
    protection_order = models.BooleanField(_("protection order issued"), default=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # Personal data (PIPL sensitive personal information): encrypted, never listed in clear.
    applicant_name = EncryptedTextField(_("applicant's name"))
    applicant_phone = EncryptedTextField(_("applicant's phone"), blank=True)
    applicant_id_number = EncryptedTextField(_("applicant's ID number"), blank=True)
    applicant_address = EncryptedTextField(_("applicant's address"), blank=True)
    narrative = EncryptedTextField(_("what happened"), blank=True)
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("case workers")
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("supervisor"),
    )

    class Meta:
        verbose_name = _("rights case")
        verbose_name_plural = _("rights cases")
        constraints = [
            models.CheckConstraint(
                condition=Q(state="closed", closed_on__isnull=False)
                | (~Q(state="closed") & Q(closed_on__isnull=True)),
                name="closed_cases_have_a_closing_date",
                violation_error_message=_(
                    "A closed case needs its closing date; an open one none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} · {self.get_kind_display()}"


class StepKind(models.TextChoices):
    COUNSELLING = "counselling", _("counselling")
    MEDIATION = "mediation", _("mediation")
    LEGAL_AID = "legal_aid", _("legal aid")
    REFERRAL = "referral", _("referral")
    PROTECTION_ORDER = "protection_order", _("protection order")
    SHELTER = "shelter", _("shelter")
    CLOSURE = "closure", _("closure")


class CaseStep(models.Model):
    case = models.ForeignKey(
        RightsCase, models.CASCADE, related_name="steps", verbose_name=_("rights case")
    )
    kind = models.CharField(_("step"), max_length=30, choices=StepKind.choices)
    taken_on = models.DateField(_("date"))
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["taken_on", "pk"]
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")

    def __str__(self) -> str:
        return f"{self.taken_on} · {self.get_kind_display()}"


class AidProgramme(models.TextChoices):
    TWO_CANCERS = "two_cancers", _("两癌 aid (cervical and breast cancer)")
    HARDSHIP = "hardship", _("care for women and children in hardship")
    INSURANCE = "insurance", _("health insurance")
    NUTRITION = "nutrition", _("infant nutrition packs")
    OTHER = "other", _("other aid")


class AidRecord(LedgerRecord):
    """Aid given to one recipient (personal data encrypted) or, with a quantity, to many."""

    programme = models.CharField(_("programme"), max_length=20, choices=AidProgramme.choices)
    given_on = models.DateField(_("given on"))
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    recipients = models.PositiveIntegerField(
        _("recipients"), default=1, help_text=_("1 for a named recipient; more for a batch.")
    )
    quantity = models.PositiveIntegerField(_("items given"), default=0)
    recipient_name = EncryptedTextField(_("recipient's name"), blank=True)
    recipient_id_number = EncryptedTextField(_("recipient's ID number"), blank=True)
    # Who may read the recipient's personal data (with the same log as a case's).
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supervisor"),
    )

    class Meta:
        verbose_name = _("aid record")
        verbose_name_plural = _("aid records")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_yuan__gte=0),
                name="aid_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.given_on} · {self.get_programme_display()}"


class PersonalDataRead(models.Model):
    """One reading of a case's or aid record's personal data: who, when, why."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("user")
    )
    case = models.ForeignKey(
        RightsCase,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reads",
        verbose_name=_("rights case"),
    )
    aid = models.ForeignKey(
        AidRecord,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reads",
        verbose_name=_("aid record"),
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    # Read by someone not assigned to the record: allowed to the federation's officers and case
    # workers in scope only with a stated reason, and shown to the record's supervisor.
    outside_assignment = models.BooleanField(_("outside the reader's assignment"), default=False)
    reason = models.TextField(_("reason for reading outside the assignment"), blank=True)

    class Meta:
        verbose_name = _("personal data read")
        verbose_name_plural = _("personal data reads")
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, aid__isnull=True)
                | Q(case__isnull=True, aid__isnull=False),
                name="a_read_is_of_one_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} · {self.user} · {self.purpose}"


# The encrypted fields of each model: deferred in every listing, loaded only to be revealed.
PERSONAL_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    RightsCase: (
        "applicant_name",
        "applicant_phone",
        "applicant_id_number",
        "applicant_address",
        "narrative",
    ),
    AidRecord: ("recipient_name", "recipient_id_number"),
    CaseStep: ("note",),
}


class PendingImport(models.Model):
    """An uploaded ledger workbook between its preview and its confirmation (then deleted).
    It may hold victims' personal data, so it is kept encrypted like them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("user")
    )
    filename = models.CharField(_("file name"), max_length=255)
    content = EncryptedTextField(_("content (base64)"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pending ledger import")
        verbose_name_plural = _("pending ledger imports")

    def __str__(self) -> str:
        return self.filename
