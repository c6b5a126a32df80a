from django.contrib import admin

from .models import Return, ReturnEvent, ReturnPeriod, YearClosure


class ReturnEventInline(admin.TabularInline):
    model = ReturnEvent
    extra = 0
    readonly_fields = ("action", "by", "at", "comment", "changes")
    can_delete = False


@admin.register(Return)
class ReturnAdmin(admin.ModelAdmin):
    list_display = ("period", "directorate", "status", "submitted_at", "reviewed_at")
    list_filter = ("status", "period")
    inlines = [ReturnEventInline]


admin.site.register(ReturnPeriod)
admin.site.register(YearClosure)
