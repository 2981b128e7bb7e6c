from typing import Any

from django.contrib import admin
from django.http import HttpRequest

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
    list_display = ("code", "left", "operator", "right", "severity", "enabled")
    list_filter = ("severity", "enabled")
    search_fields = ("code", "left", "right", "message")


@admin.register(ValidationNote)
class ValidationNoteAdmin(ReadOnlyAdmin):
    list_display = ("submission", "check_key", "author", "at")
