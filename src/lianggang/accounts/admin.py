from django.contrib import admin

from .models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "orgunit", "all_departments")
    list_filter = ("role",)
    search_fields = ("user__username", "orgunit__name")
    autocomplete_fields = ("user", "orgunit")
    filter_horizontal = ("departments",)
