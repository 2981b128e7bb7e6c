from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from lianggang.adminaudit import AuditedAdmin

from .models import (
    DataSet,
    DataValue,
    DataValueAudit,
    Round,
    Submission,
    SubmissionEvent,
    ValidationNote,
    ValidationRule,
)
from .validation import known_elements, rule_problems


class ReadOnlyAdmin(AuditedAdmin):
    """Collected data change only through the collection services, which audit every change."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ("year", "state", "opens_on", "closes_on", "is_demo")


@admin.register(DataSet)
class DataSetAdmin(AuditedAdmin):
    list_display = ("code", "name", "department")
    filter_horizontal = ("elements",)


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("round", "data_set", "orgunit", "state", "approved_at")
    list_filter = ("state", "round", "data_set")


@admin.register(DataValue)
class DataValueAdmin(ReadOnlyAdmin):
    list_display = ("element", "orgunit", "year", "disaggregation", "value")
    list_filter = ("year", "element")
    list_select_related = ("element", "orgunit")


@admin.register(DataValueAudit)
class DataValueAuditAdmin(ReadOnlyAdmin):
    list_display = (
        "at",
        "actor",
        "channel",
        "element",
        "orgunit",
        "year",
        "old_value",
        "new_value",
    )
    list_filter = ("channel", "year")
    list_select_related = ("actor", "element", "orgunit")


@admin.register(SubmissionEvent)
class SubmissionEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "submission", "from_state", "to_state", "reason")
    list_select_related = (
        "actor",
        "submission__round",
        "submission__data_set",
        "submission__orgunit",
    )


@admin.register(ValidationRule)
class ValidationRuleAdmin(AuditedAdmin):
    """Rules are checked when saved (``ValidationRule.clean``); one stored otherwise (before that
    check, or naming an element since removed) is skipped at validation time and shows here."""

    list_display = ("code", "left", "operator", "right", "severity", "enabled")
    list_filter = ("severity", "enabled")
    search_fields = ("code", "left", "right", "message")

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        known = known_elements()  # read once per page, not once per row

        def problem(rule: ValidationRule) -> str:
            return "; ".join(message for _field, message in rule_problems(rule, known)) or "—"

        problem.short_description = _("problem")  # type: ignore[attr-defined]
        return [*super().get_list_display(request), problem]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if request.method == "GET":
            known = known_elements()
            enabled = ValidationRule.objects.filter(enabled=True)
            broken = [r.code for r in enabled if rule_problems(r, known)]
            if broken:
                messages.warning(
                    request,
                    _(
                        "These validation rules cannot be used and are skipped when data "
                        "are validated: %(codes)s. See the “problem” column."
                    )
                    % {"codes": ", ".join(broken)},
                )
        return super().changelist_view(request, extra_context)


@admin.register(ValidationNote)
class ValidationNoteAdmin(ReadOnlyAdmin):
    list_display = ("submission", "check_key", "author", "at")
