"""Follow-up items (督办事项): a lagging target at an org unit, assigned to a department, with the
actions agreed, a due date and a state, reviewed at the committee's joint meetings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ItemState(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up state", "open")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    CLOSED = "closed", _("closed")


class FollowUp(models.Model):
    indicator = models.ForeignKey(
        "framework.Indicator", models.CASCADE, related_name="followups", verbose_name=_("indicator")
    )
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", models.CASCADE, related_name="followups", verbose_name=_("org unit")
    )
    department = models.ForeignKey(
        "orgunits.Department",
        models.PROTECT,
        related_name="followups",
        verbose_name=_("responsible department"),
    )
    year = models.PositiveSmallIntegerField(_("judged as of"))
    status_at_opening = models.CharField(_("status when opened"), max_length=20)
    actions = models.TextField(_("actions agreed"))
    due_on = models.DateField(_("due"))
    state = models.CharField(
        _("state"), max_length=12, choices=ItemState.choices, default=ItemState.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["state", "due_on", "pk"]
        verbose_name = _("follow-up item")
        verbose_name_plural = _("follow-up items")
        constraints = [
            # One live item per target and unit: a second would split the follow-up.
            models.UniqueConstraint(
                fields=["indicator", "orgunit"],
                condition=models.Q(state__in=["open", "in_progress"]),
                name="followup_one_live_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.orgunit_id}: {self.state}"


class FollowUpEvent(models.Model):
    """A progress note or a change of state, by whom and when (the item's history)."""

    item = models.ForeignKey(
        FollowUp, models.CASCADE, related_name="events", verbose_name=_("follow-up item")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    from_state = models.CharField(_("from"), max_length=12, blank=True)
    to_state = models.CharField(_("to"), max_length=12, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("follow-up event")
        verbose_name_plural = _("follow-up events")

    def __str__(self) -> str:
        return f"{self.item_id} {self.from_state}→{self.to_state}"
