from django.contrib import admin

from beacon.core.models import ApiToken, DirectorateAssignment
from beacon.risk.models import RiskAssignment

from .throttle import AdminSignInForm

# The admin's sign-in is throttled like the sign-in page (beacon.web.throttle); beacon/urls.py
# also makes a refused attempt answer 429.
admin.site.login_form = AdminSignInForm


@admin.register(DirectorateAssignment)
class DirectorateAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "directorate")
    list_filter = ("directorate",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "scope", "created_at", "expires_at", "last_used_at", "revoked")
    list_filter = ("scope", "revoked")
    readonly_fields = ("prefix", "digest", "created_at", "last_used_at")
    fields = ("user", "name", "scope", "prefix", "digest", "created_at", "expires_at", "last_used_at", "revoked")

    def has_add_permission(self, request):
        return False  # issue tokens with `beacon api_token USER`: the token is shown once


@admin.register(RiskAssignment)
class RiskAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "risk")


# Users: roles are the groups on the user page; a data owner's directorates and a risk owner's
# risks are edited on the same page.
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.admin import UserAdmin  # noqa: E402


class DirectorateAssignmentInline(admin.TabularInline):
    model = DirectorateAssignment
    extra = 0
    verbose_name = "directorate (data owner)"
    verbose_name_plural = "directorates (data owner)"


class RiskAssignmentInline(admin.TabularInline):
    model = RiskAssignment
    extra = 0
    autocomplete_fields = ()
    verbose_name = "risk (risk owner)"
    verbose_name_plural = "risks (risk owner)"


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class BeaconUserAdmin(UserAdmin):
    inlines = [DirectorateAssignmentInline, RiskAssignmentInline]
    list_display = ("username", "first_name", "last_name", "is_staff", "roles")
    list_filter = ("groups", "is_staff", "is_active")

    @admin.display(description="roles")
    def roles(self, obj):
        return ", ".join(obj.groups.values_list("name", flat=True))
