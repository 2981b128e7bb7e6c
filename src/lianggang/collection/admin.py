from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import DataSet, DataValue, Round, Submission


class ReadOnlyAdmin(admin.ModelAdmin):
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
class DataSetAdmin(admin.ModelAdmin):
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
