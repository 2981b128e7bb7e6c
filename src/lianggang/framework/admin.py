from django.contrib import admin

from lianggang.adminaudit import AuditedAdmin

from .models import (
    Area,
    DataElement,
    DisaggregationCategory,
    DisaggregationOption,
    Indicator,
    Outline,
    Target,
    TargetOverride,
)


class AreaInline(admin.TabularInline):
    model = Area
    extra = 0
    fields = ("number", "code", "name", "name_en")


@admin.register(Outline)
class OutlineAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "start_year", "end_year", "baseline_year")
    inlines = (AreaInline,)


class IndicatorInline(admin.StackedInline):
    model = Indicator
    extra = 0
    fk_name = "target"
    autocomplete_fields = ("numerator", "denominator")
    filter_horizontal = ("departments",)


@admin.register(Target)
class TargetAdmin(AuditedAdmin):
    list_display = ("code", "area", "number", "text", "confidence")
    list_filter = ("area__outline", "confidence")
    search_fields = ("code", "text", "source")
    inlines = (IndicatorInline,)


class TargetOverrideInline(admin.TabularInline):
    model = TargetOverride
    extra = 0
    autocomplete_fields = ("orgunit",)


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ("code", "name", "unit", "direction", "target_value", "target_year", "kind")
    list_filter = ("target__area__outline", "kind", "scale", "direction", "departments")
    search_fields = ("code", "name", "name_en")
    autocomplete_fields = ("numerator", "denominator", "target")
    filter_horizontal = ("departments",)
    inlines = (TargetOverrideInline,)


@admin.register(DataElement)
class DataElementAdmin(AuditedAdmin):
    list_display = ("code", "name", "unit", "aggregation", "integer")
    list_filter = ("aggregation",)
    search_fields = ("code", "name", "name_en")


class DisaggregationOptionInline(admin.TabularInline):
    model = DisaggregationOption
    extra = 0


@admin.register(DisaggregationCategory)
class DisaggregationCategoryAdmin(AuditedAdmin):
    list_display = ("code", "name")
    inlines = (DisaggregationOptionInline,)


@admin.register(TargetOverride)
class TargetOverrideAdmin(AuditedAdmin):
    list_display = ("indicator", "orgunit", "target_value", "confidence")
    autocomplete_fields = ("indicator", "orgunit")
