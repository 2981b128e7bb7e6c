from django.contrib import admin

from lianggang.adminaudit import AuditedAdmin

from .models import Membership


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("user", "role", "orgunit", "all_departments")
    list_filter = ("role",)
    search_fields = ("user__username", "orgunit__name")
    autocomplete_fields = ("user", "orgunit")
    filter_horizontal = ("departments",)
