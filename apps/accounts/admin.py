from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Agency, AgencyAlias, Country, Officer
from .services import officer_access_changed

# Edits that can take access away: the officer's open sockets re-check at once.
ACCESS_FIELDS = {"is_active", "agency", "role"}


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "kind"]
    list_filter = ["kind", "country"]
    search_fields = ["name"]


@admin.register(Officer)
class OfficerAdmin(UserAdmin):
    list_display = ["username", "agency", "role", "is_active"]
    list_filter = ["role", "is_active", "agency__country"]
    fieldsets = UserAdmin.fieldsets + (("Command centre", {"fields": ("agency", "role")}),)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and ACCESS_FIELDS & set(form.changed_data):
            officer_access_changed(officer=obj)


@admin.register(AgencyAlias)
class AgencyAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "agency", "created_by", "created_at"]
    list_filter = ["country"]
    search_fields = ["name", "agency__name"]
    readonly_fields = ["folded", "created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
