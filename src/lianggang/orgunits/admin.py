from django.contrib import admin

from lianggang.adminaudit import AuditedAdmin

from .models import Department, OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ("code", "name", "level", "parent", "population", "is_demonstration")
    list_filter = ("level", "is_demonstration", "aggregated")
    search_fields = ("code", "name", "name_en")
    # The tree is loaded with its paths (`lianggang orgunits load`); it is not re-parented here.
    readonly_fields = ("code", "level", "parent", "path")


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("code", "name", "name_en")
    search_fields = ("code", "name")
