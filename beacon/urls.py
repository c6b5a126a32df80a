from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from beacon.api.api import api
from beacon.web.throttle import refusal_status

admin.site.site_header = "Beacon administration"
admin.site.site_title = "Beacon administration"


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the icon (looked up
    when asked, so the collected files' hashed name is used)."""
    return HttpResponsePermanentRedirect(static("web/favicon.svg"))


urlpatterns = [
    # the admin's sign-in, throttled like /sign-in/ (its form: beacon/web/admin.py); 429 when refused
    path("admin/login/", refusal_status(admin.site.login)),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("favicon.ico", favicon),
    path("", include("beacon.web.urls")),
]

# Every error on a branded page that says why and links home (beacon/web/views/errors.py).
handler400 = "beacon.web.views.errors.bad_request"
handler403 = "beacon.web.views.errors.permission_denied"
handler404 = "beacon.web.views.errors.page_not_found"
handler500 = "beacon.web.views.errors.server_error"
