from django.contrib import admin

from .models import ImportRun, Indicator, IndicatorStat, ScoredParcel


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "operation", "officer", "status", "rows_total", "rows_created",
                    "rows_existing", "rows_rejected", "matches_found", "created_at"]  # fmt: skip
    list_filter = ["status", "operation"]
    readonly_fields = [f.name for f in ImportRun._meta.fields if f.name != "source"]
    exclude = ["source"]


class IndicatorStatInline(admin.StackedInline):
    model = IndicatorStat
    readonly_fields = ["flagged", "checked", "hits"]
    exclude = ["operation"]
    can_delete = False


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "operation", "kind", "weight", "active"]
    list_filter = ["operation", "kind", "active"]
    search_fields = ["name"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [IndicatorStatInline]


@admin.register(ScoredParcel)
class ScoredParcelAdmin(admin.ModelAdmin):
    list_display = ["tracking_number", "operation", "score", "scored_at", "checked_at", "hit_at"]
    list_filter = ["operation"]
    search_fields = ["tracking_number"]
    raw_id_fields = ["checked_report", "hit_report", "scored_by"]
