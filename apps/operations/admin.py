from django.contrib import admin

from .models import Operation, Participation, Room, RoomMembership


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["agency"]


class RoomMembershipInline(admin.TabularInline):
    model = RoomMembership
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    list_display = ["code_name", "phase", "starts_on", "ends_on"]
    list_filter = ["phase"]
    search_fields = ["code_name"]
    inlines = [ParticipationInline]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "operation", "last_seq"]
    list_filter = ["operation"]
    readonly_fields = ["last_seq"]
    inlines = [RoomMembershipInline]
