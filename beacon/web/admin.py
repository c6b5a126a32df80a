from django.contrib import admin

from .models import ApiToken, DirectorateAssignment, Return, ReturnEvent, ReturnPeriod, RiskAssignment, YearClosure


@admin.register(DirectorateAssignment)
class DirectorateAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "directorate")
    list_filter = ("directorate",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked")
    readonly_fields = ("prefix", "digest", "created_at", "last_used_at")
    fields = ("user", "name", "prefix", "digest", "created_at", "last_used_at", "revoked")

    def has_add_permission(self, request):
        return False  # issue tokens with `beacon api_token USER`: the token is shown once


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


@admin.register(RiskAssignment)
class RiskAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "risk")
